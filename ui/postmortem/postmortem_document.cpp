#include "postmortem_document.h"

#include "core/postmortem/postmortem_store.h"

#include <QCoreApplication>
#include <QPointer>
#include <QtConcurrent>

namespace warroom {

// One undo step: the whole document before and after (copies share their text and images).
class PostMortemChange : public QUndoCommand
{
public:
    PostMortemChange(PostMortemDocument *document, PostMortem before, PostMortem after,
                     const QString &description, const QString &mergeKey)
        : QUndoCommand(description)
        , m_document(document)
        , m_before(std::move(before))
        , m_after(std::move(after))
        , m_mergeKey(mergeKey)
    {}

    void undo() override { m_document->show(m_before); }
    void redo() override { m_document->show(m_after); }
    int id() const override { return m_mergeKey.isEmpty() ? -1 : 1; }
    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *next = static_cast<const PostMortemChange *>(other);
        if (next->m_mergeKey != m_mergeKey)
            return false;
        m_after = next->m_after;
        return true;
    }

private:
    PostMortemDocument *m_document;
    PostMortem m_before;
    PostMortem m_after;
    QString m_mergeKey;
};

PostMortemDocument::PostMortemDocument(QObject *parent)
    : QObject(parent)
{
    m_writes.setMaxThreadCount(1);
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(kAutosaveMs);
    connect(&m_autosave, &QTimer::timeout, this, &PostMortemDocument::save);
}

PostMortemDocument::~PostMortemDocument()
{
    if (m_autosave.isActive())
        save();
    m_writes.waitForDone();
}

void PostMortemDocument::open(const QString &path, const PostMortem &postMortem)
{
    if (m_autosave.isActive())
        save();
    m_path = path;
    m_current = postMortem;
    m_undo.clear();
    Q_EMIT changed();
}

void PostMortemDocument::set(const PostMortem &next, const QString &description,
                             const QString &mergeKey)
{
    if (next == m_current)
        return;
    m_undo.push(new PostMortemChange(this, m_current, next, description, mergeKey));
}

void PostMortemDocument::show(const PostMortem &state)
{
    m_current = state;
    // Not restarted by later changes: steady typing is still written every second.
    if (!m_autosave.isActive())
        m_autosave.start();
    Q_EMIT changed();
}

void PostMortemDocument::save()
{
    m_autosave.stop();
    if (m_path.isEmpty())
        return;
    // Written on a pool of one thread: one write at a time, in the order they were asked for.
    // The result comes back to this thread as a queued call, if the document still exists.
    QPointer<PostMortemDocument> self(this);
    m_lastSave = QtConcurrent::run(&m_writes, [path = m_path, pm = m_current, self] {
        const Result<bool> done = savePostMortem(path, pm);
        const QString error = done ? QString() : done.errors().first().toString();
        QMetaObject::invokeMethod(qApp, [self, error] {
            if (self)
                self->reportSaved(error);
        });
        return error;
    });
}

void PostMortemDocument::remove()
{
    if (m_path.isEmpty())
        return;
    m_autosave.stop();
    QPointer<PostMortemDocument> self(this);
    m_lastSave = QtConcurrent::run(&m_writes, [path = m_path, id = m_current.id, self] {
        const Result<bool> done = removePostMortem(path, id);
        const QString error = done ? QString() : done.errors().first().toString();
        QMetaObject::invokeMethod(qApp, [self, error] {
            if (self)
                self->reportSaved(error);
        });
        return error;
    });
    m_path.clear();
    m_current = PostMortem{};
    m_undo.clear();
    Q_EMIT changed();
}

void PostMortemDocument::reportSaved(const QString &error)
{
    m_lastError = error;
    if (error.isEmpty())
        Q_EMIT saved();
    else
        Q_EMIT saveFailed(error);
}

bool PostMortemDocument::saveNow()
{
    save();
    m_writes.waitForDone();
    if (m_lastSave.isValid())
        m_lastError = m_lastSave.result();
    return m_lastError.isEmpty();
}

} // namespace warroom
