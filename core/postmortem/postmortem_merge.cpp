#include "postmortem_merge.h"

#include <QJsonArray>
#include <QMap>

#include <algorithm>

namespace warroom {

namespace {

QString &author()
{
    static QString name = qEnvironmentVariable("USER", QStringLiteral("someone"));
    return name;
}

// Keys of the document that are not parts: they say what the document is, or are the
// bookkeeping of the parts.
bool isPart(const QString &key)
{
    return key != u"format" && key != u"version" && key != u"id" && key != u"revisions" &&
           key != u"conflicts" && key != u"timeline" && key != u"action_items";
}

using Parts = QMap<QString, QJsonValue>;

// An action item's part: by its id ("action:a-3f9c2e01"), by position when it has none.
QString actionKey(const QJsonObject &item, int index)
{
    const QString id = item.value(QStringLiteral("id")).toString();
    return id.isEmpty() ? QString(u"action:#" + QString::number(index + 1)) : u"action:" + id;
}

// The action items' order: as `first` has them, then those only `second` has, in its order.
QStringList actionOrder(const PostMortem &first, const PostMortem &second)
{
    QStringList order;
    for (const PostMortem *pm : {&first, &second}) {
        const QJsonArray actions = toJson(*pm).value(QStringLiteral("action_items")).toArray();
        for (int i = 0; i < actions.size(); ++i) {
            const QString key = actionKey(actions[i].toObject(), i);
            if (!order.contains(key))
                order.append(key);
        }
    }
    return order;
}

Parts partsOf(const QJsonObject &doc)
{
    Parts parts;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (isPart(it.key()))
            parts.insert(u"field:" + it.key(), it.value());
    }
    for (const QJsonValue &e : doc.value(QStringLiteral("timeline")).toArray())
        parts.insert(u"entry:" + e.toObject().value(QStringLiteral("id")).toString(), e);
    const QJsonArray actions = doc.value(QStringLiteral("action_items")).toArray();
    for (int i = 0; i < actions.size(); ++i)
        parts.insert(actionKey(actions[i].toObject(), i), actions[i]);
    return parts;
}

// A document from its parts: entries in time order, action items in their order.
PostMortem compose(const PostMortem &shell, const Parts &parts, const QJsonObject &revisions,
                   const QJsonArray &conflicts, const QStringList &order)
{
    QJsonObject doc{{QStringLiteral("format"), QStringLiteral("warroom-postmortem")},
                    {QStringLiteral("version"), 1},
                    {QStringLiteral("id"), shell.id}};
    QList<QJsonObject> entries;
    QList<std::pair<int, QJsonValue>> actions;
    for (auto it = parts.begin(); it != parts.end(); ++it) {
        if (it.key().startsWith(u"field:"))
            doc.insert(it.key().mid(6), it.value());
        else if (it.key().startsWith(u"entry:"))
            entries.append(it.value().toObject());
        else if (it.key().startsWith(u"action:"))
            actions.append({order.contains(it.key()) ? int(order.indexOf(it.key()))
                                                     : int(order.size() + actions.size()),
                            it.value()});
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const QJsonObject &a, const QJsonObject &b) {
                         const double ta = a.value(QStringLiteral("time_ms")).toDouble();
                         const double tb = b.value(QStringLiteral("time_ms")).toDouble();
                         return ta != tb ? ta < tb
                                         : a.value(QStringLiteral("id")).toString() <
                                               b.value(QStringLiteral("id")).toString();
                     });
    std::stable_sort(actions.begin(), actions.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    QJsonArray timeline, items;
    for (const QJsonObject &e : entries)
        timeline.append(e);
    for (const auto &a : actions)
        items.append(a.second);
    doc.insert(QStringLiteral("timeline"), timeline);
    doc.insert(QStringLiteral("action_items"), items);
    if (!revisions.isEmpty())
        doc.insert(QStringLiteral("revisions"), revisions);
    if (!conflicts.isEmpty())
        doc.insert(QStringLiteral("conflicts"), conflicts);
    auto pm = postMortemFromJson(doc, QStringLiteral("merge"));
    if (!pm)
        return shell; // cannot happen: every part came from a valid document
    pm.value().readProblems = shell.readProblems;
    return pm.value();
}

// A part's value, undefined where the document has no such part (QMap's default is null).
QJsonValue valueOf(const Parts &parts, const QString &part)
{
    return parts.value(part, QJsonValue(QJsonValue::Undefined));
}

int revisionOf(const QJsonObject &revisions, const QString &part)
{
    return revisions.value(part).toObject().value(QStringLiteral("rev")).toInt();
}

// A conflict's part in words, with what the item says ("action item a-1c: “Alert on …”").
QString labelOf(const QString &part, const QJsonValue &mine, const QJsonValue &theirs)
{
    const QJsonObject o = (mine.isObject() ? mine : theirs).toObject();
    const QString says =
        o.value(QLatin1StringView(part.startsWith(u"entry:") ? "text" : "what")).toString();
    return says.isEmpty() ? partLabel(part) : partLabel(part) + u": “" + says.left(60) + u"”";
}

QString fresh(const QString &id, const Parts &taken)
{
    for (int n = 2;; ++n) {
        const QString candidate = id + u'-' + QString::number(n);
        if (!taken.contains(u"entry:" + candidate))
            return candidate;
    }
}

} // namespace

QString postMortemAuthor()
{
    return author();
}

void setPostMortemAuthor(const QString &name)
{
    if (!name.trimmed().isEmpty())
        author() = name.trimmed();
}

