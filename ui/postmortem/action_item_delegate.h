#pragma once

#include <QStyledItemDelegate>

namespace warroom {

// Edits an action item's cells with what each takes: priority and status from their fixed
// choices, the due date with a calendar (or none), the what-if typed or chosen among the
// scenario's variants, the rest as text. Columns follow ActionField.
class ActionItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    // The what-ifs offered in the what-if column's editor (it takes any text too).
    void setWhatIfChoices(const QStringList &choices) { m_whatIfChoices = choices; }

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model,
                      const QModelIndex &index) const override;

private:
    QStringList m_whatIfChoices;
};

} // namespace warroom
