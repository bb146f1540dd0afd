#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/filtered_graph.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace warroom {

// All Boost.Graph types of the analysis in one place. Vertices are sites (or, in the
// benchmarks, any network element); edges are links. Domain data only.
struct SiteVertex
{
    int site = -1;
};
struct LinkEdge
{
    int link = -1;
};

using SiteGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, SiteVertex, LinkEdge>;
using SiteGraphEdge = boost::graph_traits<SiteGraph>::edge_descriptor;
using SiteGraphVertex = boost::graph_traits<SiteGraph>::vertex_descriptor;

// Compact copy of the links that are up, both directions, rebuilt only when a state changes.
using LiveGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, LinkEdge,
                                       boost::no_property, std::uint32_t, std::uint32_t>;

// Default-constructible predicates over an up/down mask, for filtered_graph.
struct EdgeIsUp
{
    const SiteGraph *graph = nullptr;
    const std::vector<char> *up = nullptr;
    bool operator()(const SiteGraphEdge &e) const { return (*up)[(*graph)[e].link] != 0; }
};
struct VertexIsUp
{
    const std::vector<char> *up = nullptr;
    bool operator()(SiteGraphVertex v) const { return (*up)[v] != 0; }
};
using FilteredSiteGraph = boost::filtered_graph<SiteGraph, EdgeIsUp, VertexIsUp>;

// Result of one breadth-first search: how each vertex was first reached.
struct SearchTree
{
    int source = -1;
    std::vector<int> parentVertex; // -1: not reached (the source is its own parent)
    std::vector<int> parentEdge;   // link that reached it, -1 for the source

    bool reached(int v) const { return parentVertex[v] >= 0; }
    std::vector<int> pathEdges(int target) const; // links from source to target, in order
    std::vector<int> pathVertices(int target) const;
    int reachedCount() const;
};

// A network of vertices and undirected edges, each of which may be up or down.
class NetworkGraph
{
public:
    NetworkGraph() = default;
    NetworkGraph(int vertexCount, const std::vector<std::pair<int, int>> &edges);

    int vertexCount() const { return int(m_vertexUp.size()); }
    int edgeCount() const { return int(m_edgeUp.size()); }
    std::pair<int, int> endpoints(int edge) const { return m_endpoints[edge]; }

    void setEdgeUp(int edge, bool up);
    void setVertexUp(int vertex, bool up);
    bool edgeUp(int edge) const { return m_edgeUp[edge] != 0; }
    bool vertexUp(int vertex) const { return m_vertexUp[vertex] != 0; }

    // Searches over what is up (the live copy, rebuilt here if a state changed).
    SearchTree search(int source) const;
    // Searches over everything, ignoring states: "how would it go if all were up".
    SearchTree searchIgnoringState(int source) const;
    // The same search as search() through a filtered_graph view (kept for comparison).
    SearchTree searchFiltered(int source) const;

    const SiteGraph &graph() const { return m_graph; }
    const LiveGraph &live() const;
    FilteredSiteGraph filtered() const;

    // Cut vertices and bridges of the live graph.
    std::vector<int> articulationPoints() const;
    std::vector<int> bridges() const;

private:
    void rebuildLive() const;

    SiteGraph m_graph;
    std::vector<std::pair<int, int>> m_endpoints;
    std::vector<char> m_edgeUp;
    std::vector<char> m_vertexUp;
    mutable LiveGraph m_live;
    mutable bool m_liveDirty = true;
};

} // namespace warroom
