#include "action_item_delegate.h"

#include "core/postmortem/postmortem.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDateEdit>

namespace warroom {

namespace {

const QDate kNoDate(2000, 1, 1); // the date edit's "none" (its minimum)

} // namespace

QWidget *ActionItemDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                                          const QModelIndex &index) const
{
    switch (ActionField(index.column())) {
    case ActionField::Priority:
    case ActionField::Status: {
        auto *choices = new QComboBox(parent);
        choices->addItems(ActionField(index.column()) == ActionField::Priority ? actionPriorities()
                                                                               : actionStatuses());
        return choices;
    }
    case ActionField::WhatIf: {
        auto *choices = new QComboBox(parent);
        choices->setEditable(true);
        choices->addItem(QString());
        choices->addItems(m_whatIfChoices);
        // The list as wide as its names: variants differ at their ends ("…-rule-fixed.yaml").
        choices->view()->setMinimumWidth(choices->view()->sizeHintForColumn(0) + 24);
        choices->setToolTip(
            tr("A variant scenario, or what-if changes: rule-remove:ID, capacity:GROUP=N, "
               "placement:GROUP=balanced, link-down:ID, … (several separated by spaces)"));
        return choices;
    }
    case ActionField::Due: {
        auto *date = new QDateEdit(parent);
        date->setCalendarPopup(true);
        date->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        date->setMinimumDate(kNoDate);
        date->setSpecialValueText(tr("none")); // the minimum: no due date
        return date;
    }
    default:
        return QStyledItemDelegate::createEditor(parent, option, index);
    }
}

void ActionItemDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    const QString text = index.data(Qt::EditRole).toString();
    if (auto *choices = qobject_cast<QComboBox *>(editor); choices && choices->isEditable()) {
        choices->setCurrentText(text);
    } else if (choices) {
        if (choices->findText(text) < 0) // kept from an older file: shown, not changed silently
            choices->addItem(text);
        choices->setCurrentIndex(choices->findText(text));
    } else if (auto *date = qobject_cast<QDateEdit *>(editor)) {
        const QDate due = QDate::fromString(text, Qt::ISODate);
        date->setDate(due.isValid() ? due : kNoDate);
    } else {
        QStyledItemDelegate::setEditorData(editor, index);
    }
}

void ActionItemDelegate::setModelData(QWidget *editor, QAbstractItemModel *model,
                                      const QModelIndex &index) const
{
    if (auto *choices = qobject_cast<QComboBox *>(editor)) {
        model->setData(index, choices->currentText());
    } else if (auto *date = qobject_cast<QDateEdit *>(editor)) {
        // Left at "none" over what a file held that is not a date ("next week"): kept, not
        // erased by a click into the cell. A date chosen replaces it.
        const QString was = index.data(Qt::EditRole).toString();
        if (date->date() == kNoDate && !was.isEmpty() &&
            !QDate::fromString(was, Qt::ISODate).isValid())
            return;
        model->setData(index,
                       date->date() == kNoDate ? QString() : date->date().toString(Qt::ISODate));
    } else {
        QStyledItemDelegate::setModelData(editor, model, index);
    }
}

} // namespace warroom
