#include "report.h"

#include "core/util/names.h"
#include "core/util/numbers.h"

#include "core/util/duration.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QJsonDocument>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>

#include <functional>

namespace warroom {

namespace {

QString span(qint64 ms)
{
    return formatDurationOr(ms, QStringLiteral("not marked"));
}

QString number(double n)
{
    return formatCount(n);
}

// An item's due date, or what was written where one should be.
QString dueText(const ActionItem &a)
{
    if (a.due.isValid())
        return a.due.toString(Qt::ISODate);
    return a.dueAsWritten.isEmpty() ? QStringLiteral("—")
                                    : a.dueAsWritten + QStringLiteral(" (not a date)");
}

// The entries a report shows: the accepted ones; a draft nobody has reviewed yet shows the
// proposals instead.
QList<TimelineEntry> shownEntries(const PostMortem &pm)
{
    QList<TimelineEntry> accepted, proposed;
    for (const TimelineEntry &e : pm.timeline) {
        if (e.status == TimelineEntry::Status::Accepted)
            accepted.append(e);
        else if (e.status == TimelineEntry::Status::Proposed)
            proposed.append(e);
    }
    return accepted.isEmpty() ? proposed : accepted;
}

// One section of text fields, in template order.
struct Section
{
    QString title;
    QString text;
};

QList<Section> narrativeBefore(const PostMortem &pm)
{
    return {{QStringLiteral("Detection"), pm.detection},
            {QStringLiteral("Root cause"), pm.rootCause},
            {QStringLiteral("Trigger"), pm.trigger},
            {QStringLiteral("Contributing factors"), pm.contributingFactors},
            {QStringLiteral("Resolution"), pm.resolution}};
}

QList<Section> narrativeAfter(const PostMortem &pm)
{
    return {{QStringLiteral("What went well"), pm.wentWell},
            {QStringLiteral("What went wrong"), pm.wentWrong},
            {QStringLiteral("Where we got lucky"), pm.gotLucky}};
}

QList<std::pair<QString, QString>> impactRows(const PostMortem &pm)
{
    const Impact &i = pm.impact;
    QList<std::pair<QString, QString>> rows;
    rows.append({QStringLiteral("Outage"),
                 i.outages == 0
                     ? QStringLiteral("none recorded")
                     : formatDuration(i.outageMs) + u" in " + QString::number(i.outages) +
                           (i.outages == 1 ? u" outage" : u" outages") + u", " +
                           formatUtc(i.startMs) + u" to " + formatUtc(i.endMs) + u" UTC"});
    if (i.degradedMs > 0)
        rows.append({QStringLiteral("Degraded"), formatDuration(i.degradedMs)});
    if (i.drainedMs >= 0)
        rows.append({QStringLiteral("Backlogs drained"), formatUtc(i.drainedMs) + u" UTC"});
    if (i.startMs >= 0 && i.resolutionKnown)
        rows.append({QStringLiteral("Back to normal"),
                     i.resolvedMs < 0 ? QStringLiteral("not within the recording")
                                      : formatUtc(i.resolvedMs) + u" UTC (" +
                                            formatDuration(i.resolvedMs - i.startMs) +
                                            u" after the impact began)"});
    rows.append({QStringLiteral("Failed requests"),
                 i.offeredRequests <= 0 && i.failedRequests <= 0
                     ? QStringLiteral("not measured (no request series: watched live, give the "
                                      "Prometheus mapping sli.requests)")
                     : number(i.failedRequests) +
                           (i.offeredRequests > 0
                                ? u" of " + number(i.offeredRequests) + u" (" +
                                      QString::number(100.0 * i.failedRequests / i.offeredRequests,
                                                      'f', 2) +
                                      u" %)"
                                : QString())});
    for (const Deliveries &q : i.queues) { // each with its own target
        QString text =
            number(q.late) + (q.delivered > 0 ? u" of " + number(q.delivered) : QString()) +
            (q.targetMs > 0 ? u" later than the " + formatDuration(q.targetMs) + u" target"
                            : QStringLiteral(" late"));
        if (q.maxLatencyMs > 0)
            text += u"; slowest " + formatDuration(qint64(q.maxLatencyMs));
        if (q.waitingAtEnd >= 1.0)
            text += u"; " + number(q.waitingAtEnd) + u" still waiting when the recording ends";
        rows.append({q.queue + u" delivered late", text});
    }
    if (i.writesLost > 0 || i.writesDivergent > 0)
        rows.append({QStringLiteral("Writes at promotions"),
                     number(i.writesLost) + u" lost, " + number(i.writesDivergent) +
                         u" divergent (held only by a demoted primary: to reconcile)"});
    if (i.alertsLate > 0)
        rows.append({QStringLiteral("Alerts delivered late"),
                     QString::number(i.alertsLate) + u", up to " + formatDuration(i.alertDelayMs) +
                         u" after they were raised"});
    rows.append({QStringLiteral("Nodes affected"),
                 i.nodes.isEmpty() ? QStringLiteral("none") : collapsedNames(i.nodes)});
    rows.append({QStringLiteral("Sites affected"),
                 i.sites.isEmpty() ? QStringLiteral("none") : i.sites.join(QStringLiteral(", "))});
    return rows;
}

QList<std::pair<QString, QString>> metricRows(const PostMortem &pm)
{
    const IncidentMetrics m = metricsOf(pm);
    // With no outage recorded the times count from the first accepted entry: said so.
    QString began = m.startMs < 0 ? QStringLiteral("—") : formatUtc(m.startMs) + u" UTC";
    if (m.startMs >= 0 && pm.impact.startMs < 0)
        began += QStringLiteral(" (the first entry: no outage recorded)");
    return {{QStringLiteral("Impact began"), began},
            {QStringLiteral("Time to detect"), span(m.timeToDetect())},
            {QStringLiteral("Time to diagnose"), span(m.timeToDiagnose())},
            {QStringLiteral("Time to mitigate"), span(m.timeToMitigate())},
            {QStringLiteral("Time to resolve"), span(m.timeToResolve())}};
}

// CommonMark: backslash-escape what would otherwise become markup.
QString mdInline(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (QStringView(u"\\`*_[]<>!|#~&").contains(c))
            out += u'\\';
        out += c;
    }
    return out;
}

QString mdParagraphs(const QString &text)
{
    QStringList lines;
    for (QString line : text.split(u'\n')) {
        line = mdInline(line.trimmed());
        if (!line.isEmpty() && QStringView(u"-+=>").contains(line.front()))
            line.prepend(u'\\'); // not a list, a quote or a heading underline
        for (int i = 0; i < line.size() && line[i].isDigit(); ++i) {
            if (i + 1 < line.size() && (line[i + 1] == u'.' || line[i + 1] == u')')) {
                line.insert(i + 1, u'\\'); // not an ordered list
                break;
            }
        }
        lines.append(line);
    }
    return lines.join(u'\n');
}

// A snapshot in the PDF: as wide as the text allows at most, as tall as its aspect says (a width
// alone is not scaled in height by the PDF's layout: the map came out squashed).
QString pdfImageSize(const QByteArray &png)
{
    QBuffer buffer;
    buffer.setData(png);
    const QSize size = QImageReader(&buffer, "PNG").size();
    if (size.isEmpty())
        return {};
    const double width = std::min(560.0, double(size.width()));
    return u" width=\"" + QString::number(qRound(width)) + u"\" height=\"" +
           QString::number(qRound(width * size.height() / size.width())) + u'"';
}

// Where the errors showed and what actually failed, saying only what is known.
QString symptomText(const TimelineEntry &e)
{
    if (e.seenAt.isEmpty())
        return u"What actually failed: " + e.failedAt;
    if (e.failedAt.isEmpty())
        return u"Errors were seen at " + e.seenAt;
    return u"Errors were seen at " + e.seenAt + u"; what actually failed: " + e.failedAt;
}

QString entryTitle(const TimelineEntry &e)
{
    QString marks = markNames(e.marks);
    return (e.starred ? QStringLiteral("★ ") : QString()) + e.text +
           (marks.isEmpty() ? QString() : u" [" + marks + u']') +
           (e.status == TimelineEntry::Status::Proposed ? QStringLiteral(" (proposed)")
                                                        : QString());
}

// What an empty section says: a draft's is still to write; a final report leaves it out.
QString notWrittenYet()
{
    return QStringLiteral("Not written yet.");
}

bool isFinal(const PostMortem &pm)
{
    return pm.status == u"final";
}

QString htmlText(const QString &text)
{
    QString out;
    for (const QString &paragraph : text.split(QStringLiteral("\n\n"))) {
        if (!paragraph.trimmed().isEmpty())
            out += u"<p>" +
                   paragraph.trimmed().toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")) +
                   u"</p>\n";
    }
    return out.isEmpty() ? u"<p class=\"empty\">" + notWrittenYet() + u"</p>\n" : out;
}

// A section with its heading; nothing for an empty one in a final report.
QString htmlSection(const PostMortem &pm, const QString &title, const QString &text)
{
    if (text.trimmed().isEmpty() && isFinal(pm))
        return {};
    return u"<h2>" + title + u"</h2>\n" + htmlText(text);
}

// When it happened and when this report was made: "Incident 2020-05-25 08:48 UTC to
// 2020-05-29 08:56 UTC · report of 2026-12-02".
QString datesLine(const PostMortem &pm)
{
    const Impact &i = pm.impact;
    const QString format = QStringLiteral("yyyy-MM-dd HH:mm");
    QString when = i.startMs < 0 ? QStringLiteral("Incident: no outage recorded")
                                 : u"Incident " + formatUtc(i.startMs, format) + u" UTC";
    const qint64 over = i.resolvedMs >= 0 ? i.resolvedMs : i.endMs;
    if (i.startMs >= 0 && over >= 0)
        when += u" to " + formatUtc(over, format) + u" UTC";
    return when + u" · report of " +
           QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd"));
}

// The report as HTML; `image` gives the src of an entry's snapshot, `chartImage` a chart's.
QString htmlBody(const PostMortem &pm, const std::function<QString(const TimelineEntry &)> &image,
                 bool forPdf, const QList<ReportChart> &charts,
                 const std::function<QString(const ReportChart &)> &chartImage)
{
    QString h;
    h += u"<h1>" + pm.title.toHtmlEscaped() + u"</h1>\n";
    h += u"<p class=\"meta\"><b>Incident</b> " +
         (pm.incidentId.isEmpty() ? QStringLiteral("—") : pm.incidentId.toHtmlEscaped()) +
         u" &nbsp;·&nbsp; <b>Severity</b> " + pm.severity.toHtmlEscaped() +
         u" &nbsp;·&nbsp; <b>Status</b> " + pm.status.toHtmlEscaped() +
         u" &nbsp;·&nbsp; <b>Authors</b> " +
         (pm.authors.isEmpty() ? QStringLiteral("—")
                               : pm.authors.join(QStringLiteral(", ")).toHtmlEscaped()) +
         u"<br>" + datesLine(pm).toHtmlEscaped() + u"</p>\n";
    h += htmlSection(pm, QStringLiteral("Summary"), pm.summary);
    auto table = [&](const QList<std::pair<QString, QString>> &rows) -> QString {
        QString t =
            forPdf
                ? QStringLiteral(
                      "<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\" width=\"100%\">\n")
                : QStringLiteral("<table>\n");
        for (const auto &[what, value] : rows)
            t += u"<tr><th>" + what.toHtmlEscaped() + u"</th><td>" + value.toHtmlEscaped() +
                 u"</td></tr>\n";
        return t + u"</table>\n";
    };
    h += QStringLiteral("<h2>Impact</h2>\n") + table(impactRows(pm));
    h += QStringLiteral("<h2>Key times</h2>\n") + table(metricRows(pm));
    // The first page ends here: who, what, how bad, how long. The rest starts on the next.
    const QString nextPage =
        forPdf ? QStringLiteral(" style=\"page-break-before: always\"") : QString();
    if (!charts.isEmpty()) {
        h += u"<h2" + nextPage + u">What the recording shows</h2>\n";
        for (const ReportChart &c : charts)
            h += u"<div class=\"chart\"><img src=\"" + chartImage(c) + u"\"" +
                 (forPdf ? pdfImageSize(c.png) : QString()) + u" alt=\"" +
                 c.caption.toHtmlEscaped() + u"\"><br><i>" + c.caption.toHtmlEscaped() +
                 u"</i></div>\n";
    }
    bool first = charts.isEmpty();
    auto section = [&](const QString &title, const QString &text) {
        QString out = htmlSection(pm, title, text);
        if (first && !out.isEmpty()) {
            out.replace(0, 3, u"<h2" + nextPage);
            first = false;
        }
        return out;
    };
    for (const Section &s : narrativeBefore(pm))
        h += section(s.title, s.text);
    h += u"<h2" + (first ? nextPage : QString()) +
         u">Timeline (UTC)</h2>\n<ul class=\"timeline\">\n";
    for (const TimelineEntry &e : shownEntries(pm)) {
        h += u"<li><span class=\"time\">" + formatUtc(e.timeMs) + u"</span> " +
             entryTitle(e).toHtmlEscaped();
        if (!e.seenAt.isEmpty() || !e.failedAt.isEmpty())
            h += u"<div class=\"symptom\">" + symptomText(e).toHtmlEscaped() + u"</div>";
        if (!e.snapshotPng.isEmpty())
            h += u"<div class=\"snapshot\"><img src=\"" + image(e) + u"\"" +
                 (forPdf ? pdfImageSize(e.snapshotPng) : QString()) + u"><br><i>" +
                 e.snapshotCaption.toHtmlEscaped() + u"</i></div>";
        h += QStringLiteral("</li>\n");
    }
    h += QStringLiteral("</ul>\n");
    for (const Section &s : narrativeAfter(pm))
        h += htmlSection(pm, s.title, s.text);
    if (pm.actions.isEmpty()) {
        if (!isFinal(pm))
            h += u"<h2>Action items</h2>\n<p class=\"empty\">" + notWrittenYet() + u"</p>\n";
    } else {
        h += QStringLiteral("<h2>Action items</h2>\n");
        h += forPdf ? QStringLiteral(
                          "<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\" width=\"100%\">")
                    : QStringLiteral("<table>");
        // The action (and its simulated effect) takes the room; the rest is short.
        h += QStringLiteral("<tr><th width=\"10%\">Priority</th><th width=\"38%\">Action</th>"
                            "<th width=\"14%\">Owner</th><th width=\"14%\">Due</th>"
                            "<th width=\"12%\">Status</th><th width=\"12%\">Ticket</th></tr>\n");
        for (const ActionItem &a : pm.actions) {
            const bool link = a.ticket.startsWith(u"https://") || a.ticket.startsWith(u"http://");
            const QString effect = effectLine(a);
            h += u"<tr><td>" + a.priority.toHtmlEscaped() + u"</td><td>" + a.what.toHtmlEscaped() +
                 (effect.isEmpty()
                      ? QString()
                      : u"<br><span class=\"effect\">" + effect.toHtmlEscaped() + u"</span>") +
                 u"</td><td>" + a.owner.toHtmlEscaped() + u"</td><td>" + dueText(a) + u"</td><td>" +
                 a.status.toHtmlEscaped() + u"</td><td>" +
                 (link ? u"<a href=\"" + a.ticket.toHtmlEscaped() + u"\">" +
                             a.ticket.toHtmlEscaped() + u"</a>"
                       : a.ticket.toHtmlEscaped()) +
                 u"</td></tr>\n";
        }
        h += QStringLiteral("</table>\n");
    }
    h += htmlSection(pm, QStringLiteral("Supporting material"), pm.supporting);
    return h;
}

Result<bool> commit(QSaveFile &file, const QString &path)
{
    if (!file.commit())
        return Error{path + u": cannot write the report: " + file.errorString(), {}, 0, 0};
    return true;
}

Result<bool> writePdf(const PostMortem &pm, const QString &path, const QList<ReportChart> &charts)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{path + u": cannot write the report: " + file.errorString(), {}, 0, 0};
    QPdfWriter pdf(&file);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageMargins(QMarginsF(18, 18, 18, 22), QPageLayout::Millimeter);
    pdf.setResolution(150);
    pdf.setTitle(pm.title);
    pdf.setCreator(QStringLiteral("Warroom"));
    QTextDocument doc;
    doc.setDefaultStyleSheet(QStringLiteral(
        "h1 { font-size: 20pt; } h2 { font-size: 14pt; margin-top: 14px; } "
        "th { text-align: left; background: #eeeeee; } .time { font-family: monospace; } "
        ".symptom { color: #A04000; } .meta { color: #444444; }"));
    for (const TimelineEntry &e : pm.timeline) {
        if (!e.snapshotPng.isEmpty())
            doc.addResource(QTextDocument::ImageResource, QUrl(u"snapshot:" + e.id),
                            QImage::fromData(e.snapshotPng, "PNG"));
    }
    for (const ReportChart &c : charts)
        doc.addResource(QTextDocument::ImageResource, QUrl(u"chart:" + c.id),
                        QImage::fromData(c.png, "PNG"));
    doc.setHtml(htmlBody(
        pm, [](const TimelineEntry &e) -> QString { return u"snapshot:" + e.id; }, true, charts,
        [](const ReportChart &c) -> QString { return u"chart:" + c.id; }));
    const QRectF page = pdf.pageLayout().paintRectPixels(pdf.resolution());
    const double footer = pdf.resolution() * 0.35;
    // The text is laid out at 96 dpi and scaled to the page: fonts keep their point sizes.
    const double scale = pdf.resolution() / 96.0;
    doc.setPageSize(QSizeF(page.width() / scale, (page.height() - footer) / scale));
    QPainter painter;
    if (!painter.begin(&pdf))
        return Error{path + u": cannot write the report (PDF)", {}, 0, 0};
    painter.setRenderHint(QPainter::LosslessImageRendering); // the map's snapshots: not JPEG
    const int pages = doc.pageCount();
    for (int p = 0; p < pages; ++p) {
        if (p > 0)
            pdf.newPage();
        painter.save();
        painter.scale(scale, scale);
        const QRectF clip(0, p * doc.pageSize().height(), doc.pageSize().width(),
                          doc.pageSize().height());
        painter.translate(0, -clip.top());
        doc.drawContents(&painter, clip);
        painter.restore();
        painter.setFont(QFont(QStringLiteral("DejaVu Sans"), 8));
        painter.setPen(QColor(0x66, 0x66, 0x66));
        painter.drawText(QRectF(0, page.height() - footer * 0.8, page.width(), footer * 0.8),
                         Qt::AlignBottom | Qt::AlignLeft, pm.title);
        painter.drawText(QRectF(0, page.height() - footer * 0.8, page.width(), footer * 0.8),
                         Qt::AlignBottom | Qt::AlignRight,
                         u"Page " + QString::number(p + 1) + u" of " + QString::number(pages));
    }
    painter.end();
    return commit(file, path);
}

} // namespace

