#pragma once

#include "core/model/topology.h"

#include <QAbstractItemModel>

#include <vector>

namespace warroom {

// Sites with their nodes beneath, for a tree view. A thin adapter: one setter, no I/O.
class TopologyModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column
    {
        Name,
        Kind,
        State,
        Details,
        ColumnCount
    };
    enum Role
    {
        IdRole = Qt::UserRole,
        IsSiteRole
    };

    explicit TopologyModel(QObject *parent = nullptr);

    void setTopology(const Topology &topology);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant siteData(int site, int column, int role) const;
    QVariant nodeData(int node, int column, int role) const;

    Topology m_topology;
    std::vector<std::vector<int>> m_nodesOfSite;
};

} // namespace warroom
