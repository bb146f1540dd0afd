#include "timeline_model.h"

#include "postmortem_document.h"

#include <QColor>
#include <QDateTime>
#include <QFont>

namespace warroom {

TimelineModel::TimelineModel(PostMortemDocument *document, QObject *parent)
    : QAbstractTableModel(parent)
    , m_document(document)
{
    connect(document, &PostMortemDocument::changed, this, [this] {
        const int rows = int(m_document->postMortem().timeline.size());
        if (rows != m_rows) { // entries came or went: rebuild
            beginResetModel();
            m_rows = rows;
            endResetModel();
        } else if (rows > 0) {
            Q_EMIT dataChanged(index(0, 0), index(rows - 1, ColumnCount - 1));
        }
    });
    m_rows = int(document->postMortem().timeline.size());
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const TimelineEntry &e = m_document->postMortem().timeline[index.row()];
    using S = TimelineEntry::Status;
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC)
                .toString(QStringLiteral("MM-dd HH:mm:ss"));
        case Star:
            return e.starred ? QStringLiteral("★") : QString();
        case Snapshot:
            return e.snapshotPng.isEmpty() ? QString() : QStringLiteral("▣");
        case Marks:
            return markNames(e.marks);
        case Text:
            return QString(
                (m_compact && e.marks ? u'[' + markNames(e.marks) + u"] " : QString()) + e.text +
                (e.failedAt.isEmpty() ? QString() : QStringLiteral("  [symptom linked]")));
        case Status:
            return toString(e.status);
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Snapshot && !e.snapshotPng.isEmpty())
            return tr("A snapshot of the map goes with this entry: %1").arg(e.snapshotCaption);
        if (!e.seenAt.isEmpty() || !e.failedAt.isEmpty())
            return QString(u"Errors seen at: " + e.seenAt + u"\nWhat actually failed: " +
                           e.failedAt);
        return m_compact ? QString(e.text + u"\n(" + toString(e.status) + u')') : e.text;
    case Qt::ForegroundRole:
        if (e.status == S::Dismissed)
            return QColor(0x99, 0x99, 0x99);
        return {};
    case Qt::FontRole:
        if (e.status == S::Proposed) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        return {};
    case EntryIdRole:
        return e.id;
    case TimeRole:
        return e.timeMs;
    default:
        return {};
    }
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return tr("Time (UTC)");
    case Star:
        return QStringLiteral("★");
    case Snapshot:
        return tr("Map");
    case Marks:
        return tr("Marks");
    case Text:
        return tr("What happened");
    case Status:
        return tr("Status");
    case ColumnCount:
        break;
    }
    return {};
}

void TimelineModel::setCompact(bool compact)
{
    if (compact == m_compact)
        return;
    m_compact = compact;
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, Text), index(m_rows - 1, Text));
}

int TimelineModel::rowOf(const QString &entryId) const
{
    return m_document->postMortem().entryIndex(entryId);
}

} // namespace warroom
