#include "details_pane.h"

#include "ui/palette.h"

#include "core/analysis/reachability_engine.h"

#include <QHeaderView>
#include <QLabel>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace warroom {

DetailsPane::DetailsPane(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel)
    , m_hops(new QTableWidget(0, 3))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);
    m_hops->setHorizontalHeaderLabels({tr("Hop"), tr("Verdict"), tr("Why")});
    m_hops->verticalHeader()->hide();
    m_hops->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_hops->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_hops->setTabKeyNavigation(false);
    m_hops->setWordWrap(false);
    m_hops->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_hops->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_hops, 1);
    showHops(nullptr, {});
}

void DetailsPane::showHops(const ReachabilityEngine *engine, const QString &node)
{
    showHops(engine, node.isEmpty() ? QStringList() : QStringList{node}, node);
}

void DetailsPane::showHops(const ReachabilityEngine *engine, const QStringList &nodes,
                           const QString &name)
{
    m_hops->setRowCount(0);
    if (!engine || nodes.isEmpty()) {
        m_title->setText(tr("Select a node on the map (click it, or type its name there) to "
                            "see every hop it makes and takes, with its verdict and why."));
        return;
    }
    const Topology &topology = engine->topology();
    QSet<int> indices;
    for (const QString &node : nodes) {
        if (const int index = topology.nodeIndex(node); index >= 0)
            indices.insert(index);
    }
    if (indices.isEmpty()) {
        m_title->setText(tr("%1 is not in the topology at the cursor.").arg(name));
        return;
    }
    const Node &n = topology.nodes[*indices.cbegin()];
    m_title->setText(u"<b>" + name.toHtmlEscaped() + u"</b> (" +
                     (indices.size() > 1 ? tr("%1 nodes, ").arg(indices.size()) : QString()) +
                     n.roles.join(u", ") + u", " + topology.sites[n.site].id + u")");
    // Broken hops first: they are what the reader came for.
    QList<int> edges;
    for (int e : engine->aliveEdges()) {
        const DependencyEdge &edge = engine->edge(e);
        if (indices.contains(edge.from) || indices.contains(edge.to))
            edges.append(e);
    }
    std::stable_sort(edges.begin(), edges.end(), [engine](int a, int b) {
        return engine->verdict(a).state > engine->verdict(b).state;
    });
    for (int e : edges) {
        const DependencyEdge &edge = engine->edge(e);
        const Verdict &v = engine->verdict(e);
        const bool outgoing = indices.contains(edge.from);
        const Node &self = topology.nodes[outgoing ? edge.from : edge.to];
        const Node &other = topology.nodes[outgoing ? edge.to : edge.from];
        const int port = topology.dependencies[edge.dependency].port;
        // Of a role's nodes, which one: "app-pool-4 → dc1/cache-1:6379".
        const QString hop = (indices.size() > 1 ? self.id + u' ' : QString()) +
                            (outgoing ? u"→ " : u"← ") + topology.sites[other.site].id + u'/' +
                            other.id + (outgoing ? u':' + QString::number(port) : QString());
        const int row = m_hops->rowCount();
        m_hops->insertRow(row);
        m_hops->setItem(row, 0, new QTableWidgetItem(hop));
        auto *state = new QTableWidgetItem(toString(v.state));
        state->setForeground(verdictColor(v.state).darker(120));
        m_hops->setItem(row, 1, state);
        auto *why = new QTableWidgetItem(verdictText(v.state, v.reason) + provenanceText(v));
        why->setToolTip(why->text()); // whole, when the column cuts it
        m_hops->setItem(row, 2, why);
    }
    if (edges.isEmpty())
        m_title->setText(m_title->text() + tr(": no hops at the cursor"));
}

QStringList DetailsPane::rows() const
{
    QStringList out;
    for (int r = 0; r < m_hops->rowCount(); ++r)
        out.append(m_hops->item(r, 0)->text() + u' ' + m_hops->item(r, 1)->text() + u": " +
                   m_hops->item(r, 2)->text());
    return out;
}

} // namespace warroom