void stampRevisions(PostMortem &to, const PostMortem &from, const QString &by, qint64 atMs)
{
    const Parts before = partsOf(toJson(from));
    const Parts after = partsOf(toJson(to));
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    for (const QString &part : std::as_const(keys)) {
        if (valueOf(before, part) == valueOf(after, part))
            continue;
        const int rev = std::max(revisionOf(from.revisions, part), revisionOf(to.revisions, part));
        to.revisions.insert(part, QJsonObject{{QStringLiteral("rev"), rev + 1},
                                              {QStringLiteral("by"), by},
                                              {QStringLiteral("at"), double(atMs)}});
    }
}

PostMortem mergePostMortems(const PostMortem &base, const PostMortem &mine,
                            const PostMortem &theirs)
{
    const Parts b = partsOf(toJson(base));
    const Parts m = partsOf(toJson(mine));
    const Parts t = partsOf(toJson(theirs));
    QStringList keys = b.keys() + m.keys() + t.keys();
    keys.removeDuplicates();
    Parts out;
    QJsonObject revisions = mine.revisions;
    // Conflicts merge as parts do: one resolved at either desk (in the base, gone from that
    // side) stays resolved; one new at either desk stays.
    QJsonArray conflicts;
    for (const QJsonArray &side : {mine.conflicts, theirs.conflicts}) {
        for (const QJsonValue &c : side) {
            const bool resolvedSomewhere =
                base.conflicts.contains(c) &&
                !(mine.conflicts.contains(c) && theirs.conflicts.contains(c));
            if (!resolvedSomewhere && !conflicts.contains(c))
                conflicts.append(c);
        }
    }
    QList<std::pair<QString, QJsonValue>> addedByBoth;
    for (const QString &part : std::as_const(keys)) {
        // Theirs older than the base (or the base's very write): a read that came late, not an
        // edit. Two desks may give one revision number to different edits at once: those are
        // told apart by their author and time, and merged.
        const int baseRevision = revisionOf(base.revisions, part);
        const bool stale =
            baseRevision > 0 && (revisionOf(theirs.revisions, part) < baseRevision ||
                                 theirs.revisions.value(part) == base.revisions.value(part));
        const QJsonValue bv = valueOf(b, part);
        const QJsonValue mv = valueOf(m, part);
        const QJsonValue tv = stale ? bv : valueOf(t, part);
        QJsonValue chosen;
        if (mv == tv || tv == bv) {
            chosen = mv;
        } else if (mv == bv) {
            chosen = tv;
            if (theirs.revisions.contains(part))
                revisions.insert(part, theirs.revisions.value(part));
        } else if (bv.isUndefined() && part.startsWith(u"entry:") && !mv.isUndefined() &&
                   !tv.isUndefined()) {
            chosen = mv; // both added an entry under one id: theirs is kept under another
            addedByBoth.append({part, tv});
        } else {
            chosen = mv;
            const QJsonObject rev = theirs.revisions.value(part).toObject();
            conflicts.append(QJsonObject{{QStringLiteral("part"), part},
                                         {QStringLiteral("label"), labelOf(part, mv, tv)},
                                         {QStringLiteral("value"), tv},
                                         {QStringLiteral("by"), rev.value(QStringLiteral("by"))},
                                         {QStringLiteral("at"), rev.value(QStringLiteral("at"))}});
            // The next revision is above both sides': the merged value is the newest.
            const int next =
                std::max(revisionOf(mine.revisions, part), revisionOf(theirs.revisions, part));
            QJsonObject mineRev = mine.revisions.value(part).toObject();
            mineRev.insert(QStringLiteral("rev"), next);
            revisions.insert(part, mineRev);
        }
        if (!chosen.isUndefined())
            out.insert(part, chosen);
    }
    for (const auto &[part, value] : addedByBoth) {
        QJsonObject entry = value.toObject();
        const QString id = fresh(part.mid(6), out);
        entry.insert(QStringLiteral("id"), id);
        out.insert(u"entry:" + id, entry);
    }
    return compose(mine, out, revisions, conflicts, actionOrder(mine, theirs));
}

PostMortem applyChange(const PostMortem &current, const PostMortem &from, const PostMortem &to)
{
    const Parts f = partsOf(toJson(from));
    const Parts t = partsOf(toJson(to));
    Parts out = partsOf(toJson(current));
    QStringList keys = f.keys() + t.keys();
    keys.removeDuplicates();
    for (const QString &part : std::as_const(keys)) {
        const QJsonValue fv = valueOf(f, part);
        const QJsonValue tv = valueOf(t, part);
        if (fv == tv || valueOf(out, part) != fv)
            continue; // not this change's, or changed by someone since
        if (tv.isUndefined())
            out.remove(part);
        else
            out.insert(part, tv);
    }
    return compose(current, out, current.revisions, current.conflicts, actionOrder(current, to));
}

PostMortem resolveConflict(const PostMortem &pm, int index, bool useKept)
{
    if (index < 0 || index >= pm.conflicts.size())
        return pm;
    const QJsonObject conflict = pm.conflicts.at(index).toObject();
    QJsonArray rest = pm.conflicts;
    rest.removeAt(index);
    Parts parts = partsOf(toJson(pm));
    if (useKept) {
        const QString part = conflict.value(QStringLiteral("part")).toString();
        const QJsonValue kept = conflict.value(QStringLiteral("value"));
        if (kept.isUndefined() || kept.isNull())
            parts.remove(part);
        else
            parts.insert(part, kept);
    }
    return compose(pm, parts, pm.revisions, rest, actionOrder(pm, pm));
}

QString partLabel(const QString &part)
{
    if (part.startsWith(u"entry:"))
        return u"timeline entry " + part.mid(6);
    if (part.startsWith(u"action:"))
        return u"action item " + part.mid(7).remove(u'#');
    QString name = part.mid(6);
    name.replace(u'_', u' ');
    if (!name.isEmpty())
        name[0] = name[0].toUpper();
    return name;
}

} // namespace warroom
