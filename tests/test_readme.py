"""The README matches the program: every example output between ``<!-- evgraph:begin NAME -->`` marks
is what ``scripts/readme_blocks.py`` gets from the current code on the bundled knowledge base, and
the figures it shows are the ones ``scripts/readme_images.py`` writes."""

import importlib.util
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from evgraph.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_example_outputs_are_what_the_program_prints():
    blocks = load("readme_blocks")
    names = {m["name"] for m in blocks.BLOCK.finditer(README)}
    assert names == set(blocks.BLOCKS)
    _, changed = blocks.render(README)
    assert changed == [], f"README blocks out of date: {changed}; run python scripts/readme_blocks.py"


def test_readme_figures_are_the_ones_the_script_writes():
    shown = set(re.findall(r"\(docs/img/([\w.-]+\.png)\)", README))
    script = (ROOT / "scripts" / "readme_images.py").read_text("utf-8")
    written = set(re.findall(r'IMG / "([\w.-]+\.png)"', script))
    assert shown and shown <= written
    assert all((ROOT / "docs" / "img" / name).exists() for name in shown)


def test_readme_counts_of_the_bundled_graph():
    info = json.loads(CliRunner().invoke(app, ["info", "-f", "json"]).stdout)
    nodes, edges = sum(info["nodes"].values()), sum(info["edges"].values())
    assert f"bundled KB ({nodes:,} nodes, {edges:,} relationships)" in README
    assert f"**{info['communications']} EV communication records**" in README


def test_readme_names_every_command_and_what_the_tests_need():
    for command in ("rank", "explain", "evaluate", "terms", "methods", "info", "validate", "export", "viz", "plot",
                    "sources", "build", "db"):
        assert f"| `evgraph {command}" in README, command
    assert "Chromium" in README and "Java 17 or 21" in README and "Nothing else is needed" not in README
