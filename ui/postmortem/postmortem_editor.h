#pragma once

#include "core/events/event.h"
#include "core/postmortem/postmortem.h"
#include "core/summary/recording_summary.h"

#include <QWidget>

class QAction;
class QComboBox;
class QPushButton;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class QTabWidget;

namespace warroom {

class ActionItemsPanel;
class PostMortemDocument;
class TimelineModel;

// The post-mortem next to the replay: a timeline proposed from the recording that the team
// accepts, edits or dismisses, marks (Detection, Diagnosis, Repair, Key moment) that drive the
// computed times, the write-up sections, action items; every change undoable and autosaved
// into the recording. Selecting an entry moves the replay there.
class PostMortemEditor : public QWidget
{
    Q_OBJECT

public:
    explicit PostMortemEditor(QWidget *parent = nullptr);

    // The recording being replayed: its events and summary propose drafts; `written` are the
    // post-mortems it holds (the first one is opened).
    // `unreadable`: post-mortems the recording holds that could not be read, and why (shown);
    // `unreadableIds` theirs (never given to a new draft, which would overwrite one).
    void setRecording(const QString &path, const QList<Event> &events,
                      const RecordingSummary &summary, const QList<PostMortem> &written,
                      const QStringList &unreadable = {}, const QStringList &unreadableIds = {});
    // The post-mortems as the recording holds them now (another desk wrote): the open one
    // merged with the edits made here, new drafts listed.
    void updateWritten(const QList<PostMortem> &written);
    // Why post-mortems cannot be written here (a read-only file, a role that may only read;
    // empty: they can): read, not edited, and said so.
    void setReadOnly(const QString &why);
    QString readOnly() const { return m_readOnly; }
    // The first edit kept aside by a merge: theirs, or this desk's.
    void resolveConflicts();
    // Where the replay is, and what is selected there ("lb-1"), for entries added "at cursor".
    void setCursor(qint64 timeMs, const QString &context);
    // Every event, once all are read (a big recording's first ones come with setRecording), or
    // as a live incident grows, with the summary they make: the impact shown follows it.
    void grow(const QList<Event> &events, const RecordingSummary &summary);

    PostMortemDocument *document() const { return m_document; }
    const TimelineModel *timelineModel() const { return m_model; }
    QString selectedEntry() const;
    // A note at the replay's time about what is selected there, selected to be typed (N).
    void addNoteAtCursor();
    void selectEntry(const QString &id);

    // Actions, also for tests and the window's menus.
    void newDraft(); // proposed from the recording
    // Asks first when the recording holds post-mortems already (a second one is rarely meant).
    void askForNewDraft();
    void askToRename();
    // Confirmed, then taken out of the recording; undoDelete() brings it back.
    void askToDelete();
    void deleteCurrent();
    void undoDelete();
    // The entry and every proposal alike (alikeKey): one undo step; returns how many changed.
    int setStatusOfAlike(const QString &entryId, TimelineEntry::Status status);
    void acceptAllProposals();
    void setStatus(const QString &entryId, TimelineEntry::Status status);
    void toggleMark(const QString &entryId, EntryMark mark);
    void toggleStar(const QString &entryId);
    QString addNote(qint64 timeMs, const QString &text); // returns the new entry's id
    QString addEvent(const Event &event);
    void linkSymptom(const QString &entryId, const QString &seenAt, const QString &failedAt);
    void attachSnapshot(const QString &entryId, const QByteArray &png, const QString &caption);
    void setField(QString PostMortem::*field, const QString &text, const QString &label);
    void addActionItem(const ActionItem &item);
    QPlainTextEdit *sectionEditor(const QString &label) const; // "Root cause"
    ActionItemsPanel *actionItems() const { return m_actions; }
    // Where what-ifs are replayed into (the window's cache).
    void setCacheFolder(const QString &folder);

Q_SIGNALS:
    void seekRequested(qint64 timeMs);
    // The map at this entry's moment is wanted: answer with attachSnapshot().
    void snapshotRequested(const QString &entryId, qint64 timeMs);
    void exportRequested();

protected:
    // The timeline's keys: A accept, D dismiss (then the next entry), S star, 1–4 the marks,
    // N a note at the cursor.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void build();
    void refresh(); // the widgets from the document
    void edit(const std::function<void(PostMortem &)> &change, const QString &description,
              const QString &mergeKey = {});
    // One change to one entry (nothing when there is no such entry).
    void editEntry(const QString &entryId, const std::function<void(TimelineEntry &)> &change,
                   const QString &description, const QString &mergeKey = {});
    QString addEntry(TimelineEntry entry); // one undo step; returns its new id
    QString unusedId() const;              // "pm-<n>" for a new draft, never one given before
    static QString queuesText(const Impact &impact); // each queue's late and undelivered items

    PostMortemDocument *m_document;
    TimelineModel *m_model;
    QString m_path;
    QList<Event> m_events;
    QList<PostMortem> m_written; // the recording's post-mortems, the edited one kept current
    RecordingSummary m_summary;
    Impact m_impact; // of m_summary
    qint64 m_cursorMs = 0;
    QString m_cursorContext;
    bool m_refreshing = false;
    QString m_readOnly; // why nothing can be written (empty: it can)
    QAction *m_newDraft = nullptr;

    QList<PostMortem> m_deleted; // this session's, newest last, for undoDelete()
    QStringList m_unreadableIds; // held by the recording, not readable: taken
    QComboBox *m_which;
    QAction *m_rename;
    QAction *m_delete;
    QPushButton *m_undoDelete;
    QPushButton *m_conflicts;
    QLabel *m_saveState;
    QLabel *m_metrics;
    QLineEdit *m_title;
    QLineEdit *m_incident;
    QComboBox *m_severity;
    QComboBox *m_state;
    QLineEdit *m_authors;
    QTabWidget *m_tabs;
    QTableView *m_timeline;
    QLineEdit *m_entryText;
    QLineEdit *m_seenAt;
    QLineEdit *m_failedAt;
    QList<std::pair<QString, QPlainTextEdit *>> m_sections;
    ActionItemsPanel *m_actions;
};

} // namespace warroom
