#include "postmortem_editor.h"

#include "action_items_panel.h"

#include "core/store/shared_address.h"
#include "core/util/duration.h"
#include "postmortem_document.h"
#include "timeline_model.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace warroom {

namespace {

constexpr int kCompactTimelineWidth = 620; // px: below it, the timeline's compact form

QString span(qint64 ms)
{
    return formatDurationOr(ms, QStringLiteral("—"));
}

void sortByTime(PostMortem &pm)
{
    std::stable_sort(
        pm.timeline.begin(), pm.timeline.end(),
        [](const TimelineEntry &a, const TimelineEntry &b) { return a.timeMs < b.timeMs; });
}

// The write-up's sections, in template order.
const QList<std::pair<QString, QString PostMortem::*>> &sectionFields()
{
    static const QList<std::pair<QString, QString PostMortem::*>> fields = {
        {QStringLiteral("Summary"), &PostMortem::summary},
        {QStringLiteral("Detection"), &PostMortem::detection},
        {QStringLiteral("Root cause"), &PostMortem::rootCause},
        {QStringLiteral("Trigger"), &PostMortem::trigger},
        {QStringLiteral("Contributing factors"), &PostMortem::contributingFactors},
        {QStringLiteral("Resolution"), &PostMortem::resolution},
        {QStringLiteral("What went well"), &PostMortem::wentWell},
        {QStringLiteral("What went wrong"), &PostMortem::wentWrong},
        {QStringLiteral("Where we got lucky"), &PostMortem::gotLucky},
        {QStringLiteral("Supporting material"), &PostMortem::supporting},
    };
    return fields;
}

} // namespace

