#include "topology_model.h"

#include "ui/palette.h"

namespace warroom {

namespace {

// Node rows carry their site as internal id (site + 1); site rows carry 0.
constexpr quintptr kSiteRow = 0;

QColor stateColor(ElementState state)
{
    switch (state) {
    case ElementState::Up:
        return verdictColor(VerdictState::Reachable);
    case ElementState::Degraded:
        return verdictColor(VerdictState::Degraded);
    case ElementState::Down:
        return verdictColor(VerdictState::Blocked);
    case ElementState::Unknown:
        return verdictColor(VerdictState::Unknown);
    }
    return {};
}

} // namespace

TopologyModel::TopologyModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

void TopologyModel::setTopology(const Topology &topology)
{
    beginResetModel();
    m_topology = topology;
    m_nodesOfSite.assign(m_topology.sites.size(), {});
    for (int n = 0; n < m_topology.nodes.size(); ++n)
        m_nodesOfSite[m_topology.nodes[n].site].push_back(n);
    endResetModel();
}

QModelIndex TopologyModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kSiteRow);
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex TopologyModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kSiteRow)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kSiteRow);
}

int TopologyModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_topology.sites.size());
    if (parent.internalId() == kSiteRow && parent.column() == 0)
        return int(m_nodesOfSite[parent.row()].size());
    return 0;
}

int TopologyModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant TopologyModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kSiteRow)
        return siteData(index.row(), index.column(), role);
    const int site = int(index.internalId() - 1);
    return nodeData(m_nodesOfSite[site][index.row()], index.column(), role);
}

QVariant TopologyModel::siteData(int site, int column, int role) const
{
    const Site &s = m_topology.sites[site];
    if (role == IdRole)
        return s.id;
    if (role == IsSiteRole)
        return true;
    if (role == Qt::DecorationRole && column == State)
        return stateColor(s.state);
    if (role == Qt::ToolTipRole)
        return s.label.isEmpty() ? s.id : s.label;
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Name:
        return s.label.isEmpty() ? s.id : s.id + u" — " + s.label;
    case Kind:
        return toString(s.kind).replace(u'_', u' ');
    case State:
        return toString(s.state);
    case Details: {
        QStringList parts;
        if (!s.provider.isEmpty())
            parts.append(u"provider " + s.provider);
        if (!s.region.isEmpty())
            parts.append(u"region " + s.region);
        parts.append(QString::number(m_nodesOfSite[site].size()) + u" nodes");
        return parts.join(QStringLiteral(", "));
    }
    default:
        return {};
    }
}

QVariant TopologyModel::nodeData(int node, int column, int role) const
{
    const Node &n = m_topology.nodes[node];
    if (role == IdRole)
        return n.id;
    if (role == IsSiteRole)
        return false;
    if (role == Qt::DecorationRole && column == State)
        return stateColor(n.state);
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Name:
        return n.id;
    case Kind:
        return n.roles.join(QStringLiteral(" + "));
    case State:
        return toString(n.state);
    case Details: {
        QStringList parts;
        if (!n.group.isEmpty())
            parts.append(u"group " + n.group);
        if (!n.tags.isEmpty())
            parts.append(u"tags " + n.tags.join(QStringLiteral(", ")));
        return parts.join(QStringLiteral("; "));
    }
    default:
        return {};
    }
}

QVariant TopologyModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Site / node");
    case Kind:
        return tr("Kind / roles");
    case State:
        return tr("State");
    case Details:
        return tr("Details");
    default:
        return {};
    }
}

} // namespace warroom
