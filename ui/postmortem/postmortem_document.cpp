#include "postmortem_document.h"

#include "core/postmortem/postmortem_merge.h"
#include "core/postmortem/postmortem_store.h"
#include "core/store/postmortem_rows.h"

#include <QDateTime>
#include <QJsonDocument>

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

    // Only this desk's edit is taken back (or made again): parts others changed since stay.
    void undo() override { m_document->show(shift(m_after, m_before)); }
    void redo() override { m_document->show(shift(m_before, m_after)); }
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
    PostMortem shift(const PostMortem &from, const PostMortem &to) const
    {
        const PostMortem &current = m_document->postMortem();
        return current == from ? to : applyChange(current, from, to);
    }

    PostMortemDocument *m_document;
    PostMortem m_before;
    PostMortem m_after;
    QString m_mergeKey;
};

PostMortemDocument::PostMortemDocument(QObject *parent)
    : QObject(parent)
    , m_author(postMortemAuthor())
{
    m_writes.setMaxThreadCount(1);
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(kAutosaveMs);
    connect(&m_autosave, &QTimer::timeout, this, &PostMortemDocument::save);
    m_retry.setSingleShot(true);
    m_retry.setInterval(kRetryMs);
    connect(&m_retry, &QTimer::timeout, this, &PostMortemDocument::save);
}

PostMortemDocument::~PostMortemDocument()
{
    if (m_autosave.isActive())
        save();
    m_writes.waitForDone();
}

namespace {

QByteArray serialized(const PostMortem &pm)
{
    return QJsonDocument(toJson(pm)).toJson(QJsonDocument::Compact);
}

// The stored versions' number, in `revisions` beside the parts' (not a part: never merged).
const QString kDocumentRevision = QStringLiteral("document");

int documentRevision(const PostMortem &pm)
{
    return pm.revisions.value(kDocumentRevision).toObject().value(QStringLiteral("rev")).toInt();
}

// The same post-mortem but for the bookkeeping of who wrote what when.
bool sameContent(PostMortem a, PostMortem b)
{
    a.revisions = {};
    b.revisions = {};
    return a == b;
}

struct Saved
{
    QString error;
    PostMortem sent;  // what the editor had
    PostMortem saved; // ... as written: others' edits merged in, revisions stamped
};

// Writes `mine` if the stored post-mortem is still the one it was edited from; else merges the
// stored one in and tries again. Runs on the writes' thread.
Saved saveMerging(const QString &path, PostMortem mine,
                  const std::shared_ptr<PostMortemDocument::Stored> &stored, const QString &author)
{
    Saved out{{}, mine, mine};
    for (int attempt = 0; attempt < 8; ++attempt) {
        PostMortem base;
        QByteArray baseJson;
        {
            std::lock_guard lock(stored->mutex);
            base = stored->base;
            baseJson = stored->json;
        }
        if (!baseJson.isEmpty() && sameContent(mine, base)) {
            out.saved = base; // nothing new to write: writing it would tell every desk again
            return out;
        }
        PostMortem next = mine;
        stampRevisions(next, base, author, QDateTime::currentMSecsSinceEpoch());
        // Writes replace only what they read, so the stored versions are one line: numbered.
        next.revisions.insert(kDocumentRevision,
                              QJsonObject{{QStringLiteral("rev"), documentRevision(base) + 1}});
        const QByteArray json = serialized(next);
        const auto written = writePostMortemIf(path, next.id, json, baseJson);
        if (!written) {
            out.error = written.errors().first().toString();
            return out;
        }
        if (!written.value()) {
            std::lock_guard lock(stored->mutex);
            stored->base = next;
            stored->json = json;
            out.saved = next;
            return out;
        }
        // Someone else wrote it since: their edits and these, merged, are written next.
        const QByteArray theirsJson = *written.value();
        PostMortem theirs;
        theirs.id = mine.id;
        if (theirsJson.isEmpty() && !baseJson.isEmpty()) {
            out.error = QStringLiteral("this post-mortem was deleted at another desk: the edits "
                                       "made here are not written (Export… keeps them)");
            return out;
        }
        if (!theirsJson.isEmpty()) {
            auto read = postMortemFromJson(QJsonDocument::fromJson(theirsJson).object(),
                                           QStringLiteral("stored"));
            if (!read) {
                out.error = read.errors().first().toString();
                return out;
            }
            theirs = read.value();
            mine = mergePostMortems(base, mine, theirs);
        }
        std::lock_guard lock(stored->mutex);
        stored->base = theirs;
        stored->json = theirsJson;
    }
    out.error = QStringLiteral("the post-mortem kept changing under this desk's writes");
    return out;
}

} // namespace

void PostMortemDocument::open(const QString &path, const PostMortem &postMortem, bool inStore)
{
    if (m_autosave.isActive())
        save();
    m_path = path;
    m_current = postMortem;
    m_stored = std::make_shared<Stored>();
    m_stored->base = postMortem;
    m_stored->json = postMortem.id.isEmpty() || !inStore ? QByteArray() : serialized(postMortem);
    m_undo.clear();
    Q_EMIT changed();
}

void PostMortemDocument::incoming(const PostMortem &theirs)
{
    if (m_path.isEmpty() || theirs.id != m_current.id)
        return;
    {
        std::lock_guard lock(m_stored->mutex);
        if (theirs == m_stored->base)
            return; // this desk's own write, told back
        const int known = documentRevision(m_stored->base);
        if (documentRevision(theirs) < known || (known > 0 && documentRevision(theirs) == known))
            return; // read before what this desk knows: a late answer, nothing new
        const PostMortem merged = mergePostMortems(m_stored->base, m_current, theirs);
        // Nothing of this desk's beyond what arrived: take it as it is (a write of the same
        // content would go round every desk for ever).
        m_current = sameContent(merged, theirs) ? theirs : merged;
        m_stored->base = theirs;
        m_stored->json = serialized(theirs); // as good as the stored bytes: a mismatch merges
    }
    if (!(m_current == theirs) && !m_autosave.isActive())
        m_autosave.start(); // this desk's edits, not in what was read, still to write
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
    m_retry.stop();
    if (m_path.isEmpty())
        return;
    // Written on a pool of one thread: one write at a time, in the order they were asked for.
    // The result comes back to this thread as a queued call, if the document still exists.
    QPointer<PostMortemDocument> self(this);
    m_lastSave = QtConcurrent::run(
        &m_writes, [path = m_path, pm = m_current, stored = m_stored, self, author = m_author] {
            const Saved done = saveMerging(path, pm, stored, author);
            QMetaObject::invokeMethod(qApp, [self, done, stored] {
                if (self && self->m_stored == stored)
                    self->adoptSaved(done.sent, done.saved);
                if (self)
                    self->reportSaved(done.error);
            });
            return done.error;
        });
}

void PostMortemDocument::adoptSaved(const PostMortem &sent, const PostMortem &saved)
{
    // What others wrote, merged in by the save, joins what was typed here since (a part typed
    // over meanwhile keeps theirs as a conflict, as any merge does).
    PostMortem next = mergePostMortems(sent, m_current, saved);
    next.revisions = saved.revisions;
    if (sameContent(next, saved))
        next = saved;
    if (next == m_current)
        return;
    m_current = next;
    Q_EMIT changed();
}

void PostMortemDocument::remove()
{
    if (m_path.isEmpty())
        return;
    m_autosave.stop();
    m_retry.stop();
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
    if (error.isEmpty()) {
        Q_EMIT saved();
        return;
    }
    if (!m_path.isEmpty() && !m_autosave.isActive())
        m_retry.start();
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
