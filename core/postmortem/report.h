#pragma once

#include "core/util/result.h"
#include "postmortem.h"
#include "report_charts.h"

namespace warroom {

enum class ReportFormat
{
    Markdown,
    Html,
    Pdf,
    Json,
};

// "md", "html", "pdf" or "json"; false when `name` is none of them.
bool reportFormatFromString(const QString &name, ReportFormat *format);

// The report as CommonMark (no tables: lists, so that every CommonMark reader shows it).
// Snapshots are referred to by file name (`snapshots/<entry>.png`) when `snapshotDir` is given.
// `charts` (reportCharts()) go after the first page's figures, as `snapshotDir/<id>.png`.
QString markdownReport(const PostMortem &postMortem, const QString &snapshotDir = {},
                       const QList<ReportChart> &charts = {});
// One self-contained HTML file: styles inline, snapshots and charts embedded as data URIs.
QString htmlReport(const PostMortem &postMortem, const QList<ReportChart> &charts = {});

// Writes the report atomically (a crash leaves the old file or none, never a part): Markdown
// also writes the snapshots and charts next to it, in `<name>-snapshots/`. The PDF's first
// page is the title, the incident's facts, the summary, the impact and the key times; the
// charts follow on the next.
Result<bool> writeReport(const PostMortem &postMortem, ReportFormat format, const QString &path,
                         const QList<ReportChart> &charts = {});

} // namespace warroom
