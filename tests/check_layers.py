#!/usr/bin/env python3
"""Fails when a layer includes upward: core/ from ui/ or app/, ui/ from app/, or a cycle
between the folders of core/ (docs/architecture.md: dependencies point one way).

Usage: check_layers.py ROOT       Prints every offending include as file:line: what."""
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
LAYERS = ["core", "ui", "app"]  # each may use those before it, never those after


def includes(root):
    """(file, line number, top folder, core folder or None, included path) for every quoted
    include in core/, ui/ and app/, the included path made relative to the root."""
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*")):
            if path.suffix not in (".h", ".cpp"):
                continue
            rel = path.relative_to(root)
            for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
                match = INCLUDE.match(text)
                if not match:
                    continue
                target = match.group(1)
                if not target.split("/")[0] in LAYERS:  # relative to the including file
                    target = str((path.parent / target).resolve().relative_to(root.resolve()))
                yield rel, number, layer, target


def core_folder(path):
    parts = Path(path).parts
    return parts[1] if len(parts) > 2 and parts[0] == "core" else None


def find_cycle(edges):
    """One cycle of the folder graph as a list of folders, or None."""
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, stack)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    problems = []
    edges = {}  # core folder -> {core folder: (file, line)}
    for rel, number, layer, target in includes(root):
        top = target.split("/")[0]
        if top in LAYERS and LAYERS.index(top) > LAYERS.index(layer):
            problems.append(f"{rel}:{number}: {layer}/ includes {target} from {top}/, a layer above it")
        src, dst = core_folder(str(rel)), core_folder(target)
        if src and dst and src != dst:
            edges.setdefault(src, {}).setdefault(dst, (rel, number))
    cycle = find_cycle({k: set(v) for k, v in edges.items()})
    if cycle:
        steps = [f"{a} -> {b} ({edges[a][b][0]}:{edges[a][b][1]})" for a, b in zip(cycle, cycle[1:])]
        problems.append("a cycle between core folders: " + ", ".join(steps))
    for p in problems:
        print(p)
    if not problems:
        print(f"layers ok: {sum(len(v) for v in edges.values())} dependencies between "
              f"{len(set(edges) | {d for v in edges.values() for d in v})} core folders, no cycle")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