PostMortemEditor::PostMortemEditor(QWidget *parent)
    : QWidget(parent)
    , m_document(new PostMortemDocument(this))
    , m_model(new TimelineModel(m_document, this))
{
    build();
    connect(m_document, &PostMortemDocument::changed, this, &PostMortemEditor::refresh);
    connect(m_document, &PostMortemDocument::saved, this, [this] {
        if (!m_document->isOpen())
            return; // a removal: the editor says what it removed
        m_saveState->setText(tr("Saved in the recording at %1")
                                 .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    });
    connect(m_document, &PostMortemDocument::saveFailed, this, [this](const QString &message) {
        m_saveState->setText(u"<span style='color:#D55E00'>" + tr("Not saved: ") +
                             message.toHtmlEscaped() +
                             tr(" — kept in this window; trying again every %1 s")
                                 .arg(PostMortemDocument::kRetryMs / 1000) +
                             u"</span>");
    });
    refresh();
}

void PostMortemEditor::build()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    // Its tools in tool bars: at the width of a side panel the ones that do not fit go into
    // the bar's » menu rather than being cut.
    auto *top = new QHBoxLayout;
    m_which = new QComboBox;
    m_which->setToolTip(tr("The post-mortems this recording holds"));
    m_which->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_which->setMinimumContentsLength(12);
    top->addWidget(new QLabel(tr("Post-mortem")));
    top->addWidget(m_which, 1);
    layout->addLayout(top);
    auto *tools = new QToolBar;
    tools->setObjectName(QStringLiteral("postMortemTools"));
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    QAction *draft = tools->addAction(tr("New draft"), this, &PostMortemEditor::askForNewDraft);
    m_newDraft = draft;
    draft->setToolTip(tr("A post-mortem proposed from the recording: its timeline and impact"));
    m_rename = tools->addAction(tr("Rename…"), this, &PostMortemEditor::askToRename);
    m_rename->setToolTip(tr("Its title, which names it in the list"));
    m_delete = tools->addAction(tr("Delete…"), this, &PostMortemEditor::askToDelete);
    m_delete->setToolTip(tr("Take it out of the recording (Undo delete brings it back)"));
    // Undo and redo: what they would do in their tooltips; Ctrl+Z and Ctrl+Shift+Z anywhere in
    // the editor.
    QUndoStack *stack = m_document->undoStack();
    QAction *undo = tools->addAction(tr("Undo"), stack, &QUndoStack::undo);
    QAction *redo = tools->addAction(tr("Redo"), stack, &QUndoStack::redo);
    undo->setEnabled(false);
    redo->setEnabled(false);
    connect(stack, &QUndoStack::canUndoChanged, undo, &QAction::setEnabled);
    connect(stack, &QUndoStack::canRedoChanged, redo, &QAction::setEnabled);
    connect(stack, &QUndoStack::undoTextChanged, undo,
            [undo](const QString &text) { undo->setToolTip(tr("Undo %1").arg(text)); });
    connect(stack, &QUndoStack::redoTextChanged, redo,
            [redo](const QString &text) { redo->setToolTip(tr("Redo %1").arg(text)); });
    for (const auto &[keys, slot] :
         {std::pair{QKeySequence(QKeySequence::Undo), &QUndoStack::undo},
          std::pair{QKeySequence(QKeySequence::Redo), &QUndoStack::redo}}) {
        auto *action = new QAction(this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, stack, slot);
        addAction(action);
    }
    tools->addAction(tr("Export…"), this, &PostMortemEditor::exportRequested);
    layout->addWidget(tools);
    auto *state = new QHBoxLayout;
    m_saveState = new QLabel;
    m_saveState->setObjectName(QStringLiteral("saveState"));
    m_saveState->setStyleSheet(QStringLiteral("color: #666"));
    m_saveState->setWordWrap(true);
    m_undoDelete = new QPushButton(tr("Undo delete"));
    m_undoDelete->setObjectName(QStringLiteral("undoDelete"));
    m_undoDelete->hide();
    connect(m_undoDelete, &QPushButton::clicked, this, &PostMortemEditor::undoDelete);
    m_conflicts = new QPushButton;
    m_conflicts->setObjectName(QStringLiteral("conflicts"));
    m_conflicts->setStyleSheet(QStringLiteral("color: #D55E00"));
    m_conflicts->hide();
    connect(m_conflicts, &QPushButton::clicked, this, &PostMortemEditor::resolveConflicts);
    // Who the edits made here are recorded as: what the other desks see next to them.
    auto *author = new QLabel(tr("✎ as <b>%1</b>").arg(m_document->author().toHtmlEscaped()));
    author->setObjectName(QStringLiteral("author"));
    author->setToolTip(tr("Entries and edits made here are recorded as %1 (your login; "
                          "<tt>warroom --as NAME</tt> writes as another name)")
                           .arg(m_document->author().toHtmlEscaped()));
    // First in the row: a row wider than the panel scrolls, and these must stay in sight.
    state->addWidget(m_conflicts);
    state->addWidget(author);
    state->addWidget(m_saveState, 1);
    state->addWidget(m_undoDelete);
    layout->addLayout(state);

    auto *header = new QFormLayout;
    m_title = new QLineEdit;
    m_title->setObjectName(QStringLiteral("title"));
    m_incident = new QLineEdit;
    m_severity = new QComboBox;
    m_severity->addItems({QStringLiteral("SEV1"), QStringLiteral("SEV2"), QStringLiteral("SEV3"),
                          QStringLiteral("SEV4")});
    m_state = new QComboBox;
    m_state->addItems(
        {QStringLiteral("draft"), QStringLiteral("in review"), QStringLiteral("final")});
    m_authors = new QLineEdit;
    m_authors->setPlaceholderText(tr("comma separated"));
    auto *row = new QHBoxLayout; // two short choices share a row; the panel may be narrow
    row->addWidget(m_severity);
    row->addWidget(new QLabel(tr("Status")));
    row->addWidget(m_state);
    row->addStretch(1);
    header->addRow(tr("Title"), m_title);
    header->addRow(tr("Incident"), m_incident);
    header->addRow(tr("Severity"), row);
    header->addRow(tr("Authors"), m_authors);
    layout->addLayout(header);
    connect(m_title, &QLineEdit::textEdited, this,
            [this](const QString &t) { setField(&PostMortem::title, t, tr("Title")); });
    connect(m_incident, &QLineEdit::textEdited, this,
            [this](const QString &t) { setField(&PostMortem::incidentId, t, tr("Incident")); });
    connect(m_severity, &QComboBox::textActivated, this,
            [this](const QString &t) { setField(&PostMortem::severity, t, tr("Severity")); });
    connect(m_state, &QComboBox::textActivated, this,
            [this](const QString &t) { setField(&PostMortem::status, t, tr("Status")); });
    connect(m_authors, &QLineEdit::textEdited, this, [this](const QString &t) {
        QStringList authors;
        for (const QString &a : t.split(u','))
            if (!a.trimmed().isEmpty())
                authors.append(a.trimmed());
        edit([&](PostMortem &pm) { pm.authors = authors; }, tr("Edit authors"),
             QStringLiteral("authors"));
    });
    m_metrics = new QLabel;
    m_metrics->setObjectName(QStringLiteral("impactAndTimes"));
    m_metrics->setWordWrap(true);
    m_metrics->setTextFormat(Qt::RichText);
    layout->addWidget(m_metrics);

    m_tabs = new QTabWidget;
    layout->addWidget(m_tabs, 1);

    // The timeline.
    auto *timelineTab = new QWidget;
    auto *tl = new QVBoxLayout(timelineTab);
    tl->setContentsMargins(0, 4, 0, 0);
    m_timeline = new QTableView;
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_timeline->setModel(m_model);
    m_timeline->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_timeline->setSelectionMode(QAbstractItemView::SingleSelection);
    m_timeline->verticalHeader()->hide();
    m_timeline->verticalHeader()->setDefaultSectionSize(m_timeline->fontMetrics().height() + 6);
    m_timeline->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_timeline->horizontalHeader()->setSectionResizeMode(TimelineModel::Text, QHeaderView::Stretch);
    m_timeline->setWordWrap(false);
    m_timeline->setTabKeyNavigation(false); // Tab leaves the timeline; arrows move in it
    tl->addWidget(m_timeline, 1);
    connect(m_timeline->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    refresh();
            });
    // The replay goes to an entry when it is clicked or activated (Enter), not on every row the
    // keyboard passes over.
    auto seekTo = [this](const QModelIndex &index) {
        if (index.isValid())
            Q_EMIT seekRequested(index.data(TimelineModel::TimeRole).toLongLong());
    };
    connect(m_timeline, &QTableView::clicked, this, seekTo);
    connect(m_timeline, &QTableView::activated, this, seekTo);
    auto *triage = new QToolBar;
    triage->setObjectName(QStringLiteral("triage"));
    triage->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto button = [&](QToolBar *bar, const QString &text, const QString &tip, auto &&slot) {
        QAction *action = bar->addAction(text, this, slot);
        action->setToolTip(tip);
        return action;
    };
    using S = TimelineEntry::Status;
    button(triage, tr("Accept"), tr("Take the proposal into the post-mortem (A)"),
           [this] { setStatus(selectedEntry(), S::Accepted); });
    button(triage, tr("Dismiss"), tr("Keep it out (D)"),
           [this] { setStatus(selectedEntry(), S::Dismissed); });
    button(triage, tr("Accept alike"),
           tr("Accept it and every proposal like it: the same kind, the same words but for "
              "numbers (Shift+A)"),
           [this] { setStatusOfAlike(selectedEntry(), S::Accepted); });
    button(triage, tr("Dismiss alike"), tr("Dismiss it and every proposal like it (Shift+D)"),
           [this] { setStatusOfAlike(selectedEntry(), S::Dismissed); });
    button(triage, tr("Accept all"), tr("Accept every proposal"), [this] { acceptAllProposals(); });
    triage->addSeparator();
    button(triage, QStringLiteral("★"), tr("Star (S)"), [this] { toggleStar(selectedEntry()); });
    button(triage, tr("Detection"), tr("Mark: the moment the incident was detected (1)"),
           [this] { toggleMark(selectedEntry(), EntryMark::Detection); });
    button(triage, tr("Diagnosis"), tr("Mark: the cause was understood (2)"),
           [this] { toggleMark(selectedEntry(), EntryMark::Diagnosis); });
    button(triage, tr("Repair"), tr("Mark: a repair (the first mitigates, the last resolves) (3)"),
           [this] { toggleMark(selectedEntry(), EntryMark::Repair); });
    button(triage, tr("Key"), tr("Mark: a key moment (4)"),
           [this] { toggleMark(selectedEntry(), EntryMark::Key); });
    tl->addWidget(triage);
    // Triage by keyboard on the timeline (eventFilter): a decision moves to the next entry.
    m_timeline->installEventFilter(this);
    m_timeline->setToolTip(tr("A accept, D dismiss (then the next entry), Shift+A / Shift+D "
                              "every proposal like it, S star, 1 detection, 2 diagnosis, "
                              "3 repair, 4 key moment, N a note at the cursor"));
    auto *notes = new QToolBar;
    notes->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button(notes, tr("Add at cursor"),
           tr("A note at the replay's time, about what is selected (N)"),
           [this] { addNoteAtCursor(); });
    button(notes, tr("Snapshot the map"), tr("Attach the map at this entry's moment"), [this] {
        const QString id = selectedEntry();
        const int i = m_document->postMortem().entryIndex(id);
        if (i >= 0)
            Q_EMIT snapshotRequested(id, m_document->postMortem().timeline[i].timeMs);
    });
    button(notes, tr("Remove snapshot"), {}, [this] { attachSnapshot(selectedEntry(), {}, {}); });
    tl->addWidget(notes);
    auto *entryForm = new QFormLayout;
    m_entryText = new QLineEdit;
    m_seenAt = new QLineEdit;
    m_seenAt->setPlaceholderText(tr("where people saw the errors (lb-1 5xx)"));
    m_failedAt = new QLineEdit;
    m_failedAt->setPlaceholderText(tr("the hop that actually failed"));
    entryForm->addRow(tr("Entry"), m_entryText);
    entryForm->addRow(tr("Errors seen at"), m_seenAt);
    entryForm->addRow(tr("Actually failed"), m_failedAt);
    tl->addLayout(entryForm);
    connect(m_entryText, &QLineEdit::textEdited, this, [this](const QString &text) {
        const QString id = selectedEntry();
        editEntry(
            id, [&](TimelineEntry &e) { e.text = text; }, tr("Edit entry"), u"entry-" + id);
    });
    auto symptom = [this] { linkSymptom(selectedEntry(), m_seenAt->text(), m_failedAt->text()); };
    connect(m_seenAt, &QLineEdit::textEdited, this, symptom);
    connect(m_failedAt, &QLineEdit::textEdited, this, symptom);
    m_tabs->addTab(timelineTab, tr("Timeline"));

    // The write-up.
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    auto *writeUp = new QWidget;
    auto *wl = new QVBoxLayout(writeUp);
    for (const auto &section : sectionFields()) {
        const auto &[label, field] = section;
        auto *title = new QLabel(u"<b>" + label + u"</b>");
        auto *text = new QPlainTextEdit;
        text->setObjectName(label);
        text->setMinimumHeight(70);
        text->setTabChangesFocus(true);
        wl->addWidget(title);
        wl->addWidget(text);
        m_sections.append({label, text});
        // (The pair by name: clang 14 captures no structured bindings.)
        connect(text, &QPlainTextEdit::textChanged, this, [this, text, section] {
            if (!m_refreshing)
                setField(section.second, text->toPlainText(), section.first);
        });
    }
    scroll->setWidget(writeUp);
    m_tabs->addTab(scroll, tr("Write-up"));

    // Action items.
    m_actions = new ActionItemsPanel(m_document);
    m_tabs->addTab(m_actions, tr("Action items"));
    // Another post-mortem of the recording: the one being edited is saved first.
    connect(m_which, &QComboBox::activated, this, [this](int index) {
        const QString id = m_which->itemData(index).toString();
        if (id == m_document->postMortem().id)
            return;
        m_document->saveNow();
        for (const PostMortem &pm : std::as_const(m_written)) {
            if (pm.id == id)
                m_document->open(m_path, pm);
        }
    });
    // The list keeps the latest of each, for switching back.
    connect(m_document, &PostMortemDocument::changed, this, [this] {
        const PostMortem &pm = m_document->postMortem();
        for (PostMortem &known : m_written) {
            if (known.id == pm.id)
                known = pm;
        }
        // Renamed: the list says so.
        if (const int item = m_which->findData(pm.id); item >= 0 && m_document->isOpen())
            m_which->setItemText(item, pm.title.isEmpty() ? pm.id : pm.id + u" — " + pm.title);
    });
}

