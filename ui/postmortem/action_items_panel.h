#pragma once

#include "core/postmortem/postmortem.h"
#include "core/util/latest_job.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace warroom {

class ActionItemDelegate;
class PostMortemDocument;

// The post-mortem's action items: a table whose cells take only what their field takes (a
// refused edit says why under it), and each item's what-if — a variant scenario or what-if
// changes — replayed on a worker thread (progress, cancel) and its effect stored in the item.
class ActionItemsPanel : public QWidget
{
    Q_OBJECT

public:
    // Columns: the ActionField ones, then the simulated effect.
    static constexpr int kEffectColumn = int(ActionField::WhatIf) + 1;
    static constexpr int kWideTable = 1000; // px: narrower, the effect column folds away

    explicit ActionItemsPanel(PostMortemDocument *document, QWidget *parent = nullptr);

    // The recording the items' what-ifs replay, its scenario file (variants are offered from
    // its folder), and where the replays are recorded.
    void setRecording(const QString &path, const QString &scenarioFile);
    void setCacheFolder(const QString &folder) { m_cacheFolder = folder; }
    void refresh(); // the table from the document

    // Replays item `row`'s what-if and stores its effect in the item; whatIfFinished or
    // whatIfFailed tells when it is done.
    void simulate(int row);
    void cancelSimulation();
    bool simulating() const { return m_running != nullptr; }
    int simulationProgress() const; // 0..1000

    QTableWidget *table() const { return m_table; }
    QString problem() const; // why the last edit was refused, or the last replay failed

    // The replay of an item's what-if made in this session, to open beside the map.
    QString replayOf(const QString &whatIf) const { return m_replays.value(whatIf.trimmed()); }

Q_SIGNALS:
    void whatIfFinished(int row);
    // "Compare in the window": the replay of the selected item's what-if beside the incident.
    void compareRequested(const QString &recordingPath);
    void whatIfFailed(int row, const QString &why);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override; // the table's width

private:
    void edit(const std::function<void(PostMortem &)> &change, const QString &description);
    void cellEdited(int row, int column, const QString &text);
    void showProgress();
    void updateButtons();

    PostMortemDocument *m_document;
    QString m_path;
    QString m_scenarioFile;
    QString m_cacheFolder;
    bool m_refreshing = false;
    QTableWidget *m_table;
    ActionItemDelegate *m_delegate;
    QLabel *m_effect; // the selected item's simulated effect, whole
    QLabel *m_problem;
    QPushButton *m_simulate;
    QPushButton *m_cancel;
    QPushButton *m_compare;
    QHash<QString, QString> m_replays; // what-if -> its replay's recording, this session
    QProgressBar *m_progress;
    QTimer m_progressTimer;
    std::shared_ptr<std::atomic<int>> m_running; // progress of the replay under way
    int m_simulatingRow = -1;
    LatestJob m_replay{this};
    LatestJob m_variants{this};
};

} // namespace warroom
