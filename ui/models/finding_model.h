#pragma once

#include "core/analysis/analysis.h"

#include <QAbstractTableModel>

namespace warroom {

// One line of the findings table: what is wrong, where, and why.
struct FindingRow
{
    enum class Kind
    {
        Live,
        Latent,
        BlastRadius,
        SinglePoint
    };
    Kind kind = Kind::Live;
    VerdictState severity = VerdictState::Blocked;
    QString where;          // "app-pool in dc3", "site dc1 down"
    QString what;           // "app->cache:6379 to dc1/cache-1"
    QString why;            // "blocked by rule dc3-egress (lemniscus-2020.yaml:197)"
    QString details;        // several lines, for the details pane
    bool actionable = true; // false for what is only worth knowing (an optional dependency)
    bool operator==(const FindingRow &) const = default;
};

// Latent and live findings first (they need action), then single points and blast radius.
QList<FindingRow> findingRows(const Analysis &analysis);
QString toString(FindingRow::Kind kind);

// The findings of an analysis, for a table view. A thin adapter with one setter.
class FindingModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Kind,
        Where,
        What,
        Why,
        ColumnCount
    };
    enum Role
    {
        SeverityRole = Qt::UserRole,
        DetailsRole,
        KindRole
    };

    explicit FindingModel(QObject *parent = nullptr);

    void setAnalysis(const Analysis &analysis);
    const FindingRow &row(int row) const { return m_rows[row]; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<FindingRow> m_rows;
};

} // namespace warroom