void PostMortemEditor::setCursor(qint64 timeMs, const QString &context)
{
    m_cursorMs = timeMs;
    m_cursorContext = context;
}

int PostMortemEditor::setStatusOfAlike(const QString &entryId, TimelineEntry::Status status)
{
    const int at = m_document->postMortem().entryIndex(entryId);
    if (at < 0)
        return 0;
    const QString key = alikeKey(m_document->postMortem().timeline[at]);
    int changed = 0;
    edit(
        [&](PostMortem &pm) {
            for (int i = 0; i < pm.timeline.size(); ++i) {
                TimelineEntry &e = pm.timeline[i];
                if ((i == at ||
                     (e.status == TimelineEntry::Status::Proposed && alikeKey(e) == key)) &&
                    e.status != status) {
                    e.status = status;
                    ++changed;
                }
            }
        },
        status == TimelineEntry::Status::Dismissed ? tr("Dismiss entries alike")
                                                   : tr("Accept entries alike"));
    m_saveState->setText((status == TimelineEntry::Status::Dismissed
                              ? tr("Dismissed %n entries alike.", "", changed)
                              : tr("Accepted %n entries alike.", "", changed)));
    // On to the next proposal still to decide.
    const auto &timeline = m_document->postMortem().timeline;
    for (int i = at + 1; i < timeline.size(); ++i) {
        if (timeline[i].status == TimelineEntry::Status::Proposed) {
            selectEntry(timeline[i].id);
            break;
        }
    }
    return changed;
}

