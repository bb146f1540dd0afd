// warroom-cli drill: a training drill in a terminal. The simulator plays a scenario live into a
// recording (which trainees open with `warroom --trainee FILE`); the instructor types faults.
#include "cli.h"
#include "cli_command.h"
#include "core/live/live_session.h"
#include "core/scenario/scenario_loader.h"
#include "core/store/recording.h"
#include "core/store/shared_address.h"
#include "core/util/host_port.h"

#include <QCoreApplication>
#include <QFile>
#include <QSocketNotifier>

#include <unistd.h>

namespace warroom {

namespace {

const char *const kInstructorHelp =
    "commands (one per line):\n"
    "  block SITE SITE [FOR]   deny traffic from the first site to the second\n"
    "  cut-link LINK [FOR]     the link goes down\n"
    "  cut-site SITE [FOR]     every link of the site goes down\n"
    "  crash NODE [FOR]        the node crashes\n"
    "  spike FACTOR [FOR]      the offered load is multiplied\n"
    "  reveal                  trainees see the rule names from now on\n"
    "  quit                    end the drill\n"
    "FOR is simulated time (10m, 1h); without it a fault lasts until the drill ends.\n";

// One instructor line as a fault, or what is wrong with it.
std::variant<DrillFault, QString> parseFault(const QStringList &words)
{
    DrillFault f;
    if (!drillFaultKindFromString(words.value(0), &f.kind))
        return u"unknown command '" + words.value(0) + u"' (type help)";
    const int arguments = f.kind == DrillFault::Kind::Block ? 2 : 1;
    if (words.size() < 1 + arguments || words.size() > 2 + arguments)
        return u"'" + words.value(0) + u"' takes " + QString::number(arguments) +
               u" argument(s) and an optional duration";
    if (f.kind == DrillFault::Kind::Spike) {
        bool ok = false;
        f.factor = words[1].toDouble(&ok);
        if (!ok)
            return u"spike FACTOR: not a number: '" + words[1] + u'\'';
    } else {
        f.target = words[1];
        if (f.kind == DrillFault::Kind::Block)
            f.to = words[2];
    }
    if (words.size() == 2 + arguments) {
        f.forMs = parseDurationMs(words.last());
        if (f.forMs <= 0)
            return u"not a duration: '" + words.last() + u"' (10m, 1h)";
    }
    return f;
}

} // namespace

int drillCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The drill's recording (a new file)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption speed(QStringLiteral("speed"),
                                   QStringLiteral("Simulated time per real time (default 1)."),
                                   QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("Where in the scenario the drill starts (an "
                                                 "offset such as 3w1d8h; played fast before)."),
                                  QStringLiteral("OFFSET"));
    const QCommandLineOption to(QStringLiteral("to"),
                                QStringLiteral("Where it ends (default: the scenario's end)."),
                                QStringLiteral("OFFSET"));
    const QCommandLineOption instructor(QStringLiteral("instructor"),
                                        QStringLiteral("Who injects (default: $USER)."),
                                        QStringLiteral("NAME"));
    const QCommandLineOption show(QStringLiteral("show-root-cause"),
                                  QStringLiteral("Do not hide rule names from trainees."));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Also take a live feed here (default "
                                                   "127.0.0.1:0: any free port)."),
                                    QStringLiteral("ADDR:PORT"), QStringLiteral("127.0.0.1:0"));
    for (const auto &o : {output, speed, from, to, instructor, show, listen})
        parser.addOption(o);
    if (auto code = parseCommand(
            parser, args,
            QStringLiteral("Runs a training drill: the simulator plays the scenario live into a "
                           "recording while the instructor types faults on stdin.\n\n") +
                QString::fromLatin1(kInstructorHelp),
            out, err))
        return *code;
    if (!parser.isSet(output)) {
        err << "warroom-cli drill: needs -o FILE.warroom\n";
        return ExitInvalid;
    }
    const QString path = parser.value(output);
    const auto exists = Recording::exists(path);
    if (!exists) {
        err << "warroom-cli drill: " << exists.errors().first().toString() << '\n';
        return ExitInvalid;
    }
    if (exists.value()) {
        err << "warroom-cli drill: " << path << " exists; a drill starts a new recording\n";
        return ExitInvalid;
    }
    DrillOptions options;
    bool ok = false;
    options.speed = parser.value(speed).toDouble(&ok);
    if (!ok || !(options.speed > 0)) {
        err << "warroom-cli drill: --speed must be a number above 0\n";
        return ExitInvalid;
    }
    for (const auto &[option, into] : {std::pair{&from, &options.fromMs}, {&to, &options.toMs}}) {
        if (!parser.isSet(*option))
            continue;
        *into = parseDurationMs(parser.value(*option));
        if (*into < 0) {
            err << "warroom-cli drill: --" << option->names().first()
                << " must be an offset such as 3w1d8h\n";
            return ExitInvalid;
        }
    }
    options.instructor = parser.isSet(instructor)
                             ? parser.value(instructor)
                             : qEnvironmentVariable("USER", QStringLiteral("instructor"));
    options.hideRootCause = !parser.isSet(show);
    const auto where = hostPort(parser.value(listen));
    if (!where) {
        err << "warroom-cli drill: --listen takes ADDR:PORT (an IP address or localhost, not a "
               "host name; a port up to 65535), not '"
            << parser.value(listen) << "'\n";
        return ExitInvalid;
    }
    IngestOptions ingest;
    ingest.address = where->first;
    ingest.port = where->second;
    LiveSources sources;
    sources.drillScenario = parser.positionalArguments().first();
    sources.drill = options;
    auto session = LiveSession::start(path, ingest, sources, [&err](const QString &why) {
        err << "warroom-cli drill: " << why << Qt::endl;
    });
    if (!session)
        return reportErrors(session.errors(), false, out, err);
    LiveSession &live = *session.value();
    IngestServer *sink = live.server();
    out << "drill running at " << options.speed << "x into " << path << " (feed on "
        << ingest.address.toString() << ':' << sink->port()
        << "); trainees: " << traineeCommand(path)
        << (isSharedAddress(path) ? " (ROLE: each trainee's own login role in warroom_trainee, "
                                    "docs/shared.md)"
                                  : "")
        << '\n'
        << kInstructorHelp << Qt::endl;

    QObject::connect(live.drill(), &Drill::ended, qApp, [&out] {
        out << "the scenario has ended" << Qt::endl;
        QCoreApplication::quit();
    });
    QFile input;
    input.open(STDIN_FILENO, QIODevice::ReadOnly | QIODevice::Text);
    QSocketNotifier notifier(STDIN_FILENO, QSocketNotifier::Read);
    Drill *running = live.drill();
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, [&] {
        const QByteArray line = input.readLine();
        if (line.isEmpty()) { // end of input: the drill goes on until quit, a signal or its end
            notifier.setEnabled(false);
            return;
        }
        const QStringList words =
            QString::fromUtf8(line).simplified().split(u' ', Qt::SkipEmptyParts);
        if (words.isEmpty())
            return;
        if (words[0] == u"quit") {
            QCoreApplication::quit();
        } else if (words[0] == u"help") {
            out << kInstructorHelp << Qt::flush;
        } else if (words[0] == u"reveal") {
            running->reveal(options.instructor);
            out << "revealed" << Qt::endl;
        } else {
            auto fault = parseFault(words);
            if (auto *error = std::get_if<QString>(&fault)) {
                out << "error: " << *error << Qt::endl;
                return;
            }
            DrillFault &f = std::get<DrillFault>(fault);
            f.injectedBy = options.instructor;
            if (auto error = running->inject(f))
                out << "error: " << *error << Qt::endl;
            else
                out << "injected at the next tick" << Qt::endl;
        }
    });
    execUntilInterrupted();
    const Result<bool> closed = live.close();
    if (!closed)
        return reportErrors(closed.errors(), false, out, err);
    out << "drill recorded in " << path << Qt::endl;
    return ExitClean;
}

} // namespace warroom