bool reportFormatFromString(const QString &name, ReportFormat *format)
{
    static const std::map<QString, ReportFormat> formats = {
        {QStringLiteral("md"), ReportFormat::Markdown},
        {QStringLiteral("markdown"), ReportFormat::Markdown},
        {QStringLiteral("html"), ReportFormat::Html},
        {QStringLiteral("pdf"), ReportFormat::Pdf},
        {QStringLiteral("json"), ReportFormat::Json}};
    const auto it = formats.find(name.toLower());
    if (it == formats.end())
        return false;
    *format = it->second;
    return true;
}

QString markdownReport(const PostMortem &pm, const QString &snapshotDir,
                       const QList<ReportChart> &charts)
{
    QString md;
    md += u"# " + mdInline(pm.title.isEmpty() ? QStringLiteral("Post-mortem") : pm.title) + u"\n\n";
    md += u"- **Incident:** " +
          mdInline(pm.incidentId.isEmpty() ? QStringLiteral("—") : pm.incidentId) + u'\n';
    md += u"- **Severity:** " + mdInline(pm.severity) + u'\n';
    md += u"- **Status:** " + mdInline(pm.status) + u'\n';
    md += u"- **Authors:** " +
          mdInline(pm.authors.isEmpty() ? QStringLiteral("—")
                                        : pm.authors.join(QStringLiteral(", "))) +
          u"\n- **When:** " + mdInline(datesLine(pm)) + u"\n\n";
    auto section = [&](const QString &title, const QString &text) {
        if (text.trimmed().isEmpty() && isFinal(pm))
            return; // a final report leaves out what was not written
        md += u"## " + title + u"\n\n" +
              (text.trimmed().isEmpty() ? u'*' + notWrittenYet() + u'*' : mdParagraphs(text)) +
              u"\n\n";
    };
    auto list = [&](const QString &title, const QList<std::pair<QString, QString>> &rows) {
        md += u"## " + title + u"\n\n";
        for (const auto &[what, value] : rows)
            md += u"- **" + mdInline(what) + u":** " + mdInline(value) + u'\n';
        md += u'\n';
    };
    section(QStringLiteral("Summary"), pm.summary);
    list(QStringLiteral("Impact"), impactRows(pm));
    list(QStringLiteral("Key times"), metricRows(pm));
    if (!charts.isEmpty() && !snapshotDir.isEmpty()) {
        md += QStringLiteral("## What the recording shows\n\n");
        for (const ReportChart &c : charts)
            md += u"![" + mdInline(c.caption) + u"](" + snapshotDir + u'/' + c.id + u".png)\n\n*" +
                  mdInline(c.caption) + u"*\n\n";
    }
    for (const Section &s : narrativeBefore(pm))
        section(s.title, s.text);
    md += QStringLiteral("## Timeline (UTC)\n\n");
    for (const TimelineEntry &e : shownEntries(pm)) {
        md += u"- `" + formatUtc(e.timeMs) + u"` " + mdInline(entryTitle(e)) + u'\n';
        if (!e.seenAt.isEmpty() || !e.failedAt.isEmpty())
            md += u"  - " + mdInline(symptomText(e)) + u'\n';
        if (!e.snapshotPng.isEmpty() && !snapshotDir.isEmpty())
            md += u"  - ![" + mdInline(e.snapshotCaption) + u"](" + snapshotDir + u'/' + e.id +
                  u".png)\n";
    }
    md += u'\n';
    for (const Section &s : narrativeAfter(pm))
        section(s.title, s.text);
    if (!pm.actions.isEmpty() || !isFinal(pm))
        md += QStringLiteral("## Action items\n\n");
    if (pm.actions.isEmpty() && !isFinal(pm))
        md += u'*' + notWrittenYet() + u"*\n";
    for (const ActionItem &a : pm.actions)
        md += u"- **" + mdInline(a.priority) + u"** " + mdInline(a.what) + u" — " +
              mdInline(a.owner.isEmpty() ? QStringLiteral("no owner") : a.owner) + u", due " +
              mdInline(dueText(a)) + u" (" + mdInline(a.status) + u')' +
              (a.ticket.isEmpty() ? QString() : u", ticket " + mdInline(a.ticket)) + u'\n' +
              (effectLine(a).isEmpty() ? QString() : u"  - " + mdInline(effectLine(a)) + u'\n');
    md += u'\n';
    section(QStringLiteral("Supporting material"), pm.supporting);
    return md;
}

