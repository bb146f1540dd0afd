#pragma once

#include "core/events/event_sink.h"
#include "core/scenario/scenario.h"
#include "core/util/result.h"
#include "prometheus_source.h" // Deliver

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

namespace warroom {

class SteppedSimulation;
struct PostMortem;

// A fault an instructor injects into a running drill.
struct DrillFault
{
    enum class Kind
    {
        Block,   // a deny rule from one site to another (all ports), placed first
        CutLink, // a link goes down
        CutSite, // every link of a site goes down
        Crash,   // a node crashes
        Spike,   // the offered load is multiplied
    };
    Kind kind = Kind::CutLink;
    QString target;      // link, site or node id; Block: the site traffic leaves
    QString to;          // Block: the site it cannot reach
    double factor = 3.0; // Spike
    qint64 forMs = 0;    // undone after this long (simulated); 0: until the drill ends
    QString injectedBy;  // the instructor
};

QString toString(DrillFault::Kind kind); // "block", "cut-link", "cut-site", "crash", "spike"
bool drillFaultKindFromString(const QString &name, DrillFault::Kind *kind);
// The scheduled change a fault is (the rule it adds for Block), or why it cannot be.
Result<ScheduledChange> changeFor(const DrillFault &fault, const Topology &topology);

struct DrillOptions
{
    double speed = 1.0;        // simulated time per wall-clock time
    qint64 fromMs = 0;         // offset into the scenario where it starts (played fast before)
    qint64 toMs = -1;          // offset where it ends (-1: the scenario's end)
    QString instructor;        // recorded with the drill and every fault
    bool hideRootCause = true; // trainees see no rule names until the instructor reveals them
};

// A training drill: the simulator plays a scenario live, at the pace of the wall clock times
// `speed`, into a live recording (through `deliver`, like any source); an instructor injects
// faults and reveals the root cause. Runs in the thread that starts it.
class Drill : public QObject
{
    Q_OBJECT

public:
    static Result<std::unique_ptr<Drill>> start(Scenario scenario, const DrillOptions &options,
                                                Deliver deliver);
    ~Drill() override;

    // Applied at the next tick; the fault.started event records who injected it.
    std::optional<QString> inject(const DrillFault &fault);
    // Trainee views show the rule names from now on (a `drill.reveal` annotation).
    void reveal(const QString &by);
    qint64 nowMs() const; // simulated

Q_SIGNALS:
    void ended();

private:
    class FeedSink;
    Drill() = default;
    void pump();

    Scenario m_scenario;
    DrillOptions m_options;
    Deliver m_deliver;
    std::unique_ptr<FeedSink> m_sink;
    std::unique_ptr<SteppedSimulation> m_simulation;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_startMs = 0; // simulated, when the clock started
    bool m_finished = false;
};

// What a drill's recording says of the trainee: each injected fault, who injected it and
// when, and the time from it to the first timeline entry marked Diagnosis at or after it.
struct DrillFaultOutcome
{
    qint64 timeMs = 0;
    QString text; // what was done: "rule_add deny-dc1-to-dc2 for 10m"
    QString injectedBy;
    qint64 diagnosedAfterMs = -1; // -1: not diagnosed (yet)
};
QList<DrillFaultOutcome> drillOutcomes(const QList<Event> &faultEvents,
                                       const QList<PostMortem> &postMortems);

} // namespace warroom
