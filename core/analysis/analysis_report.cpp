#include "analysis_report.h"

#include <QJsonArray>

#include <algorithm>

namespace warroom {

namespace {

QJsonObject reasonJson(const Reason &reason)
{
    QJsonObject o{{QStringLiteral("kind"), toString(reason.kind)},
                  {QStringLiteral("text"), reason.text()}};
    if (!reason.subject.isEmpty() && reason.kind != Reason::Kind::TooFewReachable)
        o.insert(QStringLiteral("subject"), reason.subject);
    if (reason.place.line > 0) {
        o.insert(QStringLiteral("file"), reason.place.file);
        o.insert(QStringLiteral("line"), reason.place.line);
    }
    if (!reason.cut.isEmpty())
        o.insert(QStringLiteral("cut"), QJsonArray::fromStringList(reason.cut));
    if (reason.kind == Reason::Kind::HighLatency)
        o.insert(QStringLiteral("latency_ms"), reason.latencyMs);
    return o;
}

QJsonObject edgeJson(const EdgeReport &e)
{
    QJsonObject o = verdictJson(e.verdict);
    o.insert(QStringLiteral("dependency"), e.dependency);
    o.insert(QStringLiteral("from"), e.from);
    o.insert(QStringLiteral("from_site"), e.fromSite);
    o.insert(QStringLiteral("to"), e.to);
    o.insert(QStringLiteral("to_site"), e.toSite);
    o.insert(QStringLiteral("port"), e.port);
    return o;
}

template<typename T, typename F> QJsonArray arrayOf(const QList<T> &items, F toJson)
{
    QJsonArray out;
    for (const T &item : items)
        out.append(toJson(item));
    return out;
}

QJsonObject dependencyJson(const DependencyFinding &f)
{
    return {{QStringLiteral("node"), f.node},
            {QStringLiteral("site"), f.site},
            {QStringLiteral("dependency"), f.dependency},
            {QStringLiteral("required"), f.required},
            {QStringLiteral("state"), toString(f.state)},
            {QStringLiteral("reason"), reasonJson(f.reason)},
            {QStringLiteral("edges"), arrayOf(f.edges, edgeJson)}};
}

QString plural(qsizetype count, QStringView noun)
{
    QString word = noun.toString();
    if (count != 1 && word.endsWith(u'y'))
        word = word.chopped(1) + u"ies";
    else if (count != 1)
        word += u's';
    return QString::number(count) + u' ' + word;
}

QString dependencyLine(const DependencyFinding &f)
{
    return f.site + u'/' + f.node + u" needs " + f.dependency +
           (f.required ? QStringView() : QStringView(u" (optional)")) + u": " +
           verdictText(f.state, f.reason);
}

void appendDependency(QStringList &lines, const DependencyFinding &f, const QString &indent)
{
    // When every hop fails for the dependency's own reason, naming the targets says it all.
    const bool sameReason = std::all_of(f.edges.cbegin(), f.edges.cend(), [&](const EdgeReport &e) {
        return e.verdict.reason == f.reason;
    });
    if (sameReason) {
        const QStringList targets = f.targets();
        lines.append(
            indent + dependencyLine(f) +
            (targets.isEmpty() ? QString() : u" [" + targets.join(QStringLiteral(", ")) + u']'));
        return;
    }
    lines.append(indent + dependencyLine(f));
    for (const EdgeReport &e : f.edges)
        lines.append(indent + u"  " + e.text());
}

} // namespace

QJsonObject verdictJson(const Verdict &verdict)
{
    return {{QStringLiteral("state"), toString(verdict.state)},
            {QStringLiteral("reason"), reasonJson(verdict.reason)},
            {QStringLiteral("path"), QJsonArray::fromStringList(verdict.path)},
            {QStringLiteral("latency_ms"), verdict.latencyMs},
            {QStringLiteral("provenance"), toString(verdict.provenance)}};
}

QJsonObject analysisJson(const Analysis &a)
{
    const QJsonObject summary{{QStringLiteral("sites"), a.siteCount},
                              {QStringLiteral("links"), a.linkCount},
                              {QStringLiteral("nodes"), a.nodeCount},
                              {QStringLiteral("edges"), a.edgeCount},
                              {QStringLiteral("reachable"), a.reachableEdges},
                              {QStringLiteral("degraded"), a.degradedEdges},
                              {QStringLiteral("unknown"), a.unknownEdges},
                              {QStringLiteral("blocked"), a.blockedEdges},
                              {QStringLiteral("findings"), a.findingCount()}};
    auto latentJson = [](const LatentFinding &f) {
        return QJsonObject{{QStringLiteral("group"), f.group},
                           {QStringLiteral("site"), f.site},
                           {QStringLiteral("node"), f.hypotheticalNode},
                           {QStringLiteral("outgoing"), arrayOf(f.outgoing, dependencyJson)},
                           {QStringLiteral("incoming"), arrayOf(f.incoming, edgeJson)}};
    };
    auto blastJson = [](const BlastRadius &b) {
        return QJsonObject{{QStringLiteral("kind"), toString(b.kind)},
                           {QStringLiteral("subject"), b.subject},
                           {QStringLiteral("lost_nodes"), QJsonArray::fromStringList(b.lostNodes)},
                           {QStringLiteral("broken"), arrayOf(b.broken, edgeJson)},
                           {QStringLiteral("failing"), arrayOf(b.failing, dependencyJson)}};
    };
    auto spofJson = [](const SinglePointOfFailure &s) {
        return QJsonObject{{QStringLiteral("kind"), toString(s.kind)},
                           {QStringLiteral("subject"), s.subject},
                           {QStringLiteral("detail"), s.detail}};
    };
    return {{QStringLiteral("format"), QStringLiteral("warroom-analysis")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("scenario"), a.scenario},
            {QStringLiteral("file"), a.file},
            {QStringLiteral("what_ifs"), QJsonArray::fromStringList(a.whatIfs)},
            {QStringLiteral("summary"), summary},
            {QStringLiteral("live"), arrayOf(a.live, dependencyJson)},
            {QStringLiteral("latent"), arrayOf(a.latent, latentJson)},
            {QStringLiteral("blast_radius"), arrayOf(a.blastRadius, blastJson)},
            {QStringLiteral("single_points_of_failure"), arrayOf(a.singlePoints, spofJson)}};
}

QString analysisText(const Analysis &a)
{
    QStringList lines;
    lines.append(a.scenario + u" (" + a.file + u')');
    if (!a.whatIfs.isEmpty())
        lines.append(u"what if: " + a.whatIfs.join(QStringLiteral(", ")));
    lines.append(
        QString::number(a.siteCount) + u" sites, " + QString::number(a.linkCount) + u" links, " +
        QString::number(a.nodeCount) + u" nodes; " + QString::number(a.edgeCount) +
        u" dependency hops: " + QString::number(a.reachableEdges) + u" reachable, " +
        QString::number(a.degradedEdges) + u" degraded, " + QString::number(a.unknownEdges) +
        u" unknown, " + QString::number(a.blockedEdges) + u" blocked");

    lines.append(QString());
    if (a.live.isEmpty()) {
        lines.append(QStringLiteral("Live dependencies: every one is reachable."));
    } else {
        lines.append(QStringLiteral("Live dependencies that are not fully reachable:"));
        for (const DependencyFinding &f : a.live)
            appendDependency(lines, f, QStringLiteral("  "));
    }

    lines.append(QString());
    if (a.latent.isEmpty()) {
        lines.append(
            QStringLiteral("Latent placement: every site a scaling group may use works for it."));
    } else {
        lines.append(QStringLiteral(
            "Latent placement (a scaling group may place an instance where it would fail):"));
        for (const LatentFinding &f : a.latent) {
            lines.append(u"  " + f.group + u" in " + f.site + u" (as " + f.hypotheticalNode +
                         u"):");
            for (const DependencyFinding &d : f.outgoing)
                appendDependency(lines, d, QStringLiteral("    "));
            for (const EdgeReport &e : f.incoming)
                lines.append(u"    cannot be reached: " + e.text());
        }
    }

    lines.append(QString());
    lines.append(
        QStringLiteral("Blast radius (required dependencies that fail when one element fails):"));
    for (const BlastRadius &b : a.blastRadius) {
        const QString subject =
            b.kind == BlastRadius::Kind::RegionInternet
                ? QString(u"region " + b.subject + u" cut off from the internet")
                : QString(toString(b.kind) + u' ' + b.subject + u" down");
        QStringList parts;
        if (!b.lostNodes.isEmpty())
            parts.append(plural(b.lostNodes.size(), u"node") + u" lost (" +
                         b.lostNodes.join(QStringLiteral(", ")) + u')');
        const QString elsewhere = b.lostNodes.isEmpty() ? QString() : QStringLiteral(" elsewhere");
        if (b.failing.isEmpty())
            parts.append(b.lostNodes.isEmpty() ? QStringLiteral("nothing fails")
                                               : QStringLiteral("nothing else fails"));
        else
            parts.append(plural(b.failing.size(), u"dependency") + elsewhere +
                         (b.failing.size() == 1 ? u" fails" : u" fail"));
        lines.append(u"  " + subject + u": " + parts.join(QStringLiteral("; ")));
        for (const DependencyFinding &d : b.failing)
            lines.append(u"    " + dependencyLine(d));
    }

    lines.append(QString());
    if (a.singlePoints.isEmpty()) {
        lines.append(QStringLiteral("Single points of failure: none."));
    } else {
        lines.append(QStringLiteral("Single points of failure:"));
        for (const SinglePointOfFailure &s : a.singlePoints)
            lines.append(u"  " + toString(s.kind) + u' ' + s.subject + u": " + s.detail);
    }
    lines.append(QString());
    lines.append(plural(a.findingCount(), u"finding") + u'.');
    return lines.join(u'\n') + u'\n';
}

} // namespace warroom
