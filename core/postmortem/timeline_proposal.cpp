#include "timeline_proposal.h"

#include "core/util/names.h"

#include "core/store/recording.h"
#include "core/summary/recording_summary.h"
#include "core/util/duration.h"

#include <QDateTime>
#include <QJsonObject>

#include <map>
#include <set>

namespace warroom {

namespace {

constexpr qint64 kMinute = 60000;
constexpr qint64 kLead = 60 * kMinute;     // the window opens this long before the first outage
constexpr qint64 kTail = 60 * kMinute;     // ... and closes this long after the last change
constexpr qint64 kBurst = 15 * kMinute;    // similar events closer than this: one entry
constexpr qint64 kFlap = 2 * kMinute;      // the service going degraded and ok in turn this fast
constexpr qint64 kMattered = 30 * kMinute; // autoscaler decisions this close to an outage

// "dc3/app-pool-4 -> dc1/cache-1:6379: blocked by ..." -> {(dc3, app-pool-4), (dc1, cache-1)}
QList<std::pair<QString, QString>> endsOf(const QString &cause)
{
    QList<std::pair<QString, QString>> out;
    const QString hop = cause.section(QStringLiteral(": "), 0, 0);
    for (const QString &end : hop.split(QStringLiteral(" -> "))) {
        const QString place = end.section(u':', 0, 0);
        if (place.contains(u'/'))
            out.append({place.section(u'/', 0, 0), place.section(u'/', 1)});
    }
    return out;
}

// Which burst an event belongs to (empty: never collapsed).
QString burstKey(const Event &e)
{
    switch (e.kind) {
    case EventKind::AlertFiring:
    case EventKind::AlertResolved: {
        // One alert on the nodes of one role (its instances, replaced one after another): one
        // entry that names them all; CacheDown on cache-2 is not cache-1's when roles differ.
        // (the simulator says the role; Alertmanager's labels may: role, else job)
        const QJsonObject labels = e.details.value(QStringLiteral("labels")).toObject();
        QString role = e.details.value(QStringLiteral("role")).toString();
        if (role.isEmpty())
            role = labels.value(QStringLiteral("role")).toString();
        if (role.isEmpty())
            role = labels.value(QStringLiteral("job")).toString();
        return toString(e.kind) + u'|' + e.subject + u'|' + (role.isEmpty() ? e.node : role);
    }
    case EventKind::ScaleOut:
    case EventKind::ScaleIn:
    case EventKind::ScaleHeld:
        return toString(e.kind) + u'|' + e.subject;
    case EventKind::VerdictChanged: // hops that changed for the same reason: one moment
        return toString(e.kind) + u'|' + e.text.section(QStringLiteral(": "), 1);
    case EventKind::NodeLaunched:
    case EventKind::NodeUnhealthy:
    case EventKind::NodeTerminated:
    case EventKind::LinkDown:
    case EventKind::LinkUp:
        // Counted only over the same kind and subject: a count never stands over other
        // links' or other groups' events.
        return toString(e.kind) + u'|' + e.subject;
    default:
        return {};
    }
}

// What a scheduled change did at the moment it was made (or undone): its element changes and
// the hops whose verdict changed, folded into its entry.
struct Consequences
{
    // What changed, said together: "links a, b down", "app-pool ×5 (…) launched in dc3".
    struct Part
    {
        QString state;        // "down", "launched"; empty: the text as it was
        QString noun;         // "link", "rule"; empty for nodes
        QStringList subjects; // in order, once each
        QStringList sites;    // where nodes were
    };
    QString base;   // the change's own words
    QString prefix; // "First symptom: " when it was
    QList<Part> parts;
    QList<std::pair<QString, std::pair<int, QString>>> hops; // reason -> (count, a hop)

