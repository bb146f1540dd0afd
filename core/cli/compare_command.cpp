// warroom-cli compare: two runs of an incident side by side.
#include "cli.h"
#include "cli_command.h"

#include "core/store/recording.h"
#include "core/summary/run_comparison.h"

#include <QJsonDocument>

namespace warroom {

int compareCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Print JSON (docs/cli.md)."));
    parser.addOption(json);
    parser.addPositionalArgument(
        QStringLiteral("A"),
        QStringLiteral("A recording (as it was): a file or a shared incident's address."));
    parser.addPositionalArgument(QStringLiteral("B"),
                                 QStringLiteral("Another run of it (a variant, a what-if)."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Compares two runs of an incident: outage and "
                                                "degraded time, the first failure, failed "
                                                "requests, instances launched, and per queue late "
                                                "and undelivered items, the slowest delivery, the "
                                                "backlog's peak and when it drained; B against "
                                                "A."),
                                 out, err, 2))
        return *code;
    QList<RunOutcome> runs;
    for (const QString &file : parser.positionalArguments()) {
        auto recording = Recording::open(file);
        if (!recording)
            return reportErrors(recording.errors(), parser.isSet(json), out, err);
        runs.append(runOutcome(*recording.value()));
    }
    const QList<ComparisonRow> rows = compareRuns(runs[0], runs[1]);
    if (parser.isSet(json))
        out << QJsonDocument(comparisonJson(runs[0], runs[1], rows))
                   .toJson(QJsonDocument::Indented);
    else
        out << comparisonText(runs[0], runs[1], rows);
    return ExitClean;
}

} // namespace warroom
