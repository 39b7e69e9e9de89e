"""Module and import-graph numbers of ``src/zhagen`` (for the closing note of a refactor).

Prints: modules, median module size (lines), import cycles counted on grimp's graph (which
holds imports inside functions too) as non-trivial strongly connected components and as
mutually importing pairs, imports upward across the layers, and private names (``_x``)
imported from another zhagen module (``from zhagen.m import _x`` or ``m._x``).

Run: ``PYTHONPATH=src python bench/import_graph.py`` (``-v``: list the private names).
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path


def _root() -> Path:
    """The zhagen package found on the path (so a checkout given by PYTHONPATH is measured)."""
    import importlib.util

    return Path(importlib.util.find_spec("zhagen").origin).parent


def _modules() -> dict[str, Path]:
    out = {}
    root = _root()
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _private_imports(mods: dict[str, Path]) -> list[tuple[str, str, str]]:
    """(importer, module, name) of each private name one zhagen module takes from another:
    ``from zhagen.x import _y`` and ``x._y`` where ``x`` is a zhagen module it imported."""
    found = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}  # local name -> zhagen module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("zhagen"):
                for alias in node.names:
                    n = alias.name
                    if f"{node.module}.{n}" in mods:
                        aliases[alias.asname or n] = f"{node.module}.{n}"
                    elif _private(n) and node.module != name:
                        found.append((name, node.module, n))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("zhagen") and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
                and aliases[node.value.id] != name
            ):
                found.append((name, aliases[node.value.id], node.attr))
    return sorted(set(found))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _cycles(graph) -> tuple[list[list[str]], list[tuple[str, str]]]:
    import networkx as nx

    g = nx.DiGraph()
    for m in graph.modules:
        for dep in graph.find_modules_directly_imported_by(m):
            g.add_edge(m, dep)
    sccs = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    pairs = sorted({tuple(sorted((a, b))) for a, b in g.edges if g.has_edge(b, a) and a != b})
    return sccs, pairs


def main() -> None:
    import grimp

    mods = _modules()
    sizes = [len(p.read_text(encoding="utf-8").splitlines()) for p in mods.values()]
    graph = grimp.build_graph("zhagen", cache_dir=None)
    sccs, pairs = _cycles(graph)
    private = _private_imports(mods)
    print(
        f"modules {len(mods)}  median lines {statistics.median(sizes):g}  total lines {sum(sizes)}"
    )
    print(
        f"import cycles (with function-level imports): {len(sccs)} strongly connected "
        f"components over {sum(map(len, sccs))} modules; {len(pairs)} mutually importing pairs"
    )
    for c in sccs:
        print(f"  cycle over {len(c)}: {', '.join(c)}")
    runtime = grimp.build_graph("zhagen", cache_dir=None, exclude_type_checking_imports=True)
    sccs, pairs = _cycles(runtime)
    print(
        f"  of which at run time (without TYPE_CHECKING imports): {len(sccs)} components "
        f"over {sum(map(len, sccs))} modules; {len(pairs)} mutually importing pairs"
    )
    for c in sccs:
        print(f"    cycle over {len(c)}: {', '.join(c)}")
    print(
        f"private names imported across modules: {len(private)} "
        f"({len({(a, b) for a, b, _ in private})} module pairs)"
    )
    if "-v" in sys.argv:
        for importer, module, name in private:
            print(f"  {importer} <- {module}.{name}")


if __name__ == "__main__":
    main()
