#pragma once

#include "core/util/latest_job.h"

#include <QMainWindow>

class QLabel;
class QTextBrowser;
class QTreeView;
class QTableView;

namespace warroom {

class FindingModel;
class TopologyModel;
struct LoadedScenario;

// The war room's main window: a scenario's sites and nodes, and what the analysis found.
// Files are read and analysed on a worker thread; the newest request wins.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void openFile(const QString &path);
    const TopologyModel *topologyModel() const { return m_topology; }
    const FindingModel *findingModel() const { return m_findings; }
    QString detailsText() const;

Q_SIGNALS:
    void loaded(const QString &path);
    void loadFailed(const QString &message);

private:
    void buildActions();
    void chooseFile();
    void apply(const LoadedScenario &result);
    void showFindingDetails();

    TopologyModel *m_topology;
    FindingModel *m_findings;
    QLabel *m_title;
    QLabel *m_summary;
    QTreeView *m_tree;
    QTableView *m_table;
    QTextBrowser *m_details;
    QString m_path;
    LatestJob m_loading{this};
};

} // namespace warroom
