#pragma once

#include "core/replay/verdict_diff.h"

#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace warroom {

class MapView;
class ReplaySession;

// A second run of the incident beside the first, on one clock (File → Compare with…): its
// map at the moment the first run's cursor stands for, its service state, and the hops whose
// verdict differs between the runs there. The runs align by their offset from their starts
// (a variant replayed from the same start) or by wall time.
class ComparePanel : public QWidget
{
    Q_OBJECT

public:
    enum class Alignment
    {
        Offset,   // the same time since each run's start
        WallTime, // the same moment
    };

    explicit ComparePanel(QWidget *parent = nullptr);

    // A recording, or a scenario (simulated first, like any opened one).
    void open(const QString &path);
    QString path() const { return m_path; }
    bool isLoaded() const;
    // Follows run A (`a`): B goes to the aligned moment and the differences are worked out
    // again when either run's state changed. Cheap when nothing did: called every frame.
    void follow(ReplaySession &a);
    void setAlignment(Alignment alignment);
    Alignment alignment() const { return m_alignment; }
    const QList<VerdictDifference> &differences() const { return m_differences; }
    QString stateText() const; // B's service state at the aligned moment, as shown
    MapView *map() const { return m_map; }
    ReplaySession *session() const { return m_b; }

Q_SIGNALS:
    void loaded();                          // B is open and shown
    void failed(const QString &message);    // B could not be opened
    void nodeChosen(const QString &nodeId); // a difference was chosen: select it on A's map
    void closeRequested();
    void alignmentChanged();
    void differencesChanged(); // the hops that differ are others now

private:
    void showDifferences();
    void compare(); // B's map, state and the differences, now

    ReplaySession *m_b;
    QString m_path;
    Alignment m_alignment = Alignment::Offset;
    QLabel *m_title;
    QLabel *m_state;
    QComboBox *m_align;
    MapView *m_map;
    QLabel *m_count;
    QTableWidget *m_table;
    QList<VerdictDifference> m_differences;
    quint64 m_aGeneration = ~quint64(0);
    quint64 m_bGeneration = ~quint64(0);
    qint64 m_aStart = 0;
    ReplaySession *m_a = nullptr;
    QTimer m_coalesce; // while A plays: at most a few comparisons a second, not one a frame
};

} // namespace warroom
