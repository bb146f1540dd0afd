#pragma once

#include "core/live/drill.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace warroom {

class LiveListener;
struct ReplayData;

// The instructor's side of a drill: inject a fault (block traffic between sites, cut a link,
// cut a site off, crash a node, spike the load) for a while or for good, reveal the root cause
// to the trainees, and see each fault with who injected it and how long the trainees took to
// mark a diagnosis.
class DrillPanel : public QWidget
{
    Q_OBJECT

public:
    DrillPanel(LiveListener *listener, const DrillOptions &options, QWidget *parent = nullptr);

    // The drill's recording as read now: the targets to choose from, the faults and outcomes.
    void update(const ReplayData &data);
    // The fault the form describes now (what Inject sends).
    DrillFault fault() const;
    void setFault(const DrillFault &fault); // fills the form (tests, shortcuts)
    void inject();
    void reveal();
    QString statusText() const;
    int faultRows() const;
    QString faultRow(int row) const; // "time | fault | by | diagnosed after", for tests

private:
    void fillTargets();
    void stopWaiting(); // the drill ended or never started: nothing more is injected

    LiveListener *m_listener;
    DrillOptions m_options;
    Topology m_topology;
    QComboBox *m_kind;
    QComboBox *m_target;
    QComboBox *m_to;
    QDoubleSpinBox *m_factor;
    QComboBox *m_duration;
    QPushButton *m_inject;
    QPushButton *m_reveal;
    QLabel *m_status;
    QLabel *m_trainees; // how trainees open this drill
    QTableWidget *m_faults;
    bool m_revealed = false;
    bool m_ended = false;
    // A fault set, or asked to be injected, before the drill's topology came in (the targets
    // are its sites, links and nodes): applied, and injected, once it has.
    std::optional<DrillFault> m_waitingFault;
    bool m_injectWhenKnown = false;
};

} // namespace warroom
