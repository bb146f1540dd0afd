#pragma once

#include <QAbstractTableModel>

namespace warroom {

class PostMortemDocument;

// The timeline of the post-mortem being edited, a row per entry in time order: proposals in
// italics, dismissed ones greyed, starred and marked ones as such.
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Time,
        Star,
        Snapshot,
        Marks,
        Text,
        Status,
        ColumnCount
    };
    static constexpr int EntryIdRole = Qt::UserRole;
    static constexpr int TimeRole = Qt::UserRole + 1;

    explicit TimelineModel(PostMortemDocument *document, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    int rowOf(const QString &entryId) const;
    // Narrow (a side panel): the marks go before the text, the status only in the tooltip
    // (proposals are in italics, dismissed entries grey) and the view hides those columns.
    void setCompact(bool compact);
    bool compact() const { return m_compact; }

private:
    PostMortemDocument *m_document;
    int m_rows = 0;
    bool m_compact = false;
};

} // namespace warroom