void PostMortemEditor::edit(const std::function<void(PostMortem &)> &change,
                            const QString &description, const QString &mergeKey)
{
    if (!m_document->isOpen() || m_refreshing || !m_readOnly.isEmpty())
        return;
    PostMortem next = m_document->postMortem();
    change(next);
    m_document->set(next, description, mergeKey);
}

void PostMortemEditor::setField(QString PostMortem::*field, const QString &text,
                                const QString &label)
{
    edit([&](PostMortem &pm) { pm.*field = text; }, tr("Edit %1").arg(label.toLower()),
         u"field-" + label);
}

void PostMortemEditor::acceptAllProposals()
{
    edit(
        [](PostMortem &pm) {
            for (TimelineEntry &e : pm.timeline) {
                if (e.status == TimelineEntry::Status::Proposed)
                    e.status = TimelineEntry::Status::Accepted;
            }
        },
        tr("Accept all proposals"));
}

void PostMortemEditor::setStatus(const QString &entryId, TimelineEntry::Status status)
{
    editEntry(
        entryId, [&](TimelineEntry &e) { e.status = status; },
        status == TimelineEntry::Status::Dismissed ? tr("Dismiss entry") : tr("Accept entry"));
}

void PostMortemEditor::toggleMark(const QString &entryId, EntryMark mark)
{
    editEntry(
        entryId,
        [&](TimelineEntry &e) {
            e.marks ^= int(mark);
            if (e.status == TimelineEntry::Status::Proposed)
                e.status = TimelineEntry::Status::Accepted; // marking takes it
        },
        tr("Mark %1").arg(markNames(int(mark))));
}

