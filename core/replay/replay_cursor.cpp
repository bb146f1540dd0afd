#include "replay_cursor.h"

#include "core/model/topology_json.h"

#include <QJsonDocument>

#include <array>

namespace warroom {

namespace {

// The events that change state between topology versions; launches, terminations and rule
// changes each come with a version of their own.
constexpr std::array kStateChanges = {EventKind::LinkDown,      EventKind::LinkUp,
                                      EventKind::LinkDegraded,  EventKind::SiteDown,
                                      EventKind::SiteUp,        EventKind::NodeCrashed,
                                      EventKind::NodeRestarted, EventKind::ProbeObserved};

bool changesState(EventKind kind)
{
    return std::find(kStateChanges.cbegin(), kStateChanges.cend(), kind) != kStateChanges.cend();
}

std::optional<Observation> observationOf(const Event &e)
{
    const QString state = e.details.value(QStringLiteral("state")).toString();
    if (state == u"reachable")
        return Observation{VerdictState::Reachable, e.text};
    if (state == u"blocked")
        return Observation{VerdictState::Blocked, e.text};
    if (state == u"unknown")
        return Observation{VerdictState::Unknown, e.text};
    return std::nullopt; // "none": no probe covers the pair any more
}

} // namespace

ReplayCursor::ReplayCursor(const Recording &recording)
    : m_recording(&recording)
    , m_versions(recording.topologyVersions())
{}

ReplayCursor::ReplayCursor(std::shared_ptr<const ReplayData> data)
    : m_data(std::move(data))
{
    for (int i = 0; i < m_data->versions.size(); ++i)
        m_versions.append({i, m_data->versions[i].timeMs, {}});
}

void ReplayCursor::grow(std::shared_ptr<const ReplayData> data)
{
    const QList<Event> &old = m_data->events;
    const qsizetype before = old.size();
    const bool appended = data->events.size() >= before &&
                          versionsExtend(data->versions, m_data->versions) &&
                          (before == 0 || data->events[before - 1].id == old[before - 1].id);
    // A state change at or before the state's time that came only now: the state is built
    // again (what only tells, an annotation or an alert, changes nothing here).
    bool late = false;
    for (qsizetype i = before; appended && m_engine && !late && i < data->events.size() &&
                               data->events[i].timeMs <= m_time;
         ++i)
        late = changesState(data->events[i].kind);
    m_data = std::move(data);
    if (!appended)
        m_versions.clear();
    for (qsizetype i = m_versions.size(); i < m_data->versions.size(); ++i)
        m_versions.append({qint64(i), m_data->versions[i].timeMs, {}});
    if (!appended || late) {
        m_engine.reset();
        m_version = -1;
        ++m_generation;
    }
}

void ReplayCursor::seek(qint64 timeMs)
{
    // The last version at or before t.
    const auto after =
        std::upper_bound(m_versions.cbegin(), m_versions.cend(), timeMs,
                         [](qint64 t, const TopologyVersion &v) { return t < v.timeMs; });
    const int version = int(after - m_versions.cbegin()) - 1;
    if (version < 0) {
        if (m_engine)
            ++m_generation;
        m_engine.reset();
        m_version = -1;
        m_time = timeMs;
        return;
    }
    if (version == m_version && m_engine && timeMs < m_time && m_data &&
        !stateChangesIn(timeMs, m_time)) {
        m_time = timeMs; // back over a stretch where nothing changed: the state holds
        return;
    }
    if (version != m_version || timeMs < m_time || !m_engine) {
        load(version);
        // Events at the version's own time may have come after its snapshot: applying a
        // state again is harmless, so take them all.
        applyEvents(m_versions[version].timeMs, timeMs, true);
    } else {
        applyEvents(m_time, timeMs, false);
    }
    m_time = timeMs;
}

bool ReplayCursor::stateChangesIn(qint64 afterMs, qint64 uptoMs) const
{
    const QList<Event> &events = m_data->events;
    auto it = std::upper_bound(events.cbegin(), events.cend(), afterMs,
                               [](qint64 t, const Event &e) { return t < e.timeMs; });
    for (; it != events.cend() && it->timeMs <= uptoMs; ++it) {
        if (changesState(it->kind))
            return true;
    }
    return false;
}

void ReplayCursor::load(int version)
{
    Topology topology =
        m_data ? m_data->topology(version)
               : topologyFromJson(
                     QJsonDocument::fromJson(m_recording->topologyJson(m_versions[version].id))
                         .object());
    // A version lists the nodes that run at its time, whatever their start.
    m_engine = std::make_unique<ReachabilityEngine>(std::move(topology),
                                                    std::numeric_limits<qint64>::max());
    m_version = version;
    ++m_generation;
    // Probes report changes only: what they saw before this version still holds.
    const qint64 versionMs = m_versions[version].timeMs;
    if (m_data) {
        for (const Event &e : m_data->observations) {
            if (e.timeMs >= versionMs)
                break;
            apply(e);
        }
    } else {
        EventFilter probes = EventFilter::ofKinds({EventKind::ProbeObserved});
        probes.toMs = versionMs;
        for (const Event &e : m_recording->events(probes))
            apply(e);
    }
}

void ReplayCursor::applyEvents(qint64 afterMs, qint64 uptoMs, bool inclusiveStart)
{
    const qint64 fromMs = inclusiveStart ? afterMs : afterMs + 1;
    const qint64 toMs = uptoMs + 1; // exclusive
    if (fromMs >= toMs)
        return;
    if (m_recording) {
        EventFilter filter;
        for (EventKind kind : kStateChanges)
            filter.kinds.append(toString(kind));
        filter.fromMs = fromMs;
        filter.toMs = toMs;
        for (const Event &e : m_recording->events(filter))
            apply(e);
        return;
    }
    const QList<Event> &events = m_data->events;
    auto it = std::lower_bound(events.cbegin(), events.cend(), fromMs,
                               [](const Event &e, qint64 t) { return e.timeMs < t; });
    for (; it != events.cend() && it->timeMs < toMs; ++it) {
        if (changesState(it->kind))
            apply(*it);
    }
}

void ReplayCursor::apply(const Event &e)
{
    ++m_generation;
    const Topology &t = m_engine->topology();
    switch (e.kind) {
    case EventKind::LinkDown:
    case EventKind::LinkUp:
    case EventKind::LinkDegraded:
        if (const int link = t.linkIndex(e.subject); link >= 0)
            m_engine->setLinkState(
                link,
                e.kind == EventKind::LinkDown
                    ? ElementState::Down
                    : (e.kind == EventKind::LinkUp ? ElementState::Up : ElementState::Degraded));
        break;
    case EventKind::SiteDown:
    case EventKind::SiteUp:
        if (const int site = t.siteIndex(e.subject); site >= 0)
            m_engine->setSiteState(site, e.kind == EventKind::SiteDown ? ElementState::Down
                                                                       : ElementState::Up);
        break;
    case EventKind::NodeCrashed:
    case EventKind::NodeRestarted:
        if (const int node = t.nodeIndex(e.node); node >= 0)
            m_engine->setNodeState(node, e.kind == EventKind::NodeCrashed ? ElementState::Down
                                                                          : ElementState::Up);
        break;
    case EventKind::ProbeObserved: {
        const int from = t.siteIndex(e.site);
        const int to = t.siteIndex(e.subject);
        // A probe of one node (and port) covers only its hops; a node the topology does
        // not have (any more) covers none.
        ObservationScope scope;
        scope.port = e.details.value(QStringLiteral("port")).toInt();
        if (!e.node.isEmpty())
            scope.node = t.nodeIndex(e.node);
        if (from >= 0 && to >= 0 && (e.node.isEmpty() || scope.node >= 0))
            m_engine->setObservation(from, to, scope, observationOf(e));
        break;
    }
    default:
        break;
    }
}

} // namespace warroom
