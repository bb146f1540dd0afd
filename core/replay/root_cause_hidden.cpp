#include "root_cause_hidden.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace warroom {

namespace {

// Whole ids only: "dc3-egress" but not inside "dc3-egress-2" or "xdc3-egress".
class Hider
{
public:
    void add(const QString &id)
    {
        if (id.isEmpty() || m_names.contains(id))
            return;
        m_names.insert(id, u"hidden-" + QString::number(m_names.size() + 1));
        m_order.append(id);
    }
    bool empty() const { return m_names.isEmpty(); }
    const QStringList &names() const { return m_order; } // in order of appearance
    void compile()
    {
        QStringList escaped;
        // Longest first, so that a name inside another is not taken for it.
        QStringList ids = m_order;
        std::sort(ids.begin(), ids.end(),
                  [](const QString &a, const QString &b) { return a.size() > b.size(); });
        for (const QString &id : ids)
            escaped.append(QRegularExpression::escape(id));
        m_pattern.setPattern(u"(?<![\\w.-])(" + escaped.join(u'|') + u")(?![\\w-])");
    }
    QString hide(QString text) const
    {
        if (text.isEmpty())
            return text;
        static const QRegularExpression place(
            QStringLiteral(R"( ?\([^()\s]+\.(ya?ml|json):\d+\))"));
        text.remove(place);
        QString out;
        qsizetype from = 0;
        for (auto it = m_pattern.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            out += QStringView(text).mid(from, m.capturedStart() - from);
            out += m_names.value(m.captured(1));
            from = m.capturedEnd();
        }
        return out + QStringView(text).mid(from);
    }
    QJsonValue hide(const QJsonValue &v) const
    {
        if (v.isString())
            return hide(v.toString());
        if (v.isArray()) {
            QJsonArray a;
            for (const QJsonValue &item : v.toArray())
                a.append(hide(item));
            return a;
        }
        if (v.isObject()) {
            QJsonObject o = v.toObject();
            o.remove(QStringLiteral("line")); // a rule's line in its file
            for (auto it = o.begin(); it != o.end(); ++it)
                it.value() = hide(it.value());
            return o;
        }
        return v;
    }

private:
    QHash<QString, QString> m_names;
    QStringList m_order;
    QRegularExpression m_pattern;
};

} // namespace

bool rootCauseHidden(const ReplayData &data)
{
    if (!data.drillHidesRootCause)
        return false;
    return std::none_of(data.events.cbegin(), data.events.cend(), [](const Event &e) {
        return e.kind == EventKind::Annotation && e.subject == u"drill.reveal";
    });
}

