#include "postmortem.h"

#include <QRandomGenerator>

#include "core/analysis/analysis.h"
#include "core/util/json_ms.h"

#include <QRegularExpression>

#include <QJsonArray>

#include <cmath>

#include <array>

namespace warroom {

namespace {

constexpr std::array<std::pair<EntryMark, const char16_t *>, 4> kMarks = {{
    {EntryMark::Detection, u"detection"},
    {EntryMark::Diagnosis, u"diagnosis"},
    {EntryMark::Repair, u"repair"},
    {EntryMark::Key, u"key"},
}};

constexpr std::array<const char16_t *, 3> kStatuses = {u"proposed", u"accepted", u"dismissed"};

// The text fields of a post-mortem, by their JSON names (one list for writing and reading).
std::array<std::pair<const char16_t *, QString PostMortem::*>, 14> textFields()
{
    return {{
        {u"id", &PostMortem::id},
        {u"title", &PostMortem::title},
        {u"incident_id", &PostMortem::incidentId},
        {u"severity", &PostMortem::severity},
        {u"status", &PostMortem::status},
        {u"summary", &PostMortem::summary},
        {u"detection", &PostMortem::detection},
        {u"root_cause", &PostMortem::rootCause},
        {u"trigger", &PostMortem::trigger},
        {u"contributing_factors", &PostMortem::contributingFactors},
        {u"resolution", &PostMortem::resolution},
        {u"went_well", &PostMortem::wentWell},
        {u"went_wrong", &PostMortem::wentWrong},
        {u"got_lucky", &PostMortem::gotLucky},
    }};
}

QJsonValue time(qint64 ms)
{
    return ms < 0 ? QJsonValue() : QJsonValue(ms);
}

qint64 timeFrom(const QJsonValue &v)
{
    return jsonMs(v, -1); // missing or absurd: no time
}

QJsonObject impactJson(const Impact &i)
{
    QJsonObject o{{QStringLiteral("start_ms"), time(i.startMs)},
                  {QStringLiteral("end_ms"), time(i.endMs)},
                  {QStringLiteral("outage_ms"), i.outageMs},
                  {QStringLiteral("outages"), i.outages},
                  {QStringLiteral("failed_requests"), i.failedRequests},
                  {QStringLiteral("offered_requests"), i.offeredRequests},
                  {QStringLiteral("queues"),
                   [&i] {
                       QJsonArray queues;
                       for (const Deliveries &q : i.queues)
                           queues.append(
                               QJsonObject{{QStringLiteral("id"), q.queue},
                                           {QStringLiteral("target_ms"), q.targetMs},
                                           {QStringLiteral("delivered"), q.delivered},
                                           {QStringLiteral("late"), q.late},
                                           {QStringLiteral("slowest_ms"), q.maxLatencyMs},
                                           {QStringLiteral("undelivered"), q.waitingAtEnd}});
                       return queues;
                   }()},
                  {QStringLiteral("degraded_ms"), i.degradedMs},
                  {QStringLiteral("drained_ms"), time(i.drainedMs)},
                  {QStringLiteral("nodes"), QJsonArray::fromStringList(i.nodes)},
                  {QStringLiteral("sites"), QJsonArray::fromStringList(i.sites)}};
    if (i.resolutionKnown) // post-mortems from before it was computed say nothing of it
        o.insert(QStringLiteral("resolved_ms"), time(i.resolvedMs));
    if (i.writesLost > 0 || i.writesDivergent > 0) { // only where there is replication
        o.insert(QStringLiteral("writes_lost"), i.writesLost);
        o.insert(QStringLiteral("writes_divergent"), i.writesDivergent);
    }
    if (i.alertsLate > 0) {
        o.insert(QStringLiteral("alerts_late"), i.alertsLate);
        o.insert(QStringLiteral("alert_delay_ms"), i.alertDelayMs);
    }
    return o;
}

Impact impactFrom(const QJsonObject &o)
{
    Impact i;
    i.startMs = timeFrom(o.value(QStringLiteral("start_ms")));
    i.endMs = timeFrom(o.value(QStringLiteral("end_ms")));
    i.outageMs = jsonMs(o.value(QStringLiteral("outage_ms")));
    i.outages = o.value(QStringLiteral("outages")).toInt();
    i.failedRequests = o.value(QStringLiteral("failed_requests")).toDouble();
    i.offeredRequests = o.value(QStringLiteral("offered_requests")).toDouble();
    for (const QJsonValue &v : o.value(QStringLiteral("queues")).toArray()) {
        const QJsonObject q = v.toObject();
        i.queues.append({q.value(QStringLiteral("id")).toString(),
                         jsonMs(q.value(QStringLiteral("target_ms"))),
                         q.value(QStringLiteral("delivered")).toDouble(),
                         q.value(QStringLiteral("late")).toDouble(),
                         q.value(QStringLiteral("slowest_ms")).toDouble(),
                         q.value(QStringLiteral("undelivered")).toDouble()});
    }
    i.degradedMs = jsonMs(o.value(QStringLiteral("degraded_ms")));
    i.drainedMs = timeFrom(o.value(QStringLiteral("drained_ms")));
    i.resolvedMs = timeFrom(o.value(QStringLiteral("resolved_ms")));
    i.resolutionKnown = o.contains(QStringLiteral("resolved_ms"));
    // Written before queues had their own figures: all of them as one.
    if (i.queues.isEmpty() && o.value(QStringLiteral("late_target_ms")).toDouble() > 0)
        i.queues.append({QStringLiteral("queue"), jsonMs(o.value(QStringLiteral("late_target_ms"))),
                         0.0, o.value(QStringLiteral("late_notifications")).toDouble(), 0.0, 0.0});
    for (const QJsonValue &v : o.value(QStringLiteral("nodes")).toArray())
        i.nodes.append(v.toString());
    for (const QJsonValue &v : o.value(QStringLiteral("sites")).toArray())
        i.sites.append(v.toString());
    i.writesLost = o.value(QStringLiteral("writes_lost")).toDouble();
    i.writesDivergent = o.value(QStringLiteral("writes_divergent")).toDouble();
    i.alertsLate = o.value(QStringLiteral("alerts_late")).toInt();
    i.alertDelayMs = jsonMs(o.value(QStringLiteral("alert_delay_ms")));
    return i;
}

QJsonArray marksJson(int marks)
{
    QJsonArray out;
    for (const auto &[mark, name] : kMarks) {
        if (marks & int(mark))
            out.append(QString::fromUtf16(name));
    }
    return out;
}

} // namespace

int PostMortem::entryIndex(const QString &entryId) const
{
    for (int i = 0; i < timeline.size(); ++i) {
        if (timeline[i].id == entryId)
            return i;
    }
    return -1;
}

QString PostMortem::newEntryId() const
{
    const QString desk = QString::number(QRandomGenerator::global()->bounded(0x10000), 16);
    int n = 1;
    while (entryIndex(u"u" + QString::number(n) + u'-' + desk) >= 0)
        ++n;
    return u"u" + QString::number(n) + u'-' + desk;
}

QString newActionId()
{
    return u"a-" + QString::number(QRandomGenerator::global()->generate(), 16);
}

IncidentMetrics metricsOf(const PostMortem &pm)
{
    IncidentMetrics m;
    m.startMs = pm.impact.startMs;
    auto first = [&](EntryMark mark) {
        qint64 at = -1;
        for (const TimelineEntry &e : pm.timeline) {
            if (e.status == TimelineEntry::Status::Accepted && e.has(mark) &&
                (at < 0 || e.timeMs < at))
                at = e.timeMs;
        }
        return at;
    };
    if (m.startMs < 0) { // no outage recorded: the first accepted entry starts it
        for (const TimelineEntry &e : pm.timeline) {
            if (e.status == TimelineEntry::Status::Accepted &&
                (m.startMs < 0 || e.timeMs < m.startMs))
                m.startMs = e.timeMs;
        }
    }
    m.detectedMs = first(EntryMark::Detection);
    m.diagnosedMs = first(EntryMark::Diagnosis);
    m.mitigatedMs = first(EntryMark::Repair);
    qint64 lastRepair = -1;
    for (const TimelineEntry &e : pm.timeline) {
        if (e.status == TimelineEntry::Status::Accepted && e.has(EntryMark::Repair))
            lastRepair = std::max(lastRepair, e.timeMs);
    }
    // Resolved when the service is ok again and every backlog drained, not when the outage ends;
    // not at all when the recording ends before that.
    m.resolvedMs = std::max({lastRepair, pm.impact.endMs, pm.impact.resolvedMs});
    if (pm.impact.resolutionKnown && pm.impact.startMs >= 0 && pm.impact.resolvedMs < 0)
        m.resolvedMs = -1;
    if (m.resolvedMs < 0)
        m.resolvedMs = -1;
    return m;
}

QString toString(TimelineEntry::Status status)
{
    return QString::fromUtf16(kStatuses[size_t(status)]);
}

QString markNames(int marks)
{
    QStringList out;
    if (marks & int(EntryMark::Detection))
        out.append(QStringLiteral("Detection"));
    if (marks & int(EntryMark::Diagnosis))
        out.append(QStringLiteral("Diagnosis"));
    if (marks & int(EntryMark::Repair))
        out.append(QStringLiteral("Repair"));
    if (marks & int(EntryMark::Key))
        out.append(QStringLiteral("Key moment"));
    return out.join(QStringLiteral(", "));
}

QJsonObject toJson(const PostMortem &pm)
{
    QJsonObject o{{QStringLiteral("format"), QStringLiteral("warroom-postmortem")},
                  {QStringLiteral("version"), 1}};
    for (const auto &[name, field] : textFields())
        o.insert(QString::fromUtf16(name), pm.*field);
    o.insert(QStringLiteral("supporting_material"), pm.supporting);
    o.insert(QStringLiteral("authors"), QJsonArray::fromStringList(pm.authors));
    o.insert(QStringLiteral("impact"), impactJson(pm.impact));
    QJsonArray timeline;
    for (const TimelineEntry &e : pm.timeline) {
        QJsonObject entry{{QStringLiteral("id"), e.id},
                          {QStringLiteral("time_ms"), e.timeMs},
                          {QStringLiteral("text"), e.text},
                          {QStringLiteral("event_id"), time(e.eventId)},
                          {QStringLiteral("kind"), e.kind},
                          {QStringLiteral("count"), e.count},
                          {QStringLiteral("status"), toString(e.status)},
                          {QStringLiteral("starred"), e.starred},
                          {QStringLiteral("marks"), marksJson(e.marks)}};
        if (!e.seenAt.isEmpty() || !e.failedAt.isEmpty()) {
            entry.insert(QStringLiteral("seen_at"), e.seenAt);
            entry.insert(QStringLiteral("failed_at"), e.failedAt);
        }
        if (!e.snapshotPng.isEmpty()) {
            entry.insert(QStringLiteral("snapshot_png"),
                         QString::fromLatin1(e.snapshotPng.toBase64()));
            entry.insert(QStringLiteral("snapshot_caption"), e.snapshotCaption);
        }
        timeline.append(entry);
    }
    o.insert(QStringLiteral("timeline"), timeline);
    QJsonArray actions;
    for (const ActionItem &a : pm.actions)
        actions.append(QJsonObject{
            {QStringLiteral("id"), a.id},
            {QStringLiteral("what"), a.what},
            {QStringLiteral("owner"), a.owner},
            {QStringLiteral("due"), a.due.isValid() ? QJsonValue(a.due.toString(Qt::ISODate))
                                    : !a.dueAsWritten.isEmpty() ? QJsonValue(a.dueAsWritten)
                                                                : QJsonValue()},
            {QStringLiteral("priority"), a.priority},
            {QStringLiteral("status"), a.status},
            {QStringLiteral("ticket"), a.ticket},
            {QStringLiteral("what_if"), a.whatIf},
            {QStringLiteral("simulated"),
             a.simulatedWhatIf.isEmpty()
                 ? QJsonValue()
                 : QJsonObject{{QStringLiteral("what_if"), a.simulatedWhatIf},
                               {QStringLiteral("rows"), comparisonRowsJson(a.effect)}}}});
    o.insert(QStringLiteral("action_items"), actions);
    if (!pm.revisions.isEmpty())
        o.insert(QStringLiteral("revisions"), pm.revisions);
    if (!pm.conflicts.isEmpty())
        o.insert(QStringLiteral("conflicts"), pm.conflicts);
    return o;
}

Result<PostMortem> postMortemFromJson(const QJsonObject &o, const QString &source)
{
    ErrorList errors;
    auto fail = [&](const QString &what) { errors.append(Error{source + u": " + what, {}, 0, 0}); };
    if (o.value(QStringLiteral("format")).toString() != u"warroom-postmortem")
        fail(QStringLiteral("not a Warroom post-mortem (no \"format\": \"warroom-postmortem\")"));
    else if (o.value(QStringLiteral("version")).toInt() > 1)
        fail(QStringLiteral("written by a newer Warroom (version ") +
             QString::number(o.value(QStringLiteral("version")).toInt()) + u')');
    if (!errors.isEmpty())
        return errors;
    PostMortem pm;
    for (const auto &[name, field] : textFields()) {
        const QJsonValue v = o.value(QString::fromUtf16(name));
        if (!v.isUndefined() && !v.isString())
            fail(u'"' + QString::fromUtf16(name) + u"\" must be a string");
        pm.*field = v.toString();
    }
    if (pm.id.isEmpty())
        fail(QStringLiteral("\"id\" is missing"));
    pm.supporting = o.value(QStringLiteral("supporting_material")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("authors")).toArray())
        pm.authors.append(v.toString());
    pm.impact = impactFrom(o.value(QStringLiteral("impact")).toObject());
    const QJsonArray timeline = o.value(QStringLiteral("timeline")).toArray();
    for (int i = 0; i < timeline.size(); ++i) {
        const QJsonObject e = timeline[i].toObject();
        const QString where = u"timeline entry " + QString::number(i + 1);
        TimelineEntry entry;
        entry.id = e.value(QStringLiteral("id")).toString();
        if (entry.id.isEmpty() || pm.entryIndex(entry.id) >= 0)
            fail(where + u": \"id\" is missing or not unique");
        if (!e.value(QStringLiteral("time_ms")).isDouble())
            fail(where + u": \"time_ms\" must be a number (milliseconds since the epoch)");
        entry.timeMs = timeFrom(e.value(QStringLiteral("time_ms")));
        entry.text = e.value(QStringLiteral("text")).toString();
        entry.eventId = timeFrom(e.value(QStringLiteral("event_id")));
        entry.kind = e.value(QStringLiteral("kind")).toString();
        entry.count = std::max(1, e.value(QStringLiteral("count")).toInt(1));
        const QString status = e.value(QStringLiteral("status")).toString();
        const auto known = std::find(kStatuses.begin(), kStatuses.end(), status);
        if (known == kStatuses.end())
            fail(where + u": \"status\" must be proposed, accepted or dismissed, not \"" + status +
                 u'"');
        else
            entry.status = TimelineEntry::Status(known - kStatuses.begin());
        entry.starred = e.value(QStringLiteral("starred")).toBool();
        for (const QJsonValue &m : e.value(QStringLiteral("marks")).toArray()) {
            bool found = false;
            for (const auto &[mark, name] : kMarks) {
                if (m.toString() == QString::fromUtf16(name)) {
                    entry.marks |= int(mark);
                    found = true;
                }
            }
            if (!found)
                fail(where + u": unknown mark \"" + m.toString() +
                     u"\" (detection, diagnosis, repair, key)");
        }
        entry.seenAt = e.value(QStringLiteral("seen_at")).toString();
        entry.failedAt = e.value(QStringLiteral("failed_at")).toString();
        entry.snapshotPng =
            QByteArray::fromBase64(e.value(QStringLiteral("snapshot_png")).toString().toLatin1());
        entry.snapshotCaption = e.value(QStringLiteral("snapshot_caption")).toString();
        pm.timeline.append(entry);
    }
    const QJsonArray actions = o.value(QStringLiteral("action_items")).toArray();
    for (int i = 0; i < actions.size(); ++i) {
        // Each field as the editor takes it: a wrong one is an error with its place.
        const QJsonObject a = actions[i].toObject();
        const QString where = u"action item " + QString::number(i + 1) + u": ";
        ActionItem item;
        item.id = a.value(QStringLiteral("id")).toString();
        if (item.id.isEmpty() || std::any_of(pm.actions.cbegin(), pm.actions.cend(),
                                             [&](const ActionItem &b) { return b.id == item.id; }))
            item.id = u"a" + QString::number(i + 1); // written before ids: by position
        const std::pair<ActionField, const char16_t *> fields[] = {
            {ActionField::What, u"what"},     {ActionField::Owner, u"owner"},
            {ActionField::Due, u"due"},       {ActionField::Priority, u"priority"},
            {ActionField::Status, u"status"}, {ActionField::Ticket, u"ticket"},
            {ActionField::WhatIf, u"what_if"}};
        if (!actions[i].isObject()) {
            fail(where + u"not an object");
            continue;
        }
        for (const auto &[field, name] : fields) {
            const QJsonValue v = a.value(QString::fromUtf16(name));
            if ((v.isUndefined() || v.isNull()) && field != ActionField::What)
                continue; // the default
            if (!v.isString() && !v.isUndefined() && !v.isNull()) {
                fail(where + u'"' + QString::fromUtf16(name) + u"\" must be a string");
                continue;
            }
            // A value the editor would refuse is kept as it was (written by an older Warroom,
            // or by hand) and said, with its place: nothing is lost, nothing is silent.
            if (const QString why = setActionField(item, field, v.toString()); !why.isEmpty()) {
                pm.readProblems.append(source + u": " + where + why);
                switch (field) {
                case ActionField::What:
                    item.what = v.toString();
                    break;
                case ActionField::Due:
                    item.dueAsWritten = v.toString(); // not a date: kept as written
                    break;
                case ActionField::Priority:
                    item.priority = v.toString();
                    break;
                case ActionField::Status:
                    item.status = v.toString();
                    break;
                case ActionField::Ticket:
                    item.ticket = v.toString();
                    break;
                case ActionField::WhatIf:
                    item.whatIf = v.toString();
                    break;
                case ActionField::Owner: // takes anything
                    break;
                }
            }
        }
        if (const QJsonValue simulated = a.value(QStringLiteral("simulated"));
            !simulated.isUndefined() && !simulated.isNull()) {
            const QJsonObject s = simulated.toObject();
            if (!simulated.isObject() || !s.value(QStringLiteral("what_if")).isString() ||
                !s.value(QStringLiteral("rows")).isArray()) {
                fail(where + u"\"simulated\" must be an object with \"what_if\" and \"rows\"");
            } else {
                // Rows as compare writes them; others are not a result to state: said, and the
                // item is "not simulated yet" (simulating it again writes them right).
                bool rowsOk = true;
                for (const QJsonValue &row : s.value(QStringLiteral("rows")).toArray()) {
                    const QJsonObject r = row.toObject();
                    for (const char *key : {"what", "a", "b", "difference"})
                        rowsOk = rowsOk && r.value(QLatin1StringView(key)).isString();
                    rowsOk = rowsOk && r.value(QStringLiteral("a_value")).isDouble() &&
                             r.value(QStringLiteral("b_value")).isDouble();
                }
                if (!rowsOk) {
                    pm.readProblems.append(source + u": " + where +
                                           u"its simulated effect is not rows as compare writes "
                                           u"them (what, a, b, difference, a_value, b_value): "
                                           u"left out, simulate it again");
                } else {
                    item.simulatedWhatIf = s.value(QStringLiteral("what_if")).toString();
                    item.effect = comparisonRowsFrom(s.value(QStringLiteral("rows")).toArray());
                }
            }
        }
        pm.actions.append(item);
    }
    pm.revisions = o.value(QStringLiteral("revisions")).toObject();
    pm.conflicts = o.value(QStringLiteral("conflicts")).toArray();
    if (!errors.isEmpty())
        return errors;
    return pm;
}