    void add(const Event &e)
    {
        auto list = [this](const QString &state, const QString &noun, const QString &subject,
                           const QString &site = {}) {
            auto part = std::find_if(parts.begin(), parts.end(), [&](const Part &p) {
                return p.state == state && p.noun == noun;
            });
            if (part == parts.end())
                part = parts.insert(parts.end(), Part{state, noun, {}, {}});
            if (!part->subjects.contains(subject))
                part->subjects.append(subject);
            if (!site.isEmpty() && !part->sites.contains(site))
                part->sites.append(site);
        };
        const QString state = toString(e.kind).section(u'.', 1);
        switch (e.kind) {
        case EventKind::LinkDown:
        case EventKind::LinkUp:
        case EventKind::LinkDegraded:
            list(state, QStringLiteral("link"), e.subject);
            break;
        case EventKind::SiteDown:
        case EventKind::SiteUp:
            list(state, QStringLiteral("site"), e.subject);
            break;
        case EventKind::NodeCrashed:
        case EventKind::NodeRestarted:
        case EventKind::NodeLaunched:
        case EventKind::NodeDraining:
        case EventKind::NodeTerminated:
            list(state, {}, e.node, e.site);
            break;
        case EventKind::RuleAdded:
        case EventKind::RuleRemoved:
        case EventKind::RuleCorrected:
            if (!base.contains(u"rule " + e.subject, Qt::CaseInsensitive)) // said already
                list(state, QStringLiteral("rule"), e.subject);
            break;
        case EventKind::VerdictChanged: {
            const QString hop = e.text.section(QStringLiteral(": "), 0, 0);
            const QString reason = e.text.section(QStringLiteral(": "), 1);
            for (auto &[r, seen] : hops) {
                if (r == reason) {
                    ++seen.first;
                    return;
                }
            }
            hops.append({reason, {1, hop}});
            break;
        }
        case EventKind::DnsFailover:
            list({}, {}, e.text);
            break;
        default: // alerts resolved with a node, decisions within one: said by the rest
            break;
        }
    }

