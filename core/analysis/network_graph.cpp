#include "network_graph.h"

#include <boost/graph/biconnected_components.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/property_map/property_map.hpp>

#include <algorithm>
#include <iterator>

namespace warroom {

namespace {

// Records, for every vertex the search discovers, the vertex and link it came from.
template<typename Graph>
class ParentRecorder : public boost::default_bfs_visitor
{
public:
    explicit ParentRecorder(SearchTree *tree)
        : m_tree(tree)
    {}

    template<typename Edge>
    void tree_edge(const Edge &e, const Graph &g) const
    {
        const auto to = boost::target(e, g);
        m_tree->parentVertex[to] = int(boost::source(e, g));
        m_tree->parentEdge[to] = g[e].link;
    }

private:
    SearchTree *m_tree;
};

template<typename Graph>
SearchTree breadthFirst(const Graph &g, int vertexCount, int source)
{
    SearchTree tree;
    tree.source = source;
    tree.parentVertex.assign(vertexCount, -1);
    tree.parentEdge.assign(vertexCount, -1);
    tree.parentVertex[source] = source;
    std::vector<boost::default_color_type> colors(vertexCount, boost::white_color);
    auto colorMap = boost::make_iterator_property_map(colors.begin(), get(boost::vertex_index, g));
    using Vertex = typename boost::graph_traits<Graph>::vertex_descriptor;
    boost::breadth_first_search(g, Vertex(source),
                                boost::visitor(ParentRecorder<Graph>(&tree)).color_map(colorMap));
    return tree;
}

} // namespace

std::vector<int> SearchTree::pathEdges(int target) const
{
    std::vector<int> path;
    if (!reached(target))
        return path;
    for (int v = target; v != source; v = parentVertex[v])
        path.push_back(parentEdge[v]);
    std::reverse(path.begin(), path.end());
    return path;
}

std::vector<int> SearchTree::pathVertices(int target) const
{
    std::vector<int> path;
    if (!reached(target))
        return path;
    for (int v = target; v != source; v = parentVertex[v])
        path.push_back(v);
    path.push_back(source);
    std::reverse(path.begin(), path.end());
    return path;
}

int SearchTree::reachedCount() const
{
    return int(std::count_if(parentVertex.cbegin(), parentVertex.cend(),
                             [](int p) { return p >= 0; }));
}

NetworkGraph::NetworkGraph(int vertexCount, const std::vector<std::pair<int, int>> &edges)
    : m_graph(vertexCount)
    , m_endpoints(edges)
    , m_edgeUp(edges.size(), 1)
    , m_vertexUp(vertexCount, 1)
{
    for (int v = 0; v < vertexCount; ++v)
        m_graph[v].site = v;
    for (std::size_t i = 0; i < edges.size(); ++i)
        boost::add_edge(edges[i].first, edges[i].second, LinkEdge{int(i)}, m_graph);
}

void NetworkGraph::setEdgeUp(int edge, bool up)
{
    if ((m_edgeUp[edge] != 0) != up) {
        m_edgeUp[edge] = up ? 1 : 0;
        m_liveDirty = true;
    }
}

void NetworkGraph::setVertexUp(int vertex, bool up)
{
    if ((m_vertexUp[vertex] != 0) != up) {
        m_vertexUp[vertex] = up ? 1 : 0;
        m_liveDirty = true;
    }
}

void NetworkGraph::rebuildLive() const
{
    std::vector<std::pair<std::uint32_t, std::uint32_t>> arcs;
    std::vector<LinkEdge> props;
    arcs.reserve(m_endpoints.size() * 2);
    props.reserve(m_endpoints.size() * 2);
    for (std::size_t i = 0; i < m_endpoints.size(); ++i) {
        const auto [a, b] = m_endpoints[i];
        if (!m_edgeUp[i] || !m_vertexUp[a] || !m_vertexUp[b])
            continue;
        arcs.emplace_back(a, b);
        props.push_back(LinkEdge{int(i)});
        arcs.emplace_back(b, a);
        props.push_back(LinkEdge{int(i)});
    }
    m_live = LiveGraph(boost::edges_are_unsorted_multi_pass, arcs.begin(), arcs.end(),
                       props.begin(), std::uint32_t(vertexCount()));
    m_liveDirty = false;
}

const LiveGraph &NetworkGraph::live() const
{
    if (m_liveDirty)
        rebuildLive();
    return m_live;
}

FilteredSiteGraph NetworkGraph::filtered() const
{
    return FilteredSiteGraph(m_graph, EdgeIsUp{&m_graph, &m_edgeUp}, VertexIsUp{&m_vertexUp});
}

SearchTree NetworkGraph::search(int source) const
{
    if (!vertexUp(source)) {
        SearchTree tree;
        tree.source = source;
        tree.parentVertex.assign(vertexCount(), -1);
        tree.parentEdge.assign(vertexCount(), -1);
        return tree;
    }
    return breadthFirst(live(), vertexCount(), source);
}

SearchTree NetworkGraph::searchIgnoringState(int source) const
{
    return breadthFirst(m_graph, vertexCount(), source);
}

SearchTree NetworkGraph::searchFiltered(int source) const
{
    // num_vertices() of a filtered view counts the unfiltered graph, so the vectors fit.
    return breadthFirst(filtered(), vertexCount(), source);
}

namespace {

// An undirected copy of the live links, for the algorithms that need undirectedness.
SiteGraph liveUndirected(const NetworkGraph &network)
{
    SiteGraph g(network.vertexCount());
    for (int i = 0; i < network.edgeCount(); ++i) {
        const auto [a, b] = network.endpoints(i);
        if (network.edgeUp(i) && network.vertexUp(a) && network.vertexUp(b))
            boost::add_edge(a, b, LinkEdge{i}, g);
    }
    return g;
}

} // namespace

std::vector<int> NetworkGraph::articulationPoints() const
{
    const SiteGraph g = liveUndirected(*this);
    std::vector<SiteGraphVertex> points;
    boost::articulation_points(g, std::back_inserter(points));
    std::vector<int> out(points.begin(), points.end());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<int> NetworkGraph::bridges() const
{
    const SiteGraph g = liveUndirected(*this);
    std::vector<std::size_t> component(edgeCount(), 0);
    auto componentMap =
        boost::make_iterator_property_map(component.begin(), get(&LinkEdge::link, g));
    const std::size_t count = boost::biconnected_components(g, componentMap);
    // A biconnected component made of a single link is a bridge.
    std::vector<int> linksInComponent(count, 0);
    for (auto [it, end] = boost::edges(g); it != end; ++it)
        ++linksInComponent[component[g[*it].link]];
    std::vector<int> out;
    for (auto [it, end] = boost::edges(g); it != end; ++it) {
        if (linksInComponent[component[g[*it].link]] == 1)
            out.push_back(g[*it].link);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace warroom
