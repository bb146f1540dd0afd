#pragma once

#include "core/postmortem/postmortem.h"

#include <QFuture>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <QUndoStack>

#include <memory>
#include <mutex>

namespace warroom {

// The post-mortem being edited: every change goes through set() as one undoable step, and is
// written into the recording on a worker thread at most kAutosaveMs after it was made (one
// transaction each; a kill loses at most that last second). Several desks may edit it at
// once: a write only replaces what this desk last read (compare-and-set), else the two are
// merged part by part first; undo takes back only this desk's edits.
class PostMortemDocument : public QObject
{
    Q_OBJECT

public:
    static constexpr int kAutosaveMs = 1000;
    // A write that failed (a full disk, a file gone read-only) is tried again this often;
    // what was typed stays here meanwhile.
    static constexpr int kRetryMs = 5000;

    explicit PostMortemDocument(QObject *parent = nullptr);
    // Whom the edits made here are recorded as: the author when the document was made.
    const QString &author() const { return m_author; }
    ~PostMortemDocument() override;

    // Starts editing `postMortem` of the recording at `path` (no undo history yet).
    // `inStore`: the recording holds it as given (false: a new draft, or one restored after a
    // delete, that the first save writes).
    void open(const QString &path, const PostMortem &postMortem, bool inStore = true);
    // The same post-mortem as another desk wrote it (a shared incident, or another window on
    // the file): merged with the edits made here (postmortem_merge.h), never overwriting them.
    void incoming(const PostMortem &theirs);
    bool isOpen() const { return !m_path.isEmpty(); }
    const PostMortem &postMortem() const { return m_current; }
    const QString &path() const { return m_path; }

    // One change. Changes with the same non-empty `mergeKey` in a row (typing in one field)
    // are one undo step.
    void set(const PostMortem &next, const QString &description, const QString &mergeKey = {});
    QUndoStack *undoStack() { return &m_undo; }

    // Writes it on the worker now, without waiting (a new or restored post-mortem).
    void save();
    // Takes the post-mortem out of the recording (after the writes before it) and closes it.
    void remove();
    // Writes now and waits (closing, tests); false when the write failed.
    bool saveNow();
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void changed();
    void saved();
    void saveFailed(const QString &message);

private:
    friend class PostMortemChange;
    void show(const PostMortem &state); // undo and redo land here
    void reportSaved(const QString &error);
    void adoptSaved(const PostMortem &sent, const PostMortem &saved);

public:
    // What the store holds, as this desk last read or wrote it: what edits are merged against.
    // Shared with the writes' thread.
    struct Stored
    {
        std::mutex mutex;
        PostMortem base;
        QByteArray json; // its bytes as stored (compare-and-set)
    };

private:
    QTimer m_retry;   // a failed write, tried again
    QString m_author; // whose edits this desk writes (postMortemAuthor() when made)
    std::shared_ptr<Stored> m_stored = std::make_shared<Stored>();

    QString m_path;
    PostMortem m_current;
    QUndoStack m_undo;
    QTimer m_autosave;
    QThreadPool m_writes; // one thread: the writes in order
    QFuture<QString> m_lastSave;
    QString m_lastError;
};

} // namespace warroom