    QString text() const
    {
        QStringList said;
        for (const Part &p : parts) {
            if (p.state.isEmpty()) {
                said += p.subjects;
                continue;
            }
            const QString names = p.noun.isEmpty() ? collapsedNames(p.subjects)
                                                   : p.subjects.join(QStringLiteral(", "));
            said.append(
                (p.noun.isEmpty() ? QString() : p.noun + (p.subjects.size() > 1 ? u"s " : u" ")) +
                names + u' ' + p.state +
                (p.sites.isEmpty() ? QString() : u" in " + p.sites.join(u", ")));
        }
        for (const auto &[reason, seen] : hops) {
            const QString what =
                reason.startsWith(u"reachable") ? QStringLiteral("reachable again") : reason;
            const QString one = seen.second + u": " + what;
            const QString many =
                QString::number(seen.first) + u" hops " + what + u", e.g. " + seen.second;
            said.append(seen.first == 1 ? one : many);
        }
        return prefix + base + (said.isEmpty() ? QString() : u" — " + said.join(u"; "));
    }
};

// A sign of trouble among what a change or a decision brought about.
bool isSymptom(const Event &e)
{
    switch (e.kind) {
    case EventKind::VerdictChanged:
        return e.text.contains(u"blocked") || e.text.contains(u"unknown");
    case EventKind::LinkDown:
    case EventKind::LinkDegraded:
    case EventKind::SiteDown:
    case EventKind::NodeCrashed:
    case EventKind::NodeUnhealthy:
    case EventKind::AlertFiring:
        return true;
    default:
        return false;
    }
}

} // namespace

Impact impactOf(const RecordingSummary &s)
{
    Impact i;
    std::set<QString> nodes, sites;
    for (const Outage &o : s.outages) {
        i.startMs = i.startMs < 0 ? o.startMs : std::min(i.startMs, o.startMs);
        i.endMs = std::max(i.endMs, o.endMs);
        for (const QString &cause : o.causes) {
            for (const auto &[site, node] : endsOf(cause)) {
                nodes.insert(node);
                sites.insert(site);
            }
        }
        for (const QString &where : o.surfaced) { // "lb-1 (load_balancer, dc1) 3.2 errors/s"
            nodes.insert(where.section(u' ', 0, 0));
            const QString site =
                where.section(u'(', 1).section(u')', 0, 0).section(QStringLiteral(", "), -1);
            if (!site.isEmpty())
                sites.insert(site);
        }
    }
    i.outages = int(s.outages.size());
    i.outageMs = s.outageMs();
    i.failedRequests = s.failedRequests;
    i.offeredRequests = s.offeredRequests;
    for (const auto &[state, ms] : s.timeInState) {
        if (state == u"degraded")
            i.degradedMs = ms;
    }
    // Resolved: the service ok again after its last trouble, and every backlog that was still
    // there when the impact began, or built since, drained; not when the recording ends
    // before that.
    i.resolutionKnown = true;
    bool stillWaiting = false;
    for (const Backlog &b : s.backlogs) {
        if (i.startMs < 0 || (b.drainedMs >= 0 && b.drainedMs < i.startMs))
            continue;
        if (b.drainedMs < 0)
            stillWaiting = true;
        else
            i.drainedMs = std::max(i.drainedMs, b.drainedMs);
    }
    if (stillWaiting)
        i.drainedMs = -1;
    const bool okAtEnd = s.okAgainMs >= 0; // -1: the recording ends out of ok
    if (i.startMs >= 0 && !stillWaiting && okAtEnd)
        i.resolvedMs = std::max({s.okAgainMs, i.endMs, i.drainedMs});
    i.queues = s.deliveries;
    for (const Promotion &p : s.promotions) {
        i.writesLost += p.lost;
        i.writesDivergent += p.divergent;
    }
    i.alertsLate = s.lateAlerts;
    i.alertDelayMs = s.maxAlertDelayMs;
    i.nodes = QStringList(nodes.begin(), nodes.end());
    std::sort(i.nodes.begin(), i.nodes.end(), naturalLess); // app-pool-4 before app-pool-20
    i.sites = QStringList(sites.begin(), sites.end());
    return i;
}

PostMortem proposePostMortem(const QList<Event> &events, const RecordingSummary &s,
                             const QString &id)
{
    PostMortem pm;
    pm.id = id;
    pm.title = s.title.isEmpty() ? s.name : s.title;
    pm.impact = impactOf(s);
    const Impact &impact = pm.impact;

    // The stretch of the recording the incident spans: around the outages, up to the last
    // change that followed them (a corrected rule, a failover, a fault's end, a drained backlog).
    qint64 from = impact.startMs < 0 ? s.startMs : impact.startMs - kLead;
    qint64 last = impact.endMs < 0 ? s.endMs : impact.endMs;
    for (const Event &e : events) {
        if (e.timeMs < from)
            continue;
        switch (e.kind) {
        case EventKind::RuleAdded:
        case EventKind::RuleRemoved:
        case EventKind::RuleCorrected:
        case EventKind::DnsFailover:
        case EventKind::FaultEnded:
        case EventKind::BacklogDrained:
            last = std::max(last, e.timeMs);
            break;
        default:
            break;
        }
    }
    const qint64 to = last + kTail;
    std::set<QString> failingSites; // where the hops that failed start
    for (const Outage &o : s.outages) {
        for (const QString &cause : o.causes) {
            if (const auto ends = endsOf(cause); !ends.isEmpty())
                failingSites.insert(ends.first().first);
        }
    }
    auto nearOutage = [&](qint64 t) {
        for (const Outage &o : s.outages) {
            if (t >= o.startMs - kMattered && t <= o.endMs + kMattered)
                return true;
        }
        return false;
    };

    bool sawSymptom = false;
    std::map<QString, std::pair<int, qint64>> openBurst; // key -> (entry, last time)
    // An alert entry's nodes, and how its text names them now (" on app-pool-4").
    std::map<int, std::pair<QStringList, QString>> alertNodes;
    int flapping = -1;    // the entry of a run of degraded/ok changes, -1: none open
    qint64 lastFlap = -1; // the run's last change
    int flapChanges = 0;
    int next = 1;
    // A scheduled change or a decision ("cause_id") and what it brought about at that moment
    // ("caused_by"): one entry, by the id they share.
    std::map<QString, int> causeEntry;  // id -> entry
    std::map<int, Consequences> folded; // entry -> what it brought about
    for (const Event &e : events) {
        if (e.timeMs < from || e.timeMs > to)
            continue;
        if (const auto it =
                causeEntry.find(e.details.value(QStringLiteral("caused_by")).toString());
            it != causeEntry.end()) {
            Consequences &c = folded[it->second];
            c.add(e);
            if (!sawSymptom && isSymptom(e)) { // the first sign of trouble came with it
                sawSymptom = true;
                c.prefix = QStringLiteral("First symptom: ");
                pm.timeline[it->second].marks |= int(EntryMark::Key);
            }
            pm.timeline[it->second].text = c.text();
            continue;
        }
        const QString causes = e.details.value(QStringLiteral("cause_id")).toString();
        const QString state = e.details.value(QStringLiteral("state")).toString();
        bool take = false;
        int marks = 0;
        QString text = e.text;
        switch (e.kind) {
        case EventKind::ServiceCause: // the trouble goes on, for another reason
            take = true;
            break;
        case EventKind::ServiceState:
            take = true;
            if (state == u"ok")
                text = u"Service recovered: " + e.text;
            else if (state == u"recovering")
                text = u"Requests succeed again: " + e.text;
            break;
        case EventKind::AlertFiring:
        case EventKind::RuleAdded:
        case EventKind::RuleRemoved:
        case EventKind::RuleCorrected:
        case EventKind::SiteDown:
        case EventKind::SiteUp:
        case EventKind::LinkDown:
        case EventKind::LinkUp:
        case EventKind::LinkDegraded:
        case EventKind::FaultStarted:
        case EventKind::FaultEnded:
        case EventKind::DnsFailover:
        case EventKind::ReactionFired:
        case EventKind::Promoted:
        case EventKind::MonitoringChanged:
        case EventKind::BacklogStarted:
        case EventKind::BacklogDrained:
        case EventKind::NodeCrashed:
        case EventKind::NodeRestarted:
        case EventKind::NodeUnhealthy:
            take = true;
            break;
        case EventKind::Annotation:
            // A person's note; not what a live source says of itself (a server down, a label
            // naming nothing): that is about the watching, not the incident.
            take = e.subject != u"prometheus" && e.subject != u"alertmanager";
            break;
        case EventKind::VerdictChanged:
            take = e.text.contains(u"blocked") || e.text.contains(u"unknown");
            break;
        case EventKind::NodeLaunched:
            take = failingSites.count(e.site) > 0 && nearOutage(e.timeMs);
            break;
        case EventKind::ScaleOut:
        case EventKind::ScaleIn:
            take = nearOutage(e.timeMs);
            break;
        default:
            break;
        }
        if (!take)
            continue;
        // The service going degraded and ok in turn within minutes: one moment, not a page of
        // entries (the state the header shows holds still through it).
        if (e.kind == EventKind::ServiceState && (state == u"ok" || state == u"degraded")) {
            if (flapping >= 0 && e.timeMs - lastFlap <= kFlap) {
                ++flapChanges;
                lastFlap = e.timeMs;
                TimelineEntry &entry = pm.timeline[flapping];
                entry.text = u"Service unsteady: degraded and ok in turn (" +
                             QString::number(flapChanges) + u" changes until " +
                             formatUtc(e.timeMs, QStringLiteral("HH:mm:ss")) + u"), then " + state;
                continue;
            }
            flapping = int(pm.timeline.size()); // the entry appended below
            lastFlap = e.timeMs;
            flapChanges = 1;
        } else if (e.kind == EventKind::ServiceState) {
            flapping = -1; // an outage ends a run
        }
        // The first sign of trouble, before anyone knew.
        if (!sawSymptom && e.kind != EventKind::ServiceState && e.kind != EventKind::ScaleOut &&
            e.kind != EventKind::ScaleIn && e.kind != EventKind::NodeLaunched &&
            e.kind != EventKind::FaultEnded && e.kind != EventKind::RuleCorrected) {
            sawSymptom = true;
            text = u"First symptom: " + text;
            marks |= int(EntryMark::Key);
        }
        const QString key = burstKey(e);
        if (!key.isEmpty() && marks == 0) {
            auto it = openBurst.find(key);
            if (it != openBurst.end() && e.timeMs - it->second.second <= kBurst) {
                const int index = it->second.first;
                TimelineEntry &entry = pm.timeline[index];
                if (!causes.isEmpty()) { // its consequences join the burst's entry
                    causeEntry[causes] = index;
                    if (!folded.count(index))
                        folded[index] = Consequences{entry.text, {}, {}, {}};
                }
                const auto f = folded.find(index);
                // The entry's own words (without what it brought about), counted.
                QString &words = f != folded.end() ? f->second.base : entry.text;
                const auto done = [&] {
                    if (f != folded.end())
                        entry.text = f->second.text();
                };
                ++entry.count;
                it->second.second = e.timeMs;
                const QString until =
                    e.timeMs == entry.timeMs
                        ? QString()
                        : u" until " + formatUtc(e.timeMs, QStringLiteral("HH:mm:ss"));
                if (e.kind == EventKind::VerdictChanged) { // "3 hops blocked: …, e.g. a -> b"
                    static const QString symptom = QStringLiteral("First symptom: ");
                    const bool first = words.startsWith(symptom);
                    const QString was = first ? words.mid(symptom.size()) : words;
                    const QString hop = was.contains(u", e.g. ")
                                            ? was.section(QStringLiteral(", e.g. "), 1)
                                                  .section(QStringLiteral(" ("), 0, 0)
                                            : was.section(QStringLiteral(": "), 0, 0);
                    words = (first ? symptom : QString()) + QString::number(entry.count) +
                            u" hops " + e.text.section(QStringLiteral(": "), 1) + u", e.g. " + hop +
                            (until.isEmpty() ? QString() : u" (" + until.mid(1) + u')');
                    done();
                    continue;
                }
                words = words.section(QStringLiteral(" (×"), 0, 0) + u" (×" +
                        QString::number(entry.count) + until + u')';
                if (e.kind == EventKind::AlertFiring && !e.node.isEmpty() &&
                    alertNodes.count(index)) { // "on app-pool ×9 (app-pool-4 … app-pool-15)"
                    auto &[nodes, said] = alertNodes[index];
                    if (!nodes.contains(e.node))
                        nodes.append(e.node);
                    const QString now = u" on " + collapsedNames(nodes);
                    if (nodes.size() > 1 && words.contains(said + u':')) {
                        words.replace(words.indexOf(said + u':'), said.size(), now);
                        said = now;
                    }
                }
                done();
                continue;
            }
        }
        TimelineEntry entry;
        entry.id = u'p' + QString::number(next++);
        entry.timeMs = beganAtMs(e);
        entry.text = text;
        entry.eventId = e.id;
        entry.kind = toString(e.kind);
        entry.status = TimelineEntry::Status::Proposed;
        entry.marks = marks;
        if (e.kind == EventKind::ServiceState && state == u"outage") {
            for (const Outage &o : s.outages) {
                if (o.startMs == beganAtMs(e)) { // the errors people saw, and what actually failed
                    entry.seenAt = o.surfaced.value(0);
                    entry.failedAt = o.causes.value(0);
                    entry.text = u"Outage began (" + formatDuration(o.durationMs()) + u"): " +
                                 e.text.section(QStringLiteral("; "), 0, 0);
                    if (&o == &s.outages.first())
                        entry.marks |= int(EntryMark::Key);
                }
            }
        }
        if (!key.isEmpty())
            openBurst[key] = {int(pm.timeline.size()), e.timeMs};
        if (!e.node.isEmpty() && e.kind == EventKind::AlertFiring)
            alertNodes[int(pm.timeline.size())] = {{e.node}, u" on " + e.node};
        if (!causes.isEmpty()) {
            causeEntry[causes] = int(pm.timeline.size());
            folded[int(pm.timeline.size())] = Consequences{entry.text, {}, {}, {}};
        }
        pm.timeline.append(entry);
    }
    // Watched live: no service.state to propose the outages from; the observed ones are.
    if (s.observed) {
        for (const Outage &o : s.outages) {
            TimelineEntry began;
            began.id = u'p' + QString::number(next++);
            began.timeMs = o.startMs;
            began.text = u"Outage began (" + formatDuration(o.durationMs()) + u"), observed: " +
                         o.causes.value(0, QStringLiteral("probes failing"));
            began.kind = QStringLiteral("service.state");
            began.status = TimelineEntry::Status::Proposed;
            began.seenAt = o.surfaced.value(0);
            began.failedAt = o.causes.value(0);
            if (&o == &s.outages.first())
                began.marks = int(EntryMark::Key);
            TimelineEntry over = began;
            over.id = u'p' + QString::number(next++);
            over.timeMs = o.endMs;
            over.text = QStringLiteral("Service recovered: the probes succeed again");
            over.marks = 0;
            over.seenAt.clear();
            over.failedAt.clear();
            pm.timeline.append(began);
            if (o.endMs < s.endMs)
                pm.timeline.append(over);
        }
        // The first observed outage came before what was proposed as the first symptom: the
        // outage is the first sign (Key), the later entry is not "first" any more.
        static const QString first = QStringLiteral("First symptom: ");
        for (TimelineEntry &e : pm.timeline) {
            if (e.text.startsWith(first) && !s.outages.isEmpty() &&
                s.outages.first().startMs < e.timeMs) {
                e.text = e.text.mid(first.size());
                e.marks &= ~int(EntryMark::Key);
            }
        }
        std::stable_sort(
            pm.timeline.begin(), pm.timeline.end(),
            [](const TimelineEntry &a, const TimelineEntry &b) { return a.timeMs < b.timeMs; });
    }
    return pm;
}

PostMortem withImpactOf(PostMortem pm, const RecordingSummary &summary)
{
    pm.impact = impactOf(summary);
    return pm;
}

PostMortem proposePostMortem(const Recording &recording, const QString &id)
{
    return proposePostMortem(recording.events(), summarize(recording), id);
}

} // namespace warroom
