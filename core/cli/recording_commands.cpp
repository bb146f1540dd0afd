// warroom-cli simulate, events and summary: making and reading recordings.
#include "cli.h"
#include "cli_command.h"
#include "core/store/shared_address.h"

#include "core/live/drill.h"
#include "core/postmortem/postmortem.h"
#include "core/postmortem/postmortem_store.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/summary/recording_summary.h"
#include "core/util/duration.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <cstdio>
#include <unistd.h>

namespace warroom {

namespace {

// A one-line progress bar on a terminal; nothing when stderr is a file or a pipe.
class ProgressBar
{
public:
    explicit ProgressBar(QString label)
        : m_label(std::move(label))
        , m_enabled(isatty(fileno(stderr)) != 0)
    {}
    void update(qint64 done, qint64 total)
    {
        if (!m_enabled || total <= 0)
            return;
        const int width = 30;
        const int filled = int(double(done) / double(total) * width);
        std::fprintf(stderr, "\r%s [%s%s] %3d%%  %s of %s ", qPrintable(m_label),
                     QByteArray(filled, '#').constData(),
                     QByteArray(width - filled, '.').constData(), int(100 * done / total),
                     qPrintable(formatDuration(done)), qPrintable(formatDuration(total)));
        std::fflush(stderr);
    }
    void finish()
    {
        if (m_enabled)
            std::fprintf(stderr, "\n");
    }

private:
    QString m_label;
    bool m_enabled;
};

std::unique_ptr<Recording> openRecording(const QString &file, QTextStream &err)
{
    Result<std::unique_ptr<Recording>> recording = Recording::open(file);
    if (!recording) {
        err << recording.errors().first().toString() << '\n';
        return nullptr;
    }
    return std::move(recording.value());
}

// Says, once a command is done, the damage that reading the recording met (left out of what
// the command printed).
struct DamageNotice
{
    const Recording &recording;
    QTextStream &err;
    ~DamageNotice() { warnOfDamage(recording, err); }
};

} // namespace

int simulateCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The recording to write (.warroom)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption seed(QStringLiteral("seed"),
                                  QStringLiteral("Seed of the random choices (default: the "
                                                 "scenario's)."),
                                  QStringLiteral("N"));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("Record from this time (ISO 8601, or an offset "
                                                 "from the scenario's start such as 3w2d)."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"),
                                QStringLiteral("Stop at this time (ISO 8601 or an offset)."),
                                QStringLiteral("T"));
    const QCommandLineOption whatIf(QStringLiteral("what-if"),
                                    QStringLiteral("Change the scenario before playing it; "
                                                   "repeatable (see 'analyze --help')."),
                                    QStringLiteral("CHANGE"));
    for (const QCommandLineOption &o : {output, seed, from, to, whatIf})
        parser.addOption(o);
    parser.addPositionalArgument(QStringLiteral("SCENARIO"), QStringLiteral("A scenario file."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Plays a scenario through the simulator and "
                                                "writes every event and metric to a recording."),
                                 out, err))
        return *code;
    if (!parser.isSet(output)) {
        err << "warroom-cli: simulate needs -o FILE.warroom\n";
        return ExitInvalid;
    }
    const QString file = parser.positionalArguments().first();
    const Result<Scenario> scenario = loadScenarioFile(file);
    if (!scenario)
        return reportErrors(scenario.errors(), false, out, err);
    const qint64 startMs = scenario->start.isValid() ? scenario->start.toMSecsSinceEpoch() : 0;

    SimulationOptions options;
    options.whatIfs = parser.values(whatIf);
    if (parser.isSet(seed)) {
        bool ok = false;
        options.seed = parser.value(seed).toULongLong(&ok);
        if (!ok) {
            err << "warroom-cli: --seed must be a whole number, not '" << parser.value(seed)
                << "'\n";
            return ExitInvalid;
        }
    }
    for (const auto &[option, into] :
         {std::pair{&from, &options.fromMs}, std::pair{&to, &options.toMs}}) {
        if (!parser.isSet(*option))
            continue;
        const auto at = parseTime(parser.value(*option), startMs);
        if (!at || *at < startMs) {
            err << "warroom-cli: --" << option->names().first() << " '" << parser.value(*option)
                << "' is not a time within the scenario (ISO 8601 or an offset such as 3w2d)\n";
            return ExitInvalid;
        }
        *into = *at - startMs;
    }
    if (options.toMs >= 0 && options.toMs <= options.fromMs) {
        err << "warroom-cli: --to must come after --from\n";
        return ExitInvalid;
    }

    const QString target = parser.value(output);
    ProgressBar bar(u"simulating " + scenario->name);
    options.progress = [&](qint64 done, qint64 total) { bar.update(done, total); };
    QElapsedTimer timer;
    timer.start();
    const Result<SimulationStats> stats = recordSimulation(scenario.value(), options, target);
    bar.finish();
    if (!stats) {
        err << stats.errors().first().toString() << '\n';
        return ExitInvalid;
    }
    const QLocale c(QLocale::English);
    out << "wrote " << (isSharedAddress(target) ? recordingDisplayName(target) : target) << ": "
        << formatDuration(stats->endMs - stats->startMs) << " of '" << scenario->name
        << "' simulated in " << QString::number(timer.elapsed() / 1000.0, 'f', 1) << " s, "
        << c.toString(stats->events) << " events, " << c.toString(stats->samples)
        << " samples, seed " << stats->seed << ", events hash " << stats->eventsHash.left(16)
        << '\n';
    return ExitClean;
}

int eventsCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption kind(QStringLiteral("kind"),
                                  u"Only events of this kind; repeatable; 'autoscaler.*' for a "
                                  u"family. Kinds: " +
                                      eventKindNames().join(QStringLiteral(", ")),
                                  QStringLiteral("K"));
    const QCommandLineOption node(QStringLiteral("node"),
                                  QStringLiteral("Only events of this node."), QStringLiteral("N"));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("From this time (ISO 8601, or an offset from the "
                                                 "recording's start such as 3w2d)."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Up to this time."),
                                QStringLiteral("T"));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("At most N events."),
                                   QStringLiteral("N"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    for (const QCommandLineOption &o : {kind, node, from, to, limit, json})
        parser.addOption(o);
    parser.addPositionalArgument(
        QStringLiteral("FILE"), QStringLiteral("A recording: a file, or a shared incident's "
                                               "address postgresql://HOST:PORT/DB?incident=NAME."));
    if (auto code =
            parseCommand(parser, args, QStringLiteral("Lists a recording's events."), out, err))
        return *code;
    auto recording = openRecording(parser.positionalArguments().first(), err);
    if (!recording)
        return ExitInvalid;
    const DamageNotice damage{*recording, err};
    EventFilter filter;
    for (const QString &k : parser.values(kind)) {
        EventKind parsed;
        if (!k.endsWith(u'*') && !eventKindFromString(k, &parsed)) {
            err << "warroom-cli: unknown event kind '" << k
                << "'; kinds: " << eventKindNames().join(QStringLiteral(", ")) << '\n';
            return ExitInvalid;
        }
        filter.kinds.append(k);
    }
    filter.node = parser.value(node);
    for (const auto &[option, into] :
         {std::pair{&from, &filter.fromMs}, std::pair{&to, &filter.toMs}}) {
        if (!parser.isSet(*option))
            continue;
        const auto at = parseTime(parser.value(*option), recording->startMs());
        if (!at) {
            err << "warroom-cli: --" << option->names().first() << " '" << parser.value(*option)
                << "' is not a time (ISO 8601 or an offset such as 3w2d)\n";
            return ExitInvalid;
        }
        *into = *at;
    }
    if (parser.isSet(limit))
        filter.limit = parser.value(limit).toInt();
    const QList<Event> events = recording->events(filter);
    if (parser.isSet(json)) {
        QJsonArray array;
        for (const Event &e : events)
            array.append(QJsonObject{
                {QStringLiteral("id"), e.id},
                {QStringLiteral("time_ms"), e.timeMs},
                {QStringLiteral("time"),
                 QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODate)},
                {QStringLiteral("kind"), toString(e.kind)},
                {QStringLiteral("node"), e.node},
                {QStringLiteral("site"), e.site},
                {QStringLiteral("subject"), e.subject},
                {QStringLiteral("text"), e.text},
                {QStringLiteral("details"), e.details}});
        out << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return ExitClean;
    }
    for (const Event &e : events) {
        out << QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC)
                   .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
            << "  " << toString(e.kind).leftJustified(22) << ' ' << e.text << '\n';
    }
    return ExitClean;
}

int summaryCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print JSON (docs/cli.md)."));
    parser.addOption(json);
    parser.addPositionalArgument(
        QStringLiteral("FILE"), QStringLiteral("A recording: a file, or a shared incident's "
                                               "address postgresql://HOST:PORT/DB?incident=NAME."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Summarizes a recording: outages with their causes "
                                                "and where the errors surfaced, autoscaler actions "
                                                "by site, backlogs, late deliveries, time in each "
                                                "state."),
                                 out, err))
        return *code;
    auto recording = openRecording(parser.positionalArguments().first(), err);
    if (!recording)
        return ExitInvalid;
    const DamageNotice damage{*recording, err};
    // Figures are only as good as the file: all of its damage is said, not only what the
    // summary happens to read (a damaged event of another kind, a topology version).
    recording->check();
    const RecordingSummary summary = summarize(*recording);
    QList<DrillFaultOutcome> drill;
    if (recording->meta(QStringLiteral("drill")) == u"1") {
        ErrorList unreadable;
        const QList<PostMortem> diagnoses = readPostMortems(*recording, &unreadable);
        for (const Error &e : unreadable) // (a trainee's diagnosis there would count as none)
            err << "warning: " << e.toString() << " (left out)\n";
        drill = drillOutcomes(recording->events(EventFilter::ofKinds({EventKind::FaultStarted})),
                              diagnoses);
    }
    if (parser.isSet(json)) {
        QJsonObject o = summaryJson(summary);
        if (recording->meta(QStringLiteral("drill")) == u"1") {
            QJsonArray faults;
            for (const DrillFaultOutcome &f : drill)
                faults.append(
                    QJsonObject{{QStringLiteral("time_ms"), f.timeMs},
                                {QStringLiteral("fault"), f.text},
                                {QStringLiteral("injected_by"), f.injectedBy},
                                {QStringLiteral("diagnosed_after_ms"), f.diagnosedAfterMs}});
            o.insert(QStringLiteral("drill"), faults);
        }
        // What was left out, with the figures, for scripts that read only these.
        if (!recording->damage().isEmpty())
            o.insert(QStringLiteral("damaged"), QJsonArray::fromStringList(recording->damage()));
        out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return ExitClean;
    }
    out << summaryText(summary);
    if (!recording->damage().isEmpty())
        out << "\nIncomplete: " << damagedParts(recording->damage().size())
            << " of the recording could not be read; these figures leave out what it held "
               "(warnings on stderr; warroom-cli verify lists them)\n";
    if (recording->meta(QStringLiteral("drill")) == u"1") {
        out << "\nDrill (instructor " << recording->meta(QStringLiteral("drill_instructor")) << ", "
            << recording->meta(QStringLiteral("drill_speed")) << "x): " << drill.size()
            << " faults injected\n";
        for (const DrillFaultOutcome &f : drill)
            out << "  " << formatUtc(f.timeMs) << "  " << f.text << " (by " << f.injectedBy << "): "
                << (f.diagnosedAfterMs < 0
                        ? QStringLiteral("not diagnosed")
                        : u"diagnosed after " + formatDuration(f.diagnosedAfterMs))
                << '\n';
    }
    return ExitClean;
}

} // namespace warroom