namespace {

bool isRuleEvent(const Event &e)
{
    return e.kind == EventKind::RuleAdded || e.kind == EventKind::RuleRemoved ||
           e.kind == EventKind::RuleCorrected;
}

// A version's topology with its rules renamed, undescribed and without their places.
QByteArray hiddenTopology(const QByteArray &json, const Hider &hider)
{
    if (json.isEmpty())
        return {}; // damaged: still nothing, and said so as for everyone
    QJsonObject o = QJsonDocument::fromJson(json).object();
    QJsonArray rules;
    for (const QJsonValue &rule : o.value(QStringLiteral("rules")).toArray()) {
        QJsonObject r = rule.toObject();
        r.insert(QStringLiteral("id"), hider.hide(r.value(QStringLiteral("id")).toString()));
        r.insert(QStringLiteral("description"), QString());
        r.remove(QStringLiteral("place"));
        rules.append(r);
    }
    o.insert(QStringLiteral("rules"), rules);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

std::shared_ptr<const ReplayData>
withRootCauseHidden(std::shared_ptr<const ReplayData> data,
                    const std::shared_ptr<const ReplayData> &before)
{
    if (data->unhidden)
        data = data->unhidden;
    if (before && before->unhidden == data)
        return before; // nothing came
    // A live refresh: what `before` hid of the same recording stands when the recording only
    // grew and brought no new rule; only what came is hidden then.
    const ReplayData *earlier = before ? before->unhidden.get() : nullptr;
    const bool grew = earlier && earlier->path == data->path &&
                      versionsExtend(data->versions, earlier->versions) &&
                      earlier->events.size() <= data->events.size() &&
                      (earlier->events.isEmpty() ||
                       data->events[earlier->events.size() - 1].id == earlier->events.last().id);
    const qsizetype newVersions = grew ? earlier->versions.size() : 0;
    const qsizetype newEvents = grew ? earlier->events.size() : 0;
    Hider hider;
    if (grew) {
        for (const QString &id : before->hiddenRules)
            hider.add(id);
    }
    for (qsizetype v = newVersions; v < data->versions.size(); ++v) {
        const QJsonObject o = QJsonDocument::fromJson(data->versions[v].json).object();
        for (const QJsonValue &rule : o.value(QStringLiteral("rules")).toArray())
            hider.add(rule.toObject().value(QStringLiteral("id")).toString());
    }
    for (qsizetype i = newEvents; i < data->events.size(); ++i) {
        if (isRuleEvent(data->events[i]))
            hider.add(data->events[i].subject);
    }
    if (hider.empty())
        return data;
    hider.compile();
    const bool incremental = grew && hider.names() == before->hiddenRules;
    auto hidden = std::make_shared<ReplayData>(*data);
    hidden->unhidden = data;
    hidden->hiddenRules = hider.names();
    const qsizetype fromVersion = incremental ? newVersions : 0;
    const qsizetype fromEvent = incremental ? newEvents : 0;
    if (incremental) {
        hidden->versions = before->versions.mid(0, newVersions);
        hidden->events = before->events;
        hidden->first = before->first;
    } else {
        hidden->versions.clear();
        hidden->events.clear();
    }
    for (qsizetype v = fromVersion; v < data->versions.size(); ++v)
        hidden->versions.append({data->versions[v].timeMs,
                                 hiddenTopology(data->versions[v].json, hider),
                                 data->versions[v].id});
    if (!incremental && !hidden->versions.isEmpty())
        hidden->first = hidden->topology(0);

    // The instructor's own doing is not a symptom: the trainees look for it. (Its rules are
    // new names, so a refresh that brings one hides everything anew.)
    QSet<QString> injectedRules;
    for (const Event &e : data->events) {
        if (e.kind == EventKind::FaultStarted &&
            e.details.contains(QStringLiteral("injected_by")) &&
            e.details.value(QStringLiteral("change")).toString().startsWith(u"rule_"))
            injectedRules.insert(e.details.value(QStringLiteral("target")).toString());
    }
    auto hide = [&](Event e) {
        e.subject = hider.hide(e.subject);
        e.text = hider.hide(e.text);
        e.details = hider.hide(e.details).toObject();
        return e;
    };
    for (qsizetype i = fromEvent; i < data->events.size(); ++i) {
        const Event &e = data->events[i];
        const bool fault = e.kind == EventKind::FaultStarted || e.kind == EventKind::FaultEnded;
        if ((fault && e.details.contains(QStringLiteral("injected_by"))) ||
            (isRuleEvent(e) && injectedRules.contains(e.subject)))
            continue;
        hidden->events.append(hide(e));
    }
    for (QList<Event> *list : {&hidden->lifeEvents, &hidden->observations, &hidden->stateEvents}) {
        for (Event &e : *list)
            e = hide(std::move(e));
    }
    for (Outage &o : hidden->summary.outages) {
        for (QStringList *list : {&o.causes, &o.rules}) {
            for (QString &s : *list)
                s = hider.hide(s);
        }
    }
    for (PostMortem &pm : hidden->postMortems) {
        pm.rootCause = hider.hide(pm.rootCause);
        pm.trigger = hider.hide(pm.trigger);
        for (TimelineEntry &entry : pm.timeline) {
            entry.text = hider.hide(entry.text);
            entry.failedAt = hider.hide(entry.failedAt);
        }
    }
    return hidden;
}

} // namespace warroom