void PostMortemEditor::toggleStar(const QString &entryId)
{
    editEntry(
        entryId, [](TimelineEntry &e) { e.starred = !e.starred; }, tr("Star entry"));
}

QString PostMortemEditor::addEntry(TimelineEntry entry)
{
    if (!m_readOnly.isEmpty())
        return {};
    if (!m_document->isOpen())
        newDraft();
    entry.id = m_document->postMortem().newEntryId();
    edit(
        [&](PostMortem &pm) {
            pm.timeline.append(entry);
            sortByTime(pm);
        },
        tr("Add entry"));
    return entry.id;
}

QString PostMortemEditor::addNote(qint64 timeMs, const QString &text)
{
    TimelineEntry e;
    e.timeMs = timeMs;
    e.text = text;
    e.kind = QStringLiteral("note");
    return addEntry(e);
}

QString PostMortemEditor::addEvent(const Event &event)
{
    TimelineEntry e;
    e.timeMs = event.timeMs;
    e.text = event.text;
    e.eventId = event.id;
    e.kind = toString(event.kind);
    return addEntry(e);
}

void PostMortemEditor::editEntry(const QString &entryId,
                                 const std::function<void(TimelineEntry &)> &change,
                                 const QString &description, const QString &mergeKey)
{
    edit(
        [&](PostMortem &pm) {
            if (const int i = pm.entryIndex(entryId); i >= 0)
                change(pm.timeline[i]);
        },
        description, mergeKey);
}

