#include "cli.h"
#include "cli_command.h"

#include "core/analysis/analysis_report.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/simulator.h"
#include "core/store/recording.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

namespace warroom {

static QJsonArray errorsJson(const ErrorList &errors)
{
    QJsonArray out;
    for (const Error &e : errors)
        out.append(QJsonObject{{QStringLiteral("file"), e.file},
                               {QStringLiteral("line"), e.line},
                               {QStringLiteral("column"), e.column},
                               {QStringLiteral("message"), e.message},
                               {QStringLiteral("text"), e.toString()}});
    return out;
}

int reportErrors(const ErrorList &errors, bool json, QTextStream &out, QTextStream &err)
{
    if (json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("valid"), false},
                                         {QStringLiteral("errors"), errorsJson(errors)}})
                   .toJson(QJsonDocument::Indented);
    } else {
        for (const Error &e : errors)
            err << e.toString() << '\n';
        err << errors.size() << (errors.size() == 1 ? " error\n" : " errors\n");
    }
    return ExitInvalid;
}

void warnOfDamage(const Recording &recording, QTextStream &err)
{
    for (const QString &what : recording.damage())
        err << "warning: " << recording.path() << ": " << what << '\n';
}

QString damagedParts(qsizetype count)
{
    return QString::number(count) +
           (count == 1 ? QStringLiteral(" damaged part") : QStringLiteral(" damaged parts"));
}

// Parses a command's arguments; returns an exit code when the command should stop here.
std::optional<int> parseCommand(QCommandLineParser &parser, const QStringList &args,
                                const QString &usage, QTextStream &out, QTextStream &err, int files)
{
    parser.setApplicationDescription(usage);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(args)) {
        err << "warroom-cli: " << parser.errorText() << "\n\n" << parser.helpText();
        return ExitInvalid;
    }
    if (parser.isSet(help)) {
        out << parser.helpText();
        return ExitClean;
    }
    if (parser.positionalArguments().size() != files) {
        err << "warroom-cli: "
            << (files == 0   ? QStringLiteral("no FILE expected")
                : files == 1 ? QStringLiteral("expected exactly one FILE")
                             : u"expected exactly " + QString::number(files) + u" files")
            << "\n\n"
            << parser.helpText();
        return ExitInvalid;
    }
    return std::nullopt;
}

namespace {

const QString kUsage = QStringLiteral(
    "Usage: warroom-cli COMMAND [OPTIONS] FILE\n"
    "\n"
    "Commands:\n"
    "  validate FILE   check a scenario; every problem as file:line:column: message\n"
    "  analyze FILE    reachability verdicts, latent placement failures, blast radius and\n"
    "                  single points of failure of a scenario\n"
    "  simulate FILE -o OUT.warroom\n"
    "                  play a scenario (load, autoscaler, faults, queues) into a recording\n"
    "  events FILE     list a recording's events, filtered by kind, node and time\n"
    "  summary FILE    outages and their causes, autoscaler actions by site, backlogs,\n"
    "                  late deliveries and time in each state of a recording\n"
    "  compare A B     two runs of an incident side by side (a variant, a what-if): outage\n"
    "                  and degraded time, failed requests, deliveries per queue, backlogs\n"
    "  report FILE -o OUT.{md,html,pdf,json}\n"
    "                  a recording's post-mortem (or the proposed draft) as a report\n"
    "  ingest --listen ADDR:PORT -o FILE.warroom\n"
    "                  receive a live feed (JSON lines over TCP) into a recording\n"
    "  feed FILE.warroom --to ADDR:PORT [--speed N]\n"
    "                  replay a recording into a live feed\n"
    "  drill SCENARIO -o FILE.warroom [--speed N] [--from OFFSET]\n"
    "                  a training drill: the scenario played live, faults typed on stdin\n"
    "  import prometheus MAPPING|URL [--site-label L] [--role-label L] [--node-label L]\n"
    "                    [-o SCENARIO.yaml]\n"
    "                  a commented scenario from a Prometheus's targets and service graph\n"
    "  push FILE.warroom postgresql://HOST:PORT/DB?incident=NAME\n"
    "  pull postgresql://HOST:PORT/DB?incident=NAME FILE.warroom\n"
    "  incidents postgresql://HOST:PORT/DB\n"
    "                  recordings shared in PostgreSQL, copied row for row\n"
    "  verify FILE     checks a recording for damage (its structure, every row's checksum)\n"
    "                  and lists it; its events and samples hashed (equal for exact copies),\n"
    "                  checked against the events_hash it was recorded with\n"
    "\n"
    "Run 'warroom-cli COMMAND --help' for a command's options.\n"
    "Exit codes: 0 clean, 1 findings, 2 invalid input or usage.\n");

int validateCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print the result as JSON on stdout."));
    parser.addOption(json);
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("A scenario (.yaml or .json)."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Checks a scenario file and reports every problem "
                                                "as file:line:column: message."),
                                 out, err))
        return *code;
    const QString file = parser.positionalArguments().first();
    const Result<Scenario> scenario = loadScenarioFile(file);
    if (!scenario)
        return reportErrors(scenario.errors(), parser.isSet(json), out, err);
    if (const Result<bool> whatIfs = checkWhatIfs(scenario.value()); !whatIfs)
        return reportErrors(whatIfs.errors(), parser.isSet(json), out, err);
    const Topology &t = scenario->topology;
    if (parser.isSet(json)) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("valid"), true},
                                         {QStringLiteral("scenario"), scenario->name},
                                         {QStringLiteral("errors"), QJsonArray()}})
                   .toJson(QJsonDocument::Indented);
    } else {
        out << file << ": valid scenario '" << scenario->name << "': " << t.sites.size()
            << " sites, " << t.links.size() << " links, " << t.nodes.size() << " nodes, "
            << t.dependencies.size() << " dependencies, " << t.rules.size() << " rules, "
            << t.groups.size() << " scaling groups\n";
    }
    return ExitClean;
}

int analyzeCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print the analysis as JSON (docs/cli.md)."));
    const QCommandLineOption whatIf(QStringLiteral("what-if"),
                                    u"Apply a change before analysing; repeatable. One of: " +
                                        whatIfForms().join(QStringLiteral(", ")),
                                    QStringLiteral("CHANGE"));
    parser.addOption(json);
    parser.addOption(whatIf);
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("A scenario (.yaml or .json)."));
    if (auto code = parseCommand(
            parser, args,
            QStringLiteral("Analyses a scenario: the verdict of every dependency, where a scaling "
                           "group may place an instance that would fail, what breaks when each "
                           "site, link or region fails, and single points of failure.\n"
                           "Exits 0 when there is nothing to report, 1 with findings."),
            out, err))
        return *code;
    QList<WhatIf> whatIfs;
    for (const QString &text : parser.values(whatIf)) {
        const Result<WhatIf> parsed = parseWhatIf(text);
        if (!parsed) {
            err << "warroom-cli: " << parsed.errors().first().message << '\n';
            return ExitInvalid;
        }
        whatIfs.append(parsed.value());
    }
    const QString file = parser.positionalArguments().first();
    const Result<Scenario> scenario = loadScenarioFile(file);
    if (!scenario)
        return reportErrors(scenario.errors(), parser.isSet(json), out, err);
    const Result<Analysis> analysis = analyze(scenario.value(), whatIfs);
    if (!analysis) {
        err << "warroom-cli: " << analysis.errors().first().message << '\n';
        return ExitInvalid;
    }
    if (parser.isSet(json))
        out << QJsonDocument(analysisJson(analysis.value())).toJson(QJsonDocument::Indented);
    else
        out << analysisText(analysis.value());
    return analysis->hasFindings() ? ExitFindings : ExitClean;
}

} // namespace

int runCli(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString command = args.value(1);
    QStringList rest = args;
    if (rest.size() > 1)
        rest.removeAt(1); // the command itself; what remains parses like a program line
    if (command == u"validate")
        return validateCommand(rest, out, err);
    if (command == u"analyze")
        return analyzeCommand(rest, out, err);
    if (command == u"simulate")
        return simulateCommand(rest, out, err);
    if (command == u"events")
        return eventsCommand(rest, out, err);
    if (command == u"summary")
        return summaryCommand(rest, out, err);
    if (command == u"compare")
        return compareCommand(rest, out, err);
    if (command == u"report")
        return reportCommand(rest, out, err);
    if (command == u"ingest")
        return ingestCommand(rest, out, err);
    if (command == u"feed")
        return feedCommand(rest, out, err);
    if (command == u"drill")
        return drillCommand(rest, out, err);
    if (command == u"import")
        return importCommand(rest, out, err);
    if (command == u"push")
        return pushCommand(rest, out, err);
    if (command == u"pull")
        return pullCommand(rest, out, err);
    if (command == u"incidents")
        return incidentsCommand(rest, out, err);
    if (command == u"verify")
        return verifyCommand(rest, out, err);
    if (command == u"help" || command == u"--help" || command == u"-h") {
        out << kUsage;
        return ExitClean;
    }
    if (command.isEmpty())
        err << kUsage;
    else
        err << "warroom-cli: unknown command '" << command << "'\n\n" << kUsage;
    return ExitInvalid;
}

} // namespace warroom
