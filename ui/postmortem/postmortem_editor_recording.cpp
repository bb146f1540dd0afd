// The post-mortem editor as its recording changes under it: opened, grown (a live incident's
// impact follows), written at other desks (merged into what is being typed, conflicts to
// resolve), or not writable here (read, not edited).
#include "postmortem_editor.h"

#include "action_items_panel.h"
#include "core/postmortem/postmortem_merge.h"
#include "core/postmortem/timeline_proposal.h"
#include "postmortem_document.h"

#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>

namespace warroom {

void PostMortemEditor::setRecording(const QString &path, const QList<Event> &events,
                                    const RecordingSummary &summary,
                                    const QList<PostMortem> &written, const QStringList &unreadable,
                                    const QStringList &unreadableIds)
{
    m_unreadableIds = unreadableIds;
    m_path = path;
    m_events = events;
    m_summary = summary;
    m_impact = impactOf(summary);
    m_actions->setRecording(path, summary.scenarioFile);
    m_deleted.clear(); // Undo delete belongs to the recording it was deleted from
    m_undoDelete->hide();
    m_which->clear();
    m_written = written;
    for (const PostMortem &pm : written)
        m_which->addItem(pm.title.isEmpty() ? pm.id : pm.id + u" — " + pm.title, pm.id);
    if (!written.isEmpty())
        m_document->open(path, written.first());
    else
        m_document->open({}, PostMortem{}); // nothing yet: "New draft" proposes one
    refresh();
    if (!unreadable.isEmpty()) // after refresh(): said until the next save
        m_saveState->setText(
            u"<span style='color:#D55E00'>" +
            tr("Left out, cannot be read: %1").arg(unreadable.join(u"; ")).toHtmlEscaped() +
            u"</span>");
}

void PostMortemEditor::grow(const QList<Event> &events, const RecordingSummary &summary)
{
    m_events = events;
    m_summary = summary;
    const Impact now = impactOf(summary);
    const bool moved = !(now == m_impact);
    m_impact = now;
    if (moved && m_document->isOpen())
        refresh();
}

void PostMortemEditor::setReadOnly(const QString &why)
{
    if (why == m_readOnly) // (a refresh would clear what the save state says now)
        return;
    m_readOnly = why;
    refresh();
}

void PostMortemEditor::updateWritten(const QList<PostMortem> &written)
{
    const QString openId = m_document->postMortem().id;
    for (const PostMortem &pm : written) {
        if (m_which->findData(pm.id) < 0) // a draft another desk began
            m_which->addItem(pm.title.isEmpty() ? pm.id : pm.id + u" — " + pm.title, pm.id);
        if (pm.id == openId)
            m_document->incoming(pm);
        for (PostMortem &known : m_written) {
            if (known.id == pm.id && known.id != openId)
                known = pm;
        }
        if (std::none_of(m_written.cbegin(), m_written.cend(),
                         [&](const PostMortem &k) { return k.id == pm.id; }))
            m_written.append(pm);
    }
    if (!m_document->isOpen() && !written.isEmpty()) {
        m_document->open(m_path, written.first());
        refresh();
    }
}

void PostMortemEditor::resolveConflicts()
{
    if (m_document->postMortem().conflicts.isEmpty())
        return;
    // A copy: another desk's edit may arrive while the question is open.
    const QJsonValue shown = m_document->postMortem().conflicts.first();
    const QJsonObject c = shown.toObject();
    const QJsonValue kept = c.value(QStringLiteral("value"));
    const QString text =
        kept.isString()   ? kept.toString()
        : kept.isObject() ? kept.toObject()
                                .value(QStringLiteral("text"))
                                .toString(kept.toObject().value(QStringLiteral("what")).toString())
                          : tr("(removed)");
    QMessageBox box(QMessageBox::Warning, tr("Edits made at the same time"),
                    tr("%1 was written at two desks at the same time. The later write is "
                       "in the post-mortem; this one, by %2, was kept aside:\n\n%3")
                        .arg(c.value(QStringLiteral("label")).toString(),
                             c.value(QStringLiteral("by")).toString(tr("someone")), text),
                    QMessageBox::Cancel, this);
    QPushButton *useKept = box.addButton(tr("Use the kept one"), QMessageBox::AcceptRole);
    QPushButton *keepOurs = box.addButton(tr("Keep the written one"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != useKept && box.clickedButton() != keepOurs)
        return; // closed, Escape, Cancel: still to resolve
    const PostMortem &pm = m_document->postMortem();
    const int index = int(pm.conflicts.toVariantList().indexOf(shown.toVariant()));
    if (index < 0)
        return; // resolved at another desk meanwhile
    const bool useTheirs = box.clickedButton() == useKept;
    m_document->set(resolveConflict(pm, index, useTheirs),
                    useTheirs ? tr("Use the kept edit") : tr("Drop the kept edit"));
}

} // namespace warroom