QString htmlReport(const PostMortem &pm, const QList<ReportChart> &charts)
{
    return u"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
           pm.title.toHtmlEscaped() +
           u"</title>\n<style>\n"
           u"body { font-family: 'DejaVu Sans', sans-serif; max-width: 60em; margin: 2em auto; "
           u"color: #222; line-height: 1.45; padding: 0 1em; }\n"
           u"h1 { font-size: 1.7em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; "
           u"margin-top: 1.6em; }\n"
           u"table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: 4px "
           u"8px; text-align: left; vertical-align: top; } th { background: #f3f3f0; }\n"
           u".time { font-family: 'DejaVu Sans Mono', monospace; color: #555; }\n"
           u".symptom { color: #A04000; margin: 2px 0 4px 1.5em; }\n"
           u".snapshot img { max-width: 100%; border: 1px solid #ccc; margin: 6px 0; }\n"
           u".meta, .empty { color: #666; } ul.timeline li { margin: 4px 0; }\n"
           u".effect { color: #0F5E8C; font-size: 0.92em; }\n"
           u".chart img { max-width: 100%; margin: 6px 0 0; } .chart { margin-bottom: 10px; }\n"
           u"</style>\n</head>\n<body>\n" +
           htmlBody(
               pm,
               [](const TimelineEntry &e) -> QString {
                   return u"data:image/png;base64," + QString::fromLatin1(e.snapshotPng.toBase64());
               },
               false, charts,
               [](const ReportChart &c) -> QString {
                   return u"data:image/png;base64," + QString::fromLatin1(c.png.toBase64());
               }) +
           u"<p class=\"meta\">Written with Warroom.</p>\n</body>\n</html>\n";
}

