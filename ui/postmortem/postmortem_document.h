#pragma once

#include "core/postmortem/postmortem.h"

#include <QFuture>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <QUndoStack>

namespace warroom {

// The post-mortem being edited: every change goes through set() as one undoable step, and is
// written into the recording on a worker thread at most kAutosaveMs after it was made (one
// transaction each; a kill loses at most that last second).
class PostMortemDocument : public QObject
{
    Q_OBJECT

public:
    static constexpr int kAutosaveMs = 1000;

    explicit PostMortemDocument(QObject *parent = nullptr);
    ~PostMortemDocument() override;

    // Starts editing `postMortem` of the recording at `path` (no undo history yet).
    void open(const QString &path, const PostMortem &postMortem);
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

    QString m_path;
    PostMortem m_current;
    QUndoStack m_undo;
    QTimer m_autosave;
    QThreadPool m_writes; // one thread: the writes in order
    QFuture<QString> m_lastSave;
    QString m_lastError;
};

} // namespace warroom