const QStringList &actionPriorities()
{
    static const QStringList all = {QStringLiteral("P0"), QStringLiteral("P1"),
                                    QStringLiteral("P2"), QStringLiteral("P3")};
    return all;
}

const QStringList &actionStatuses()
{
    static const QStringList all = {QStringLiteral("open"), QStringLiteral("in progress"),
                                    QStringLiteral("blocked"), QStringLiteral("done"),
                                    QStringLiteral("won't do")};
    return all;
}

namespace {

QString oneOf(const QStringList &choices)
{
    return choices.mid(0, choices.size() - 1).join(u", ") + u" or " + choices.last();
}

} // namespace

QString actionFieldError(ActionField field, const QString &text)
{
    switch (field) {
    case ActionField::What:
        return text.trimmed().isEmpty() ? QStringLiteral("an action item says what to do")
                                        : QString();
    case ActionField::Owner:
        return {};
    case ActionField::Due:
        if (text.trimmed().isEmpty() || QDate::fromString(text.trimmed(), Qt::ISODate).isValid())
            return {};
        return u"due must be a date as YYYY-MM-DD (2026-12-31), not \"" + text.trimmed() + u'"';
    case ActionField::Priority:
        return actionPriorities().contains(text.trimmed())
                   ? QString()
                   : u"priority must be " + oneOf(actionPriorities()) + u", not \"" +
                         text.trimmed() + u'"';
    case ActionField::Status:
        return actionStatuses().contains(text.trimmed())
                   ? QString()
                   : u"status must be " + oneOf(actionStatuses()) + u", not \"" + text.trimmed() +
                         u'"';
    case ActionField::Ticket:
        return text.trimmed().contains(QRegularExpression(QStringLiteral("\\s")))
                   ? u"a ticket is a link or an id without spaces, not \"" + text.trimmed() + u'"'
                   : QString();
    case ActionField::WhatIf:
        if (text.trimmed().isEmpty() || whatIfIsScenarioFile(text))
            return {};
        for (const QString &change : whatIfChanges(text)) {
            if (const Result<WhatIf> parsed = parseWhatIf(change); !parsed)
                return u"a what-if is a scenario file (.yaml) or changes as --what-if takes "
                       u"them: " +
                       parsed.errors().first().message;
        }
        return {};
    }
    return {};
}

