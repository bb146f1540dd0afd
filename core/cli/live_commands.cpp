// warroom-cli ingest and feed: a live recording fed over TCP (docs/feed-protocol.md).
#include "cli.h"
#include "cli_command.h"
#include "core/live/alertmanager_source.h"
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/live/live_session.h"
#include "core/live/prometheus_import.h"
#include "core/live/prometheus_source.h"
#include "core/model/topology_json.h"
#include "core/scenario/scenario_loader.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "core/store/shared_address.h"
#include "core/util/host_port.h"
#include "core/util/json_ms.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace warroom {

void execUntilInterrupted()
{
    static std::atomic<bool> interrupted{false};
    interrupted = false;
    std::signal(SIGINT, [](int) { interrupted = true; });
    std::signal(SIGTERM, [](int) { interrupted = true; });
    // A signal handler may only set a flag: the event loop looks at it.
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, qApp, [] {
        if (interrupted)
            QCoreApplication::quit();
    });
    poll.start(100);
    QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

namespace {

// One wording for every option that takes an address (host names are not looked up: a lookup
// could hang, and a name could mean another host tomorrow).
constexpr const char *kAddressForm = "takes ADDR:PORT (an IP address or localhost, not a host "
                                     "name; a port up to 65535)";

// What the server refused or closed, on stderr for whoever runs it, but at most kShown lines in
// each kWindowMs window (then how many were not shown, when the window ends): a hostile flood
// must neither fill a log nor block the server on a full pipe.
class RefusalLog
{
public:
    explicit RefusalLog(QTextStream &err)
        : m_err(err)
    {
        m_windowEnd.setSingleShot(true);
        QObject::connect(&m_windowEnd, &QTimer::timeout, [this] { flushHidden(); });
    }
    ~RefusalLog() { flushHidden(); }

    void said(const QString &peer, qint64 line, const QString &why)
    {
        if (!m_windowEnd.isActive()) { // a new window
            m_shown = 0;
            m_windowEnd.start(int(kWindowMs));
        }
        if (m_shown++ >= kShown) {
            ++m_hidden;
            return;
        }
        m_err << "warroom-cli ingest: " << peer;
        if (line > 0)
            m_err << " line " << line;
        m_err << ": " << why << Qt::endl;
    }

private:
    static constexpr int kShown = 10;
    static constexpr qint64 kWindowMs = 10'000;

    void flushHidden()
    {
        if (m_hidden > 0)
            m_err << "warroom-cli ingest: " << m_hidden << " more refused lines or connections "
                  << "not shown" << Qt::endl;
        m_hidden = 0;
    }

    QTextStream &m_err;
    QTimer m_windowEnd;
    int m_shown = 0;
    qint64 m_hidden = 0;
};

} // namespace

int ingestCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Address and port (default 127.0.0.1:7070; port "
                                                   "0 picks a free one)."),
                                    QStringLiteral("ADDR:PORT"), QStringLiteral("127.0.0.1:7070"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The recording to append to (created when "
                                                   "missing)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption token(QStringLiteral("token"),
                                   QStringLiteral("A token clients must send first (required off "
                                                  "loopback)."),
                                   QStringLiteral("TOKEN"));
    const QCommandLineOption scenario(QStringLiteral("scenario"),
                                      QStringLiteral("A scenario whose topology starts a new "
                                                     "recording."),
                                      QStringLiteral("FILE"));
    const QCommandLineOption prometheus(
        QStringLiteral("prometheus"),
        QStringLiteral("Also watch a Prometheus (and Alertmanager) as this mapping file says "
                       "(docs/prometheus.md); its scenario starts a new recording."),
        QStringLiteral("MAPPING"));
    const QCommandLineOption maxPast(
        QStringLiteral("max-past"),
        QStringLiteral("Refuse times before the recording's start by more than this (default "
                       "10958d, 30 years: a replay of an old incident passes, a 1970 default "
                       "does not)."),
        QStringLiteral("DURATION"), QStringLiteral("10958d"));
    const QCommandLineOption maxAhead(QStringLiteral("max-ahead"),
                                      QStringLiteral("Refuse times beyond now by more than this "
                                                     "(default 1d)."),
                                      QStringLiteral("DURATION"), QStringLiteral("1d"));
    const QCommandLineOption idleTimeout(QStringLiteral("idle-timeout"),
                                         QStringLiteral("Close a connection that sent no line "
                                                        "for this long (default 5m)."),
                                         QStringLiteral("DURATION"), QStringLiteral("5m"));
    const QCommandLineOption perAddress(QStringLiteral("max-per-address"),
                                        QStringLiteral("Connections from one address (default "
                                                       "64; 256 in all)."),
                                        QStringLiteral("N"), QStringLiteral("64"));
    for (const auto &o :
         {listen, output, token, scenario, prometheus, maxPast, maxAhead, idleTimeout, perAddress})
        parser.addOption(o);
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Receives a live feed (newline-delimited JSON over "
                                                "TCP) into a recording until interrupted."),
                                 out, err, 0))
        return *code;
    const auto where = hostPort(parser.value(listen));
    if (!parser.isSet(output)) {
        err << "warroom-cli ingest: needs -o FILE (the recording to write)\n";
        return ExitInvalid;
    }
    if (!where) {
        err << "warroom-cli ingest: --listen " << kAddressForm << ", not '" << parser.value(listen)
            << "'\n";
        return ExitInvalid;
    }
    const QString path = parser.value(output);
    IngestOptions options;
    options.address = where->first;
    options.port = where->second;
    options.token = parser.value(token);
    for (const auto &[option, field] :
         {std::pair{&maxPast, &options.maxPastMs}, std::pair{&maxAhead, &options.maxAheadMs}}) {
        *field = parseDurationMs(parser.value(*option));
        constexpr qint64 kCentury = 36525LL * 24 * 3600 * 1000;
        if (*field < 0 || *field > kCentury) {
            err << "warroom-cli ingest: --" << option->names().first()
                << " takes a duration such as 1d or 12h (at most 36525d), not '"
                << parser.value(*option) << "'\n";
            return ExitInvalid;
        }
    }
    const qint64 idleMs = parseDurationMs(parser.value(idleTimeout));
    bool perAddressOk = false;
    options.maxPerAddress = parser.value(perAddress).toInt(&perAddressOk);
    if (idleMs <= 0 || idleMs > 24LL * 3600 * 1000) {
        err << "warroom-cli ingest: --idle-timeout takes a duration up to a day such as 5m, not '"
            << parser.value(idleTimeout) << "'\n";
        return ExitInvalid;
    }
    if (!perAddressOk || options.maxPerAddress < 1) {
        err << "warroom-cli ingest: --max-per-address takes a number from 1, not '"
            << parser.value(perAddress) << "'\n";
        return ExitInvalid;
    }
    options.idleTimeoutMs = int(idleMs);
    // From the writer's thread (the main one may be waiting on it): stdio, one line at a time.
    options.storeNotice = [](const QString &text) {
        std::fprintf(stderr, "warroom-cli ingest: %s\n", text.toLocal8Bit().constData());
        std::fflush(stderr);
    };
    LiveSources sources;
    sources.scenario = parser.value(scenario);
    sources.prometheusMapping = parser.value(prometheus);
    RefusalLog refusals(err); // before the session: it outlives the server that calls it
    auto session = LiveSession::start(path, options, sources, [&err](const QString &why) {
        err << "warroom-cli ingest: " << why << Qt::endl;
    });
    if (!session)
        return reportErrors(session.errors(), false, out, err);
    LiveSession &live = *session.value();
    QObject::connect(live.server(), &IngestServer::refused, live.server(),
                     [&refusals](const QString &peer, qint64 line, const QString &why) {
                         refusals.said(peer, line, why);
                     });
    out << "listening on " << options.address.toString() << ':' << live.server()->port()
        << ", writing " << (isSharedAddress(path) ? recordingDisplayName(path) : path) << Qt::endl;
    if (const auto &mapping = live.mapping()) {
        for (const HttpServer &server : mapping->servers)
            out << "watching Prometheus " << server.name << " at " << server.url.toString()
                << " every " << mapping->intervalMs << " ms" << Qt::endl;
        // What the sources say of themselves (a server down, a label value naming nothing),
        // as they record it; a server the start could not ask is said by the first poll.
        const auto say = [&err](const QString &text) {
            err << "warroom-cli ingest: " << text << Qt::endl;
        };
        if (PrometheusSource *source = live.prometheus())
            QObject::connect(source, &PrometheusSource::said, say);
        if (AlertmanagerSource *source = live.alertmanager())
            QObject::connect(source, &AlertmanagerSource::said, say);
        if (!mapping->alertmanager.url.isEmpty())
            out << "watching Alertmanager at " << mapping->alertmanager.url.toString() << Qt::endl;
        if (live.alertmanager() && mapping->webhookPort != 0)
            out << "receiving the Alertmanager webhook on http://"
                << mapping->webhookAddress.toString() << ':' << live.alertmanager()->webhookPort()
                << '/' << Qt::endl;
    }
    execUntilInterrupted();
    const qint64 stored = live.server()->stored();
    const Result<bool> closed = live.close();
    if (!closed)
        return reportErrors(closed.errors(), false, out, err);
    out << "stored " << stored << " lines in " << path << Qt::endl;
    return ExitClean;
}

int feedCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption to(QStringLiteral("to"),
                                QStringLiteral("The ingest address (default 127.0.0.1:7070)."),
                                QStringLiteral("ADDR:PORT"), QStringLiteral("127.0.0.1:7070"));
    const QCommandLineOption speed(QStringLiteral("speed"),
                                   QStringLiteral("Times real time (default 1; 0: as fast as "
                                                  "the server takes it)."),
                                   QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption token(QStringLiteral("token"), QStringLiteral("The server's token."),
                                   QStringLiteral("TOKEN"));
    for (const auto &o : {to, speed, token})
        parser.addOption(o);
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A recording to replay."));
    if (auto code =
            parseCommand(parser, args,
                         QStringLiteral("Replays a recording into a live feed: its topology, "
                                        "series and events, paced by their times."),
                         out, err))
        return *code;
    const auto where = hostPort(parser.value(to));
    bool ok = false;
    const double factor = parser.value(speed).toDouble(&ok);
    if (!where) {
        err << "warroom-cli feed: --to " << kAddressForm << ", not '" << parser.value(to) << "'\n";
        return ExitInvalid;
    }
    if (!ok || factor < 0) {
        err << "warroom-cli feed: --speed takes a number, 0 or more, not '" << parser.value(speed)
            << "'\n";
        return ExitInvalid;
    }
    auto opened = Recording::open(parser.positionalArguments().first());
    if (!opened) {
        err << opened.errors().first().toString() << '\n';
        return ExitInvalid;
    }
    const Recording &r = *opened.value();
    QTcpSocket socket;
    QByteArray replies;
    // A server full of connections says so at once and closes (it makes room by closing idle
    // ones, which takes a moment): try again a little later, a few times.
    for (int attempt = 0, waitMs = 500;; ++attempt, waitMs *= 2) {
        socket.connectToHost(where->first, where->second);
        if (!socket.waitForConnected(10000)) {
            err << "warroom-cli feed: cannot connect to " << parser.value(to) << ": "
                << socket.errorString() << '\n';
            return ExitInvalid;
        }
        if (socket.waitForReadyRead(200))
            replies = socket.readAll();
        if (!replies.contains("too many connections"))
            break;
        socket.abort();
        if (attempt == 5) {
            err << "warroom-cli feed: " << parser.value(to) << " refused: "
                << QJsonDocument::fromJson(replies.left(replies.indexOf('\n')))
                       .object()
                       .value(QStringLiteral("error"))
                       .toString()
                << " (tried 6 times)\n";
            return ExitInvalid;
        }
        err << "warroom-cli feed: " << parser.value(to) << " is full; trying again in "
            << waitMs / 1000.0 << " s\n";
        replies.clear();
        QThread::msleep(ulong(waitMs));
    }
    // Refusals: the first ones printed, the rest counted; a server that takes nothing any more
    // (a time window the whole recording is outside) is not sent the rest.
    constexpr qint64 kPrintedRefusals = 20;
    constexpr qint64 kGiveUpAfterRefusals = 5000; // in a row, nothing acknowledged between
    qint64 sent = 0;
    qint64 acked = 0;
    qint64 refused = 0;
    qint64 refusedInARow = 0;
    QString firstRefusal;
    QString lastRefusal;
    QString closedBecause;
    auto pump = [&](int waitMs) {
        socket.waitForReadyRead(waitMs);
        replies += socket.readAll();
        qsizetype newline;
        while ((newline = replies.indexOf('\n')) >= 0) {
            const QJsonObject reply = QJsonDocument::fromJson(replies.left(newline)).object();
            replies.remove(0, newline + 1);
            if (reply.contains(QStringLiteral("ack"))) {
                const qint64 ack = jsonMs(reply.value(QStringLiteral("ack")));
                if (ack > acked)
                    refusedInARow = 0;
                acked = std::max(acked, ack);
            } else if (reply.contains(QStringLiteral("error")) &&
                       reply.value(QStringLiteral("line")).toInteger(-1) == 0) {
                // The server closes the connection itself, and says why (line 0: not a line).
                closedBecause = reply.value(QStringLiteral("error")).toString();
                err << "server: " << closedBecause << '\n';
            } else if (reply.contains(QStringLiteral("error"))) {
                ++refused;
                ++refusedInARow;
                lastRefusal = u"line " +
                              QString::number(reply.value(QStringLiteral("line")).toInteger()) +
                              u": " + reply.value(QStringLiteral("error")).toString();
                if (firstRefusal.isEmpty())
                    firstRefusal = lastRefusal;
                if (refused <= kPrintedRefusals)
                    err << "server: " << lastRefusal << '\n';
                else if (refused == kPrintedRefusals + 1)
                    err << "server: … more refusals are counted, not printed\n";
            }
        }
    };
    QElapsedTimer sinceSent; // a long gap in the recording: an empty line keeps the connection
    sinceSent.start();
    const auto givenUp = [&] { return refusedInARow >= kGiveUpAfterRefusals; };
    auto send = [&](const QByteArray &line) {
        if (givenUp())
            return;
        socket.write(line);
        sinceSent.restart();
        ++sent;
        while (socket.bytesToWrite() > (1 << 20) && socket.state() == QTcpSocket::ConnectedState) {
            socket.waitForBytesWritten(1000); // the server holds us back: wait
            pump(0);
        }
    };
    if (parser.isSet(token))
        send(feed::helloLine(parser.value(token)));
    // What readers of the recording need besides its events and series.
    // (Its range, start_ms and end_ms, is the server's: the data received moves it.)
    for (const char *key : {"scenario_name", "scenario_title", "outage_above", "degraded_above",
                            "queues", "tick_ms"}) {
        const QString value = r.meta(QString::fromLatin1(key));
        if (!value.isEmpty())
            send(feed::metaLine(QString::fromLatin1(key), value));
    }
    // A damaged version reads as nothing: not sent (the damage notice says so at the end).
    const auto sendTopology = [&](const TopologyVersion &version, const QString &reason) {
        if (const QByteArray json = r.topologyJson(version.id); !json.isEmpty())
            send(feed::topologyLine(version.timeMs, reason, json));
    };
    const QList<TopologyVersion> versions = r.topologyVersions();
    if (!versions.isEmpty())
        sendTopology(versions.first(), QStringLiteral("feed"));
    for (const StoredSeries &s : r.series())
        send(feed::seriesLine(s.info));
    // Events and samples second by second of recording time, paced by --speed.
    const QList<Event> events = r.events();
    qsizetype nextEvent = 0;
    int nextVersion = 1;
    QElapsedTimer clock;
    clock.start();
    constexpr qint64 kStep = 60000; // a minute of recording per round
    for (qint64 t = r.startMs(); t <= r.endMs(); t += kStep) {
        for (; nextVersion < versions.size() && versions[nextVersion].timeMs < t + kStep;
             ++nextVersion)
            sendTopology(versions[nextVersion], versions[nextVersion].reason);
        for (const StoredSeries &s : r.series()) {
            const std::vector<float> values = r.samples(s, t, t + kStep);
            if (!values.empty())
                send(feed::samplesLine(s.info.key, QList<float>(values.begin(), values.end())));
        }
        for (; nextEvent < events.size() && events[nextEvent].timeMs < t + kStep; ++nextEvent)
            send(feed::eventLine(events[nextEvent]));
        if (factor > 0) {
            const qint64 due = qint64(double(t + kStep - r.startMs()) / factor);
            while (clock.elapsed() < due && socket.state() == QTcpSocket::ConnectedState) {
                pump(int(std::min<qint64>(100, due - clock.elapsed())));
                if (sinceSent.elapsed() > 60000) {
                    socket.write("\n");
                    sinceSent.restart();
                }
            }
        }
        pump(0);
        if (socket.state() != QTcpSocket::ConnectedState || givenUp())
            break;
    }
    QElapsedTimer waiting;
    waiting.start();
    while (acked + refused < sent && socket.state() == QTcpSocket::ConnectedState &&
           waiting.elapsed() < 60000) // every line answered: acknowledged or refused
        pump(200);
    out << "sent " << sent << " lines, " << acked << " acknowledged (committed)\n";
    // What the recording could not give (damaged rows, left out as it was read) was not sent.
    warnOfDamage(r, err);
    if (!r.damage().isEmpty())
        out << "not sent: " << damagedParts(r.damage().size()) << " of " << r.path()
            << " (warnings on stderr; warroom-cli verify lists them)\n";
    if (acked == sent)
        return ExitClean;
    // Why not all: each reason that applies, so that a stop is never silent.
    QStringList why;
    if (givenUp())
        why.append(u"gave up after " + QString::number(refusedInARow) +
                   u" lines in a row refused and none acknowledged (the first refusal says why)");
    if (refused > 0)
        why.append(QString::number(refused) + u" refused by the server (" +
                   (refused <= kPrintedRefusals ? QStringLiteral("each said above; ")
                                                : QStringLiteral("the first printed above; ")) +
                   u"the first: " + firstRefusal + u"; the last: " + lastRefusal + u')');
    if (!closedBecause.isEmpty())
        why.append(u"the server closed the connection (" +
                   (closedBecause.startsWith(u"closed: ") ? closedBecause.mid(8) : closedBecause) +
                   u')');
    else if (socket.state() != QTcpSocket::ConnectedState)
        why.append(u"the connection was closed (" + socket.errorString() + u')');
    else if (acked + refused < sent)
        why.append(QString::number(sent - acked - refused) +
                   u" not acknowledged within 60 s of the last (the server is slow or stuck)");
    err << "warroom-cli feed: stopped short: " << why.join(QStringLiteral("; ")) << '\n';
    return ExitInvalid;
}

int importCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The scenario to write (default: standard "
                                                   "output)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption siteLabel(QStringLiteral("site-label"),
                                       QStringLiteral("The target label naming its site "
                                                      "(default: site)."),
                                       QStringLiteral("LABEL"), QStringLiteral("site"));
    const QCommandLineOption roleLabel(QStringLiteral("role-label"),
                                       QStringLiteral("The target label naming its role "
                                                      "(default: job)."),
                                       QStringLiteral("LABEL"), QStringLiteral("job"));
    const QCommandLineOption nodeLabel(QStringLiteral("node-label"),
                                       QStringLiteral("The target label naming its node "
                                                      "(default: node, else the host of "
                                                      "instance)."),
                                       QStringLiteral("LABEL"), QStringLiteral("node"));
    for (const auto &o : {output, siteLabel, roleLabel, nodeLabel})
        parser.addOption(o);
    parser.addPositionalArgument(QStringLiteral("prometheus"), QStringLiteral("The word "
                                                                              "'prometheus'."));
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("A Prometheus mapping (its first server, with "
                                                "its credentials) or a Prometheus URL."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Writes a commented scenario from what a "
                                                "Prometheus knows: sites, nodes and roles from "
                                                "its targets' labels, dependencies from "
                                                "service-graph metrics."),
                                 out, err, 2))
        return *code;
    const QStringList positional = parser.positionalArguments();
    if (positional.first() != u"prometheus") {
        err << "warroom-cli import: only 'import prometheus SOURCE' is known\n";
        return ExitInvalid;
    }
    const QString source = positional.at(1);
    HttpServer server;
    if (QFileInfo(source).isFile()) {
        // Its scenario may not exist yet: importing is how it comes to be.
        const auto mapping = loadPrometheusMapping(source, MappingUse::Import);
        if (!mapping)
            return reportErrors(mapping.errors(), false, out, err);
        if (mapping->servers.isEmpty()) {
            err << "warroom-cli import: " << source << " names no Prometheus\n";
            return ExitInvalid;
        }
        server = mapping->servers.first();
    } else {
        server.url = QUrl(source, QUrl::StrictMode);
        if (!server.url.isValid() ||
            (server.url.scheme() != u"http" && server.url.scheme() != u"https")) {
            err << "warroom-cli import: '" << server.url.toString(QUrl::RemoveUserInfo)
                << "' is neither a mapping file nor an http(s):// address\n";
            return ExitInvalid;
        }
        if (!server.url.userInfo().isEmpty()) {
            err << "warroom-cli import: a password does not go on the command line: give a "
                   "mapping file with basic_auth and a password_file\n";
            return ExitInvalid;
        }
        server.name = server.url.host();
    }
    ImportLabels labels;
    labels.site = parser.value(siteLabel);
    labels.role = parser.value(roleLabel);
    labels.node = parser.value(nodeLabel);
    QStringList notes;
    const auto scenario = importFromPrometheus(server, labels, 10000, &notes);
    if (!scenario) {
        err << "warroom-cli import: " << scenario.errors().first().toString() << '\n';
        return ExitInvalid;
    }
    for (const QString &note : std::as_const(notes))
        err << "warroom-cli import: " << note << '\n';
    const QString text = scenario.value();
    if (!parser.isSet(output)) {
        out << text;
        return ExitClean;
    }
    QSaveFile file(parser.value(output));
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        err << "warroom-cli import: cannot write " << parser.value(output) << ": "
            << file.errorString() << '\n';
        return ExitInvalid;
    }
    out << "wrote " << parser.value(output) << Qt::endl;
    return ExitClean;
}

} // namespace warroom
