// warroom-cli push, pull, incidents: recordings shared in PostgreSQL (docs/shared.md).
#include "cli.h"
#include "cli_command.h"
#include "core/store/shared_copy.h"

#include <QDateTime>

namespace warroom {

namespace {

std::optional<SharedAddress> addressOr(const QString &text, const char *command, QTextStream &err)
{
    const auto address = parseSharedAddress(text);
    if (!address) {
        err << "warroom-cli " << command << ": " << address.errors().first().message << '\n';
        return std::nullopt;
    }
    return address.value();
}

} // namespace

int pushCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A recording."));
    parser.addPositionalArgument(
        QStringLiteral("ADDRESS"),
        QStringLiteral("postgresql://HOST:PORT/DATABASE?incident=NAME (docs/shared.md)."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Copies a recording into a shared PostgreSQL as "
                                                "an incident, row for row."),
                                 out, err, 2))
        return *code;
    const QStringList positional = parser.positionalArguments();
    const auto to = addressOr(positional.at(1), "push", err);
    if (!to)
        return ExitInvalid;
    const auto pushed = pushRecording(positional.at(0), *to);
    if (!pushed) {
        err << "warroom-cli push: " << pushed.errors().first().message << '\n';
        return ExitInvalid;
    }
    out << "pushed " << positional.at(0) << " as " << to->display << " (" << pushed.value()
        << " events)" << Qt::endl;
    return ExitClean;
}

int pullCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("ADDRESS"),
                                 QStringLiteral("postgresql://HOST:PORT/DATABASE?incident=NAME."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A new recording."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Copies an incident from a shared PostgreSQL "
                                                "into a new recording file, row for row."),
                                 out, err, 2))
        return *code;
    const QStringList positional = parser.positionalArguments();
    const auto from = addressOr(positional.at(0), "pull", err);
    if (!from)
        return ExitInvalid;
    const auto pulled = pullRecording(*from, positional.at(1));
    if (!pulled) {
        err << "warroom-cli pull: " << pulled.errors().first().message << '\n';
        return ExitInvalid;
    }
    out << "pulled " << from->display << " into " << positional.at(1) << " (" << pulled.value()
        << " events)" << Qt::endl;
    return ExitClean;
}

int incidentsCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("ADDRESS"),
                                 QStringLiteral("postgresql://HOST:PORT/DATABASE."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Lists the incidents a shared PostgreSQL holds "
                                                "(with ?incident=NAME, that one): name, "
                                                "created, events, LIVE while its writer is "
                                                "connected, title."),
                                 out, err, 1))
        return *code;
    const auto where = addressOr(parser.positionalArguments().first(), "incidents", err);
    if (!where)
        return ExitInvalid;
    const auto incidents = listIncidents(*where);
    if (!incidents) {
        err << "warroom-cli incidents: " << incidents.errors().first().message << '\n';
        return ExitInvalid;
    }
    if (incidents.value().isEmpty() && !where->incident.isEmpty()) {
        // Named and not there: said as everywhere else (with the names there are).
        SharedAddress database = *where;
        database.incident.clear();
        auto all = listIncidents(database);
        QStringList names;
        for (const SharedIncident &i : all ? all.value() : QList<SharedIncident>())
            names.append(i.name);
        err << "warroom-cli incidents: no incident named " << where->incident << " in "
            << where->server << " ("
            << (names.isEmpty() ? QStringLiteral("it holds none")
                                : u"it holds " + names.join(QStringLiteral(", ")))
            << ")\n";
        return ExitInvalid;
    }
    if (incidents.value().isEmpty())
        out << (where->incident.isEmpty()
                    ? QString(u"no incidents in " + where->server)
                    : QString(u"no incident named " + where->incident + u" in " + where->server))
            << Qt::endl;
    // In columns: names padded, counts right-aligned, LIVE in its own column.
    qsizetype nameWidth = 0, countWidth = 0;
    for (const SharedIncident &i : incidents.value()) {
        nameWidth = std::max(nameWidth, i.name.size());
        countWidth = std::max(countWidth, QString::number(i.events).size());
    }
    for (const SharedIncident &i : incidents.value())
        out << i.name.leftJustified(nameWidth) << "  "
            << QDateTime::fromMSecsSinceEpoch(i.createdMs, Qt::UTC)
                   .toString(QStringLiteral("yyyy-MM-dd HH:mm"))
            << " UTC  " << QString::number(i.events).rightJustified(countWidth) << " events  "
            << (i.live ? QStringLiteral("LIVE") : QStringLiteral("    "))
            << (i.title.isEmpty() ? QString() : u"  " + i.title) << Qt::endl;
    return ExitClean;
}

} // namespace warroom
