#include "run_comparison.h"

#include "core/store/recording.h"
#include "core/util/duration.h"
#include "core/util/numbers.h"

#include <QJsonArray>

#include <cmath>

namespace warroom {

namespace {

QString spanOrNever(qint64 ms)
{
    return formatDurationOr(ms, QStringLiteral("never"));
}

} // namespace

RunOutcome runOutcome(const Recording &recording)
{
    RunOutcome o;
    o.summary = summarize(recording);
    const RecordingSummary &s = o.summary;
    o.outageMs = s.outageMs();
    for (const auto &[state, ms] : s.timeInState) {
        if (state == u"degraded")
            o.degradedMs = ms;
    }
    o.failedRequests = s.failedRequests;
    if (!s.outages.isEmpty())
        o.firstFailureMs = s.outages.first().startMs - s.startMs;
    for (const SiteActions &a : s.actions) {
        o.launched += a.launched;
        o.launchFailed += a.launchFailed;
    }
    o.alerts = s.alerts;
    o.lateAlerts = s.lateAlerts;
    o.undeliveredAlerts = s.undeliveredAlerts;
    for (const Promotion &p : s.promotions) {
        o.writesLost += p.lost;
        o.writesDivergent += p.divergent;
    }
    for (const Deliveries &d : s.deliveries) {
        RunOutcome::Queue q;
        static_cast<Deliveries &>(q) = d;
        // From its first backlog's start to its last one's drain (never, if one never did).
        qint64 first = -1, drained = -1;
        bool never = false;
        for (const Backlog &b : s.backlogs) {
            if (b.queue != d.queue)
                continue;
            q.peak = std::max(q.peak, b.peak);
            first = first < 0 ? b.startMs : std::min(first, b.startMs);
            never = never || b.drainedMs < 0;
            drained = std::max(drained, b.drainedMs);
        }
        q.drainedAfterMs = first < 0 || never ? -1 : drained - first;
        o.queues.append(q);
    }
    return o;
}

QList<ComparisonRow> compareRuns(const RunOutcome &a, const RunOutcome &b)
{
    QList<ComparisonRow> rows;
    // A figure of each run and how the second differs: in time, or in count with its share.
    // A time, to the second as printed; -1 is "never" (no outage, a backlog that never drained).
    auto time = [&rows](const QString &what, qint64 x, qint64 y) {
        const qint64 sx = x < 0 ? -1 : x / 1000 * 1000;
        const qint64 sy = y < 0 ? -1 : y / 1000 * 1000;
        const QString difference = sx == sy  ? QStringLiteral("same")
                                   : sy < 0  ? QStringLiteral("B never did")
                                   : sx < 0  ? QStringLiteral("A never did")
                                   : sy < sx ? u"−" + formatDuration(sx - sy)
                                             : u"+" + formatDuration(sy - sx);
        rows.append({what, spanOrNever(x), spanOrNever(y), difference, double(x), double(y)});
    };
    auto amount = [&rows](const QString &what, double x, double y) {
        // From the figures as printed (whole items), so that "same" and the sums agree.
        const double rx = std::round(x);
        const double ry = std::round(y);
        QString difference = QStringLiteral("same");
        if (rx != ry) {
            const QString sign = ry < rx ? QStringLiteral("−") : QStringLiteral("+");
            difference = sign + formatCount(std::abs(ry - rx));
            if (rx > 0) // and as a share of the first run's
                difference += QStringLiteral(" (") + sign +
                              QString::number(std::lround(100.0 * std::abs(ry - rx) / rx)) +
                              QStringLiteral(" %)");
        }
        rows.append({what, formatCount(x), formatCount(y), difference, x, y});
    };
    time(QStringLiteral("outage"), a.outageMs, b.outageMs);
    time(QStringLiteral("degraded"), a.degradedMs, b.degradedMs);
    time(QStringLiteral("first outage began (after the start)"), a.firstFailureMs,
         b.firstFailureMs);
    amount(QStringLiteral("failed requests"), a.failedRequests, b.failedRequests);
    amount(QStringLiteral("instances launched"), a.launched, b.launched);
    // What only some scenarios have: a row when either run has it.
    auto ifAny = [&](const QString &what, double x, double y) {
        if (x > 0.0 || y > 0.0)
            amount(what, x, y);
    };
    ifAny(QStringLiteral("launches failed"), a.launchFailed, b.launchFailed);
    ifAny(QStringLiteral("writes lost at promotions"), a.writesLost, b.writesLost);
    ifAny(QStringLiteral("writes divergent at promotions"), a.writesDivergent, b.writesDivergent);
    amount(QStringLiteral("alerts fired"), a.alerts, b.alerts);
    ifAny(QStringLiteral("alerts delivered late"), a.lateAlerts, b.lateAlerts);
    ifAny(QStringLiteral("alerts never delivered"), a.undeliveredAlerts, b.undeliveredAlerts);
    // Queues by id: each with its own target.
    QStringList queues;
    for (const RunOutcome *run : {&a, &b}) {
        for (const RunOutcome::Queue &q : run->queues) {
            if (!queues.contains(q.queue))
                queues.append(q.queue);
        }
    }
    for (const QString &id : queues) {
        auto of = [&id](const RunOutcome &run) {
            for (const RunOutcome::Queue &q : run.queues) {
                if (q.queue == id)
                    return q;
            }
            RunOutcome::Queue none;
            none.queue = id;
            return none;
        };
        const RunOutcome::Queue x = of(a);
        const RunOutcome::Queue y = of(b);
        const QString target =
            x.targetMs > 0 ? u", target " + formatDuration(x.targetMs) : QString();
        amount(id + u": late deliveries" + target, x.late, y.late);
        amount(id + u": still waiting at the end", x.waitingAtEnd, y.waitingAtEnd);
        time(id + u": slowest delivery", qint64(x.maxLatencyMs), qint64(y.maxLatencyMs));
        amount(id + u": backlog peak", x.peak, y.peak);
        if (x.peak > 0 || y.peak > 0) // a backlog in either run
            time(id + u": backlog drained after", x.drainedAfterMs, y.drainedAfterMs);
    }
    return rows;
}

QString comparisonText(const RunOutcome &a, const RunOutcome &b, const QList<ComparisonRow> &rows)
{
    auto name = [](const RunOutcome &run) -> QString {
        return run.summary.name + (run.summary.whatIfs.isEmpty()
                                       ? QString()
                                       : u" (what if " + run.summary.whatIfs.join(u", ") + u')');
    };
    int whatWidth = 0, aWidth = int(name(a).size()), bWidth = int(name(b).size());
    for (const ComparisonRow &r : rows) {
        whatWidth = std::max(whatWidth, int(r.what.size()));
        aWidth = std::max(aWidth, int(r.a.size()));
        bWidth = std::max(bWidth, int(r.b.size()));
    }
    QString out = QString().leftJustified(whatWidth) + u"  " + name(a).leftJustified(aWidth) +
                  u"  " + name(b).leftJustified(bWidth) + u"  difference\n";
    for (const ComparisonRow &r : rows)
        out += r.what.leftJustified(whatWidth) + u"  " + r.a.leftJustified(aWidth) + u"  " +
               r.b.leftJustified(bWidth) + u"  " + r.difference + u'\n';
    return out;
}

QJsonArray comparisonRowsJson(const QList<ComparisonRow> &rows)
{
    QJsonArray lines;
    for (const ComparisonRow &r : rows)
        lines.append(QJsonObject{{QStringLiteral("what"), r.what},
                                 {QStringLiteral("a"), r.a},
                                 {QStringLiteral("b"), r.b},
                                 {QStringLiteral("a_value"), r.aValue},
                                 {QStringLiteral("b_value"), r.bValue},
                                 {QStringLiteral("difference"), r.difference}});
    return lines;
}

QList<ComparisonRow> comparisonRowsFrom(const QJsonArray &json)
{
    QList<ComparisonRow> rows;
    for (const QJsonValue &v : json) {
        const QJsonObject r = v.toObject();
        rows.append({r.value(QStringLiteral("what")).toString(),
                     r.value(QStringLiteral("a")).toString(),
                     r.value(QStringLiteral("b")).toString(),
                     r.value(QStringLiteral("difference")).toString(),
                     r.value(QStringLiteral("a_value")).toDouble(),
                     r.value(QStringLiteral("b_value")).toDouble()});
    }
    return rows;
}

QJsonObject comparisonJson(const RunOutcome &a, const RunOutcome &b,
                           const QList<ComparisonRow> &rows)
{
    return {{QStringLiteral("a"), summaryJson(a.summary)},
            {QStringLiteral("b"), summaryJson(b.summary)},
            {QStringLiteral("rows"), comparisonRowsJson(rows)}};
}

namespace {

// Both figures of a count in one unit, so that they read side by side ("1.59 M → 0.24 M").
std::pair<QString, QString> countsInOneUnit(double x, double y)
{
    const double larger = std::max(std::abs(x), std::abs(y));
    if (larger < 100000)
        return {formatCount(x), formatCount(y)};
    auto millions = [](double v) -> QString { return QString::number(v / 1e6, 'f', 2) + u" M"; };
    return {millions(x), millions(y)};
}

} // namespace

QString effectText(const QList<ComparisonRow> &rows, int max)
{
    // The figures a reader weighs an action by, in that order; the rest is in the comparison.
    auto rank = [](const QString &what) {
        if (what == u"outage")
            return 0;
        if (what == u"failed requests")
            return 1;
        if (what.contains(u": late deliveries"))
            return 2;
        if (what.contains(u": still waiting at the end"))
            return 3;
        if (what == u"degraded")
            return 4;
        if (what.contains(u": backlog drained after"))
            return 5;
        return -1;
    };
    QList<std::pair<int, QString>> said;
    for (const ComparisonRow &r : rows) {
        const int order = rank(r.what);
        if (order < 0 || r.difference == u"same")
            continue;
        QString what = r.what;
        what.replace(QStringLiteral(": late deliveries"), QStringLiteral(" late"));
        what.replace(QStringLiteral(": still waiting at the end"),
                     QStringLiteral(" never delivered"));
        what.replace(QStringLiteral(": backlog drained after"),
                     QStringLiteral(" backlog drained after"));
        what = what.section(u',', 0, 0); // without the target
        QString a = r.a, b = r.b;
        if (order >= 1 && order <= 3)
            std::tie(a, b) = countsInOneUnit(r.aValue, r.bValue);
        // Rounded alike, the figures would say nothing changed: the difference says how much.
        const QString by =
            a == b ? u" (" + r.difference.section(QStringLiteral(" ("), 0, 0) + u')' : QString();
        said.append({order, what + u' ' + a + u" → " + b + by});
    }
    std::stable_sort(said.begin(), said.end(),
                     [](const auto &x, const auto &y) { return x.first < y.first; });
    QStringList parts;
    for (const auto &[order, text] : said) {
        if (parts.size() == max)
            break;
        parts.append(text);
    }
    return parts.isEmpty() ? QStringLiteral("no difference in outage, failures or deliveries")
                           : parts.join(QStringLiteral("; "));
}

} // namespace warroom