void PostMortemEditor::linkSymptom(const QString &entryId, const QString &seenAt,
                                   const QString &failedAt)
{
    editEntry(
        entryId,
        [&](TimelineEntry &e) {
            e.seenAt = seenAt;
            e.failedAt = failedAt;
        },
        tr("Link symptom"), u"symptom-" + entryId);
}

void PostMortemEditor::attachSnapshot(const QString &entryId, const QByteArray &png,
                                      const QString &caption)
{
    editEntry(
        entryId,
        [&](TimelineEntry &e) {
            e.snapshotPng = png;
            e.snapshotCaption = caption;
        },
        png.isEmpty() ? tr("Remove snapshot") : tr("Attach snapshot"));
}

void PostMortemEditor::addActionItem(const ActionItem &item)
{
    edit(
        [&](PostMortem &pm) {
            pm.actions.append(item);
            if (pm.actions.last().id.isEmpty())
                pm.actions.last().id = newActionId();
        },
        tr("Add action item"));
}

QPlainTextEdit *PostMortemEditor::sectionEditor(const QString &label) const
{
    for (const auto &[name, editor] : m_sections) {
        if (name == label)
            return editor;
    }
    return nullptr;
}

bool PostMortemEditor::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_timeline && event->type() == QEvent::Resize) {
        // Narrow: the text keeps the room, marks and status go where they still read.
        const bool compact = m_timeline->width() < kCompactTimelineWidth;
        m_model->setCompact(compact);
        m_timeline->setColumnHidden(TimelineModel::Marks, compact);
        m_timeline->setColumnHidden(TimelineModel::Status, compact);
    }
    if (watched != m_timeline || event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto *key = static_cast<QKeyEvent *>(event);
    if (key->modifiers() & ~Qt::KeypadModifier & ~Qt::ShiftModifier)
        return false; // Ctrl+…, Alt+…: the window's shortcuts
    using S = TimelineEntry::Status;
    const QString id = selectedEntry();
    if (id.isEmpty()) // (the timeline is read-only: no cell is being edited)
        return false;
    if (key->isAutoRepeat() && (key->key() == Qt::Key_A || key->key() == Qt::Key_D))
        return true;          // a held key decides once, not for a run of entries
    auto next = [this, &id] { // after a decision: the entry after it
        const int row = m_model->rowOf(id);
        if (row >= 0 && row + 1 < m_model->rowCount())
            selectEntry(m_model->index(row + 1, 0).data(TimelineModel::EntryIdRole).toString());
    };
    if (key->modifiers() & Qt::ShiftModifier) {
        if (key->key() != Qt::Key_A && key->key() != Qt::Key_D)
            return false;
        setStatusOfAlike(id, key->key() == Qt::Key_A ? S::Accepted : S::Dismissed);
        return true;
    }
    switch (key->key()) {
    case Qt::Key_A:
        setStatus(id, S::Accepted);
        next();
        return true;
    case Qt::Key_D:
        setStatus(id, S::Dismissed);
        next();
        return true;
    case Qt::Key_S:
        toggleStar(id);
        return true;
    case Qt::Key_1: // 1–4: the marks, in their order
    case Qt::Key_2:
    case Qt::Key_3:
    case Qt::Key_4: {
        static constexpr EntryMark marks[] = {EntryMark::Detection, EntryMark::Diagnosis,
                                              EntryMark::Repair, EntryMark::Key};
        toggleMark(id, marks[key->key() - Qt::Key_1]);
        return true;
    }
    case Qt::Key_N:
        addNoteAtCursor();
        return true;
    default:
        return false;
    }
}

