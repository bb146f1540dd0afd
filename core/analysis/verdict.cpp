#include "verdict.h"

#include <QDebug>

namespace warroom {

QString Reason::text() const
{
    const QString where = place.line > 0 ? u" (" + place.toString() + u')' : QString();
    switch (kind) {
    case Kind::None:
        return QStringLiteral("reachable");
    case Kind::RuleDenied:
        return u"blocked by rule " + subject + where;
    case Kind::DefaultDenied:
        return u"no rule allows it and the default policy denies" + where;
    case Kind::NoRoute:
        return cut.isEmpty() ? QStringLiteral("no route (no links join the two sites)")
                             : u"no route (" + cut.join(QStringLiteral(", ")) + u')';
    case Kind::SiteDown:
        return u"site " + subject + u" is down";
    case Kind::SourceDown:
        return u"node " + subject + u" is down";
    case Kind::TargetDown:
        return u"target " + subject + u" is down";
    case Kind::NodeUnknown:
        return u"state of node " + subject + u" is unknown";
    case Kind::LinkUnknown:
        return u"state of link " + subject + u" is unknown";
    case Kind::LinkDegraded:
        return u"path crosses degraded link " + subject;
    case Kind::HighLatency:
        return u"path latency " + QString::number(latencyMs) + u" ms is over the threshold";
    case Kind::NoInstance:
        return u"no instance of role " + subject + u" exists";
    case Kind::TooFewReachable:
    case Kind::Observed:
        return subject;
    }
    return {};
}

QString toString(VerdictState state)
{
    switch (state) {
    case VerdictState::Reachable:
        return QStringLiteral("reachable");
    case VerdictState::Degraded:
        return QStringLiteral("degraded");
    case VerdictState::Unknown:
        return QStringLiteral("unknown");
    case VerdictState::Blocked:
        return QStringLiteral("blocked");
    }
    return {};
}

QString toString(Provenance provenance)
{
    switch (provenance) {
    case Provenance::Computed:
        return QStringLiteral("computed");
    case Provenance::Observed:
        return QStringLiteral("observed");
    case Provenance::Disagreeing:
        return QStringLiteral("disagreeing");
    }
    return {};
}

QString toString(Reason::Kind kind)
{
    switch (kind) {
    case Reason::Kind::None:
        return QStringLiteral("none");
    case Reason::Kind::RuleDenied:
        return QStringLiteral("rule_denied");
    case Reason::Kind::DefaultDenied:
        return QStringLiteral("default_denied");
    case Reason::Kind::NoRoute:
        return QStringLiteral("no_route");
    case Reason::Kind::SiteDown:
        return QStringLiteral("site_down");
    case Reason::Kind::SourceDown:
        return QStringLiteral("source_down");
    case Reason::Kind::TargetDown:
        return QStringLiteral("target_down");
    case Reason::Kind::NodeUnknown:
        return QStringLiteral("node_unknown");
    case Reason::Kind::LinkUnknown:
        return QStringLiteral("link_unknown");
    case Reason::Kind::LinkDegraded:
        return QStringLiteral("link_degraded");
    case Reason::Kind::HighLatency:
        return QStringLiteral("high_latency");
    case Reason::Kind::NoInstance:
        return QStringLiteral("no_instance");
    case Reason::Kind::TooFewReachable:
        return QStringLiteral("too_few_reachable");
    case Reason::Kind::Observed:
        return QStringLiteral("observed");
    }
    return {};
}

QString verdictText(VerdictState state, const Reason &reason)
{
    if (state == VerdictState::Reachable && reason.kind == Reason::Kind::None)
        return QStringLiteral("reachable");
    if (reason.kind == Reason::Kind::RuleDenied)
        return reason.text(); // "blocked by rule ..." says it already
    return toString(state) + u": " + reason.text();
}

Verdict withObservation(Verdict v, const Observation &o)
{
    v.computedState = v.state;
    v.observation = o.why;
    const bool disagree =
        o.state != VerdictState::Unknown && isBroken(o.state) != isBroken(v.state);
    v.provenance = disagree ? Provenance::Disagreeing : Provenance::Observed;
    if (int(o.state) > int(v.state)) {
        v.state = o.state;
        v.reason = Reason{Reason::Kind::Observed, o.why, {}, {}, 0.0};
    }
    return v;
}

QString provenanceText(const Verdict &v)
{
    if (v.provenance == Provenance::Computed)
        return {};
    return (v.provenance == Provenance::Disagreeing ? u"; DISAGREE: computed " : u"; computed ") +
           toString(v.computedState) + u", probe: " + v.observation;
}

bool isBroken(VerdictState state)
{
    return state == VerdictState::Blocked || state == VerdictState::Unknown;
}

QDebug operator<<(QDebug debug, const Verdict &verdict)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << toString(verdict.state) << ": " << verdict.reason.text();
    return debug;
}

} // namespace warroom
