#pragma once

#include "core/util/result.h"
#include "postmortem.h"

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
QString markdownReport(const PostMortem &postMortem, const QString &snapshotDir = {});
// One self-contained HTML file: styles inline, snapshots embedded as data URIs.
QString htmlReport(const PostMortem &postMortem);

// Writes the report atomically (a crash leaves the old file or none, never a part): Markdown
// also writes the snapshots next to it, in `<name>-snapshots/`.
Result<bool> writeReport(const PostMortem &postMortem, ReportFormat format, const QString &path);

} // namespace warroom
