#!/usr/bin/env python3
"""Single-source reachability: Warroom (Boost.Graph, live CSR copy) against NetworkX.

Runs both on the same generated graph (100,000 vertices, 400,000 links, 5 % down) in one run,
checks they reach the same vertices, and prints the medians and their ratio.
Usage: bench/compare_networkx.py [BUILD_DIR]   (build first: scripts/build bench_reachability)
"""
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

build = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "build")
bench = build / "bench" / "bench_reachability"

with tempfile.TemporaryDirectory() as tmp:
    edges_file = Path(tmp) / "edges.txt"
    warroom = json.loads(subprocess.check_output([bench, f"--dump-graph={edges_file}"], text=True))
    graph = nx.Graph()
    graph.add_nodes_from(range(warroom["vertices"]))
    with open(edges_file) as f:
        graph.add_edges_from(tuple(map(int, line.split())) for line in f)

times = []
for _ in range(7):
    start = time.perf_counter()
    predecessors = dict(nx.bfs_predecessors(graph, 0))
    times.append(time.perf_counter() - start)
reached = len(predecessors) + 1  # the source is reached too
checksum = sum(v * v for v in predecessors)  # 0 * 0 adds nothing for the source
if (reached, checksum) != (warroom["reached"], warroom["checksum"]):
    sys.exit(f"results differ: networkx {reached}/{checksum}, warroom {warroom['reached']}/{warroom['checksum']}")

report = json.loads(subprocess.check_output(
    [bench, "--benchmark_filter=BM_Search", "--benchmark_repetitions=7",
     "--benchmark_report_aggregates_only=true", "--benchmark_format=json"], text=True))
medians = {b["run_name"]: b["real_time"] for b in report["benchmarks"] if b["aggregate_name"] == "median"}
live = medians["BM_SearchUpLinksLiveCopy"]
plain = medians["BM_SearchAllLinks"]
filtered = medians["BM_SearchUpLinksFilteredView"]
networkx_ms = statistics.median(times) * 1000

print(f"graph: {warroom['vertices']} vertices, {graph.number_of_edges()} up links; "
      f"both reach {reached} vertices (checksum {checksum})")
print(f"networkx bfs_predecessors         median {networkx_ms:9.2f} ms")
print(f"warroom search, live CSR copy     median {live:9.2f} ms   {networkx_ms / live:6.1f}x faster than networkx")
print(f"warroom search, all links (plain) median {plain:9.2f} ms")
print(f"warroom search, filtered_graph    median {filtered:9.2f} ms   {filtered / plain:5.2f}x the plain search")
print(f"excluding down links (live copy) costs {live / plain:5.2f}x the plain search")