void PostMortemEditor::addNoteAtCursor()
{
    const QString id =
        addNote(m_cursorMs, m_cursorContext.isEmpty() ? tr("Note") : m_cursorContext);
    selectEntry(id);
    m_entryText->setFocus();
    m_entryText->selectAll();
}

QString PostMortemEditor::selectedEntry() const
{
    const QModelIndex current = m_timeline->selectionModel()->currentIndex();
    return current.isValid() ? current.data(TimelineModel::EntryIdRole).toString() : QString();
}

void PostMortemEditor::selectEntry(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    m_timeline->selectionModel()->setCurrentIndex(
        m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_timeline->scrollTo(m_model->index(row, 0));
}

void PostMortemEditor::refresh()
{
    m_refreshing = true;
    const PostMortem &pm = m_document->postMortem();
    const bool open = m_document->isOpen();
    for (QWidget *w : {static_cast<QWidget *>(m_title), static_cast<QWidget *>(m_incident),
                       static_cast<QWidget *>(m_severity), static_cast<QWidget *>(m_state),
                       static_cast<QWidget *>(m_authors), static_cast<QWidget *>(m_tabs)})
        w->setEnabled(open);
    const bool editable = open && m_readOnly.isEmpty();
    m_rename->setEnabled(editable);
    m_delete->setEnabled(editable);
    m_newDraft->setEnabled(m_readOnly.isEmpty());
    for (QLineEdit *e : {m_title, m_incident, m_authors})
        e->setReadOnly(!editable);
    for (QComboBox *c : {m_severity, m_state})
        c->setEnabled(editable);
    for (const auto &[label, field] : sectionFields())
        sectionEditor(label)->setReadOnly(!editable);
    if (auto *triage = findChild<QToolBar *>(QStringLiteral("triage")))
        triage->setEnabled(editable);
    m_actions->setEnabled(editable || !open);
    auto setText = [](QLineEdit *edit, const QString &text) {
        if (edit->text() == text) // keeps the text cursor while typing
            return;
        edit->setText(text);
        if (!edit->hasFocus())
            edit->setCursorPosition(0); // a long title reads from its start
    };
    setText(m_title, pm.title);
    setText(m_incident, pm.incidentId);
    setText(m_authors, pm.authors.join(QStringLiteral(", ")));
    m_severity->setCurrentText(pm.severity);
    m_state->setCurrentText(pm.status);
    for (const auto &[label, field] : sectionFields()) {
        QPlainTextEdit *editor = sectionEditor(label);
        if (editor->toPlainText() != pm.*field)
            editor->setPlainText(pm.*field);
    }
    const int i = pm.entryIndex(selectedEntry());
    const TimelineEntry current = i >= 0 ? pm.timeline[i] : TimelineEntry{};
    setText(m_entryText, current.text);
    setText(m_seenAt, current.seenAt);
    setText(m_failedAt, current.failedAt);
    for (QLineEdit *e : {m_entryText, m_seenAt, m_failedAt}) {
        e->setEnabled(i >= 0);
        e->setReadOnly(!editable);
    }
    m_actions->refresh();
    m_conflicts->setVisible(open && !pm.conflicts.isEmpty());
    m_conflicts->setText(tr("⚠ %n conflict(s)…", "", int(pm.conflicts.size())));
    m_conflicts->setToolTip(tr("Edits made at two desks at the same time: the later one was "
                               "written, the other kept aside. Click to resolve."));
    if (!m_readOnly.isEmpty())
        m_saveState->setText(
            u"<span style='color:#D55E00'>" +
            (isSharedAddress(m_path)
                 ? tr("Read only: %1.").arg(m_readOnly)
                 : tr("Read only: %1. File ▸ Save a copy as… writes one you can edit.")
                       .arg(m_readOnly))
                .toHtmlEscaped() +
            u"</span>");
    if (!open) {
        m_metrics->setText(m_readOnly.isEmpty()
                               ? tr("No post-mortem in this recording yet: <b>New draft</b> "
                                    "proposes one from what was recorded.")
                               : tr("No post-mortem in this recording yet."));
        if (m_readOnly.isEmpty())
            m_saveState->clear();
    } else {
        PostMortem shown = pm; // the impact the recording has now, not the one stored
        shown.impact = m_impact;
        const Impact &impact = m_impact;
        const IncidentMetrics m = metricsOf(shown);
        int proposed = 0, accepted = 0;
        for (const TimelineEntry &e : pm.timeline) {
            proposed += e.status == TimelineEntry::Status::Proposed;
            accepted += e.status == TimelineEntry::Status::Accepted;
        }
        m_metrics->setText(
            u"<b>Impact</b> " + formatDuration(impact.outageMs) + u" of outage in " +
            QString::number(impact.outages) +
            (impact.outages == 1 ? QStringLiteral(" outage") : QStringLiteral(" outages")) +
            u", from " +
            (m.startMs < 0 ? QStringLiteral("—")
                           : formatUtc(m.startMs, QStringLiteral("HH:mm:ss"))) +
            (m.startMs >= 0 && impact.startMs < 0 ? QStringLiteral(" UTC (the first entry)")
                                                  : QStringLiteral(" UTC")) +
            u" &nbsp; <b>TTD</b> " + span(m.timeToDetect()) + u" &nbsp; <b>TTDiag</b> " +
            span(m.timeToDiagnose()) + u" &nbsp; <b>TTM</b> " + span(m.timeToMitigate()) +
            u" &nbsp; <b>TTR</b> " + span(m.timeToResolve()) + queuesText(impact) + u"<br>" +
            QString::number(accepted) + u" entries accepted, " + QString::number(proposed) +
            u" proposals to review");
    }
    m_refreshing = false;
}

QString PostMortemEditor::queuesText(const Impact &impact)
{
    // Each queue's late deliveries against its own target, as the report has them.
    static const QLocale english(QLocale::English);
    QString out;
    for (const Deliveries &q : impact.queues) {
        if (q.late < 1.0 && q.waitingAtEnd < 1.0)
            continue;
        out += u"<br><b>" + q.queue.toHtmlEscaped() + u"</b> " +
               english.toString(qint64(std::llround(q.late))) + u" delivered late" +
               (q.targetMs > 0 ? u" (target " + formatDuration(q.targetMs) + u')' : QString()) +
               (q.waitingAtEnd >= 1.0
                    ? u", " + english.toString(qint64(std::llround(q.waitingAtEnd))) +
                          u" never delivered"
                    : QString());
    }
    return out;
}

void PostMortemEditor::setCacheFolder(const QString &folder)
{
    m_actions->setCacheFolder(folder);
}

} // namespace warroom