Result<bool> writeReport(const PostMortem &pm, ReportFormat format, const QString &path,
                         const QList<ReportChart> &charts)
{
    if (format == ReportFormat::Pdf)
        return writePdf(pm, path, charts);
    QByteArray bytes;
    switch (format) {
    case ReportFormat::Markdown: {
        bool snapshots = !charts.isEmpty();
        for (const TimelineEntry &e : shownEntries(pm))
            snapshots = snapshots || !e.snapshotPng.isEmpty();
        const QString dirName = QFileInfo(path).completeBaseName() + u"-snapshots";
        if (snapshots) {
            const QDir dir(QFileInfo(path).absoluteDir().filePath(dirName));
            if (!dir.mkpath(QStringLiteral(".")))
                return Error{dir.path() + u": cannot create the snapshots' folder", {}, 0, 0};
            for (const TimelineEntry &e : shownEntries(pm)) {
                if (e.snapshotPng.isEmpty())
                    continue;
                QSaveFile png(dir.filePath(e.id + u".png"));
                if (!png.open(QIODevice::WriteOnly) || png.write(e.snapshotPng) < 0 ||
                    !png.commit())
                    return Error{png.fileName() + u": cannot write the snapshot", {}, 0, 0};
            }
            for (const ReportChart &c : charts) {
                QSaveFile png(dir.filePath(c.id + u".png"));
                if (!png.open(QIODevice::WriteOnly) || png.write(c.png) < 0 || !png.commit())
                    return Error{png.fileName() + u": cannot write the chart", {}, 0, 0};
            }
        }
        bytes = markdownReport(pm, snapshots ? dirName : QString(), charts).toUtf8();
        break;
    }
    case ReportFormat::Html:
        bytes = htmlReport(pm, charts).toUtf8();
        break;
    case ReportFormat::Json:
        bytes = QJsonDocument(toJson(pm)).toJson(QJsonDocument::Indented);
        break;
    case ReportFormat::Pdf:
        break;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return Error{path + u": cannot write the report: " + file.errorString(), {}, 0, 0};
    return commit(file, path);
}

} // namespace warroom
