// The post-mortem editor's drafts: a new one proposed from the recording (asked when there is
// one already), renamed, deleted and brought back; ids never given twice.
#include "postmortem_editor.h"

#include "action_items_panel.h"
#include "core/postmortem/timeline_proposal.h"
#include "postmortem_document.h"

#include <QComboBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>

namespace warroom {

void PostMortemEditor::newDraft()
{
    if (m_path.isEmpty() || !m_readOnly.isEmpty())
        return;
    PostMortem pm = proposePostMortem(m_events, m_summary, unusedId());
    m_written.append(pm);
    m_which->addItem(pm.id + u" — " + pm.title, pm.id);
    m_which->setCurrentIndex(m_which->count() - 1);
    m_document->open(m_path, pm, false);
    m_document->save(); // in the file at once
}

QString PostMortemEditor::unusedId() const
{
    // Not one the recording holds (readable or not), nor one deleted this session (Undo delete
    // brings it back).
    auto taken = [this](const QString &id) {
        auto same = [&id](const PostMortem &pm) { return pm.id == id; };
        return m_unreadableIds.contains(id) ||
               std::any_of(m_written.cbegin(), m_written.cend(), same) ||
               std::any_of(m_deleted.cbegin(), m_deleted.cend(), same);
    };
    QString id = QStringLiteral("pm-1");
    for (int n = 2; taken(id); ++n)
        id = u"pm-" + QString::number(n);
    return id;
}

void PostMortemEditor::askForNewDraft()
{
    if (m_path.isEmpty())
        return;
    if (!m_written.isEmpty()) {
        QStringList held;
        for (const PostMortem &pm : std::as_const(m_written))
            held.append(pm.id + u" “" + pm.title.toHtmlEscaped() + u"”");
        QMessageBox ask(QMessageBox::Question, tr("New draft"),
                        tr("This recording holds %1 already. A new draft is another post-mortem, "
                           "proposed afresh from the recording; the one you have stays as it is.")
                            .arg(held.join(u", ")),
                        QMessageBox::Cancel, this);
        QPushButton *create = ask.addButton(tr("New draft"), QMessageBox::AcceptRole);
        ask.setDefaultButton(QMessageBox::Cancel);
        ask.exec();
        if (ask.clickedButton() != create)
            return;
    }
    newDraft(); // (opening it writes the one being edited first, on the worker)
}

void PostMortemEditor::askToRename()
{
    if (!m_document->isOpen())
        return;
    bool ok = false;
    const QString title =
        QInputDialog::getText(this, tr("Rename the post-mortem"), tr("Title:"), QLineEdit::Normal,
                              m_document->postMortem().title, &ok);
    if (ok && !title.trimmed().isEmpty())
        setField(&PostMortem::title, title.trimmed(), tr("Title"));
}

void PostMortemEditor::askToDelete()
{
    if (!m_document->isOpen())
        return;
    const PostMortem &pm = m_document->postMortem();
    const auto answer = QMessageBox::question(
        this, tr("Delete the post-mortem"),
        tr("Delete %1 “%2” from the recording? Undo delete brings it back while this window is "
           "open.")
            .arg(pm.id, pm.title.toHtmlEscaped()),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes)
        deleteCurrent();
}

void PostMortemEditor::deleteCurrent()
{
    if (!m_document->isOpen())
        return;
    const PostMortem gone = m_document->postMortem();
    m_deleted.append(gone);
    m_document->remove();
    m_written.removeIf([&](const PostMortem &pm) { return pm.id == gone.id; });
    m_which->removeItem(m_which->findData(gone.id));
    if (!m_written.isEmpty()) {
        m_which->setCurrentIndex(0);
        m_document->open(m_path, m_written.first());
    }
    m_saveState->setText(tr("Deleted %1 “%2”.").arg(gone.id, gone.title.toHtmlEscaped()));
    m_undoDelete->show();
}

void PostMortemEditor::undoDelete()
{
    if (m_deleted.isEmpty() || m_path.isEmpty())
        return;
    PostMortem back = m_deleted.takeLast();
    if (std::any_of(m_written.cbegin(), m_written.cend(),
                    [&back](const PostMortem &pm) { return pm.id == back.id; }))
        back.id = unusedId(); // its id was given again meanwhile: never overwrite that one
    m_written.append(back);
    m_which->addItem(back.title.isEmpty() ? back.id : back.id + u" — " + back.title, back.id);
    m_which->setCurrentIndex(m_which->count() - 1);
    m_document->open(m_path, back, false);
    m_document->save();
    m_undoDelete->setVisible(!m_deleted.isEmpty());
}

} // namespace warroom
