#include "network_graph.h"

#include <boost/graph/biconnected_components.hpp> // articulation_points
#include <boost/graph/breadth_first_search.hpp>
#include <boost/property_map/property_map.hpp>

#include <algorithm>
#include <iterator>

namespace warroom {

namespace {

// Records, for every vertex the search discovers, the vertex and link it came from.
template<typename Graph> class ParentRecorder : public boost::default_bfs_visitor
{
public:
    explicit ParentRecorder(SearchTree *tree)
        : m_tree(tree)
    {}

    template<typename Edge> void tree_edge(const Edge &e, const Graph &g) const
    {
        const auto to = boost::target(e, g);
        m_tree->parentVertex[to] = int(boost::source(e, g));
        m_tree->parentEdge[to] = g[e].link;
    }

private:
    SearchTree *m_tree;
};

template<typename Graph> SearchTree breadthFirst(const Graph &g, int vertexCount, int source)
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
    return int(
        std::count_if(parentVertex.cbegin(), parentVertex.cend(), [](int p) { return p >= 0; }));
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
    // Tarjan's low-link over link ids. Not boost::biconnected_components: it skips every edge
    // back to the DFS parent, so two parallel links between the same sites are misjudged.
    const int n = vertexCount();
    std::vector<std::vector<std::pair<int, int>>> adjacent(n); // (neighbour, link)
    for (int i = 0; i < edgeCount(); ++i) {
        const auto [a, b] = m_endpoints[i];
        if (edgeUp(i) && vertexUp(a) && vertexUp(b) && a != b) {
            adjacent[a].emplace_back(b, i);
            adjacent[b].emplace_back(a, i);
        }
    }
    std::vector<int> order(n, -1), low(n, 0), out;
    int counter = 0;
    struct Frame
    {
        int vertex, viaLink;
        std::size_t next;
    };
    for (int root = 0; root < n; ++root) {
        if (order[root] >= 0)
            continue;
        std::vector<Frame> stack{{root, -1, 0}};
        order[root] = low[root] = counter++;
        while (!stack.empty()) {
            Frame &f = stack.back();
            if (f.next < adjacent[f.vertex].size()) {
                const auto [next, link] = adjacent[f.vertex][f.next++];
                if (link == f.viaLink)
                    continue;
                if (order[next] < 0) {
                    order[next] = low[next] = counter++;
                    stack.push_back({next, link, 0});
                } else {
                    low[f.vertex] = std::min(low[f.vertex], order[next]);
                }
                continue;
            }
            const Frame done = f;
            stack.pop_back();
            if (stack.empty())
                break;
            const int parent = stack.back().vertex;
            low[parent] = std::min(low[parent], low[done.vertex]);
            if (low[done.vertex] > order[parent])
                out.push_back(done.viaLink);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace warroom
