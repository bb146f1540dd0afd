// warroom-cli report: a recording's post-mortem (or, with none written yet, the proposed
// draft) as Markdown, HTML, PDF or JSON.
#include "cli.h"
#include "cli_command.h"
#include "core/postmortem/postmortem_store.h"
#include "core/postmortem/report.h"
#include "core/postmortem/timeline_proposal.h"
#include "core/store/recording.h"
#include "core/summary/recording_summary.h"

namespace warroom {

int reportCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption id(QStringLiteral("postmortem"),
                                QStringLiteral("The post-mortem to export (default: the only one; "
                                               "with none written, the proposed draft)."),
                                QStringLiteral("ID"));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("md, html, pdf or json (default: from the "
                                                   "output's extension)."),
                                    QStringLiteral("FORMAT"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The report to write (atomically)."),
                                    QStringLiteral("OUT"));
    parser.addOption(id);
    parser.addOption(format);
    parser.addOption(output);
    parser.addPositionalArgument(
        QStringLiteral("FILE"), QStringLiteral("A recording: a file, or a shared incident's "
                                               "address postgresql://HOST:PORT/DB?incident=NAME."));
    if (auto code = parseCommand(parser, args,
                                 QStringLiteral("Exports a recording's post-mortem as a report: "
                                                "Markdown (CommonMark), one self-contained HTML "
                                                "file, PDF, or JSON (docs/postmortem.md)."),
                                 out, err))
        return *code;
    if (!parser.isSet(output)) {
        err << "warroom-cli report: -o OUT is required\n";
        return ExitInvalid;
    }
    const QString path = parser.value(output);
    ReportFormat chosen = ReportFormat::Markdown;
    const QString formatName = parser.isSet(format) ? parser.value(format) : path.section(u'.', -1);
    if (!reportFormatFromString(formatName, &chosen)) {
        err << "warroom-cli report: unknown format '" << formatName
            << "' (md, html, pdf or json)\n";
        return ExitInvalid;
    }
    auto opened = Recording::open(parser.positionalArguments().first());
    if (!opened) {
        err << opened.errors().first().toString() << '\n';
        return ExitInvalid;
    }
    const Recording &recording = *opened.value();
    // One that cannot be read is said (and left out); the others can still be exported.
    ErrorList unreadable;
    const QList<PostMortem> readable = readPostMortems(recording, &unreadable);
    for (const Error &e : unreadable)
        err << "warning: " << e.toString() << " (left out)\n";
    PostMortem chosenPm;
    if (parser.isSet(id)) {
        const auto it = std::find_if(readable.cbegin(), readable.cend(),
                                     [&](const PostMortem &p) { return p.id == parser.value(id); });
        if (it == readable.cend()) {
            QStringList ids;
            for (const PostMortem &p : readable)
                ids.append(p.id);
            err << recording.path() << ": no post-mortem '" << parser.value(id) << "' (it holds "
                << (ids.isEmpty() ? QStringLiteral("none") : ids.join(QStringLiteral(", ")))
                << ")\n";
            return ExitInvalid;
        }
        chosenPm = *it;
    } else if (readable.size() > 1) {
        err << recording.path() << ": holds " << readable.size()
            << " post-mortems; choose one with --postmortem ID\n";
        return ExitInvalid;
    } else if (readable.isEmpty() && !unreadable.isEmpty()) {
        // Written, but none readable: a fresh draft in their place would mislead.
        err << recording.path() << ": holds post-mortems that cannot be read (above); none "
            << "exported\n";
        return ExitInvalid;
    } else {
        chosenPm = readable.isEmpty() ? proposePostMortem(recording) : readable.first();
    }
    chosenPm = withImpactOf(std::move(chosenPm), summarize(recording));
    const Result<bool> done = writeReport(
        chosenPm, chosen, path,
        chosen == ReportFormat::Json ? QList<ReportChart>() : reportCharts(recording, chosenPm));
    if (!done) {
        err << done.errors().first().toString() << '\n';
        return ExitInvalid;
    }
    return ExitClean;
}

} // namespace warroom