QString alikeKey(const TimelineEntry &entry)
{
    static const QRegularExpression parentheses(QStringLiteral("\\([^()]*\\)"));
    static const QRegularExpression digits(QStringLiteral("[0-9]+([.,][0-9]+)*"));
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    QString text = entry.text;
    text.remove(parentheses)
        .replace(digits, QStringLiteral("#"))
        .replace(spaces, QStringLiteral(" "));
    return entry.kind + u'|' + text.trimmed();
}

QString effectLine(const ActionItem &item)
{
    if (item.whatIf.trimmed().isEmpty())
        return {};
    if (!item.simulated())
        return u"what-if " + item.whatIf + u": not simulated yet";
    return u"simulated with " + item.whatIf + u": " + effectText(item.effect);
}

bool whatIfIsScenarioFile(const QString &whatIf)
{
    static const QRegularExpression file(QStringLiteral("^\\S+\\.(ya?ml|json)$"),
                                         QRegularExpression::CaseInsensitiveOption);
    return file.match(whatIf.trimmed()).hasMatch();
}

QStringList whatIfChanges(const QString &whatIf)
{
    if (whatIfIsScenarioFile(whatIf))
        return {};
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    return whatIf.trimmed().split(separators, Qt::SkipEmptyParts);
}

QString setActionField(ActionItem &item, ActionField field, const QString &text)
{
    if (QString why = actionFieldError(field, text); !why.isEmpty())
        return why;
    const QString value = text.trimmed();
    switch (field) {
    case ActionField::What:
        item.what = value;
        break;
    case ActionField::Owner:
        item.owner = value;
        break;
    case ActionField::Due:
        item.due = QDate::fromString(value, Qt::ISODate);
        item.dueAsWritten.clear();
        break;
    case ActionField::Priority:
        item.priority = value;
        break;
    case ActionField::Status:
        item.status = value;
        break;
    case ActionField::Ticket:
        item.ticket = value;
        break;
    case ActionField::WhatIf:
        item.whatIf = value;
        break;
    }
    return {};
}

} // namespace warroom
