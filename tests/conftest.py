"""Shared fixtures: the bundled knowledge base, its graph, and a writer for tiny KB folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Keep the CLI's graph cache out of the user's home while testing.
os.environ.setdefault("EVGRAPH_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "evgraph"))

from evgraph.loaders import load_kb
from evgraph.loaders.curated import COMMUNICATION_COLUMNS, OPTIONAL_COLUMNS

KB_COLUMNS = COMMUNICATION_COLUMNS + OPTIONAL_COLUMNS["communications.tsv"]
from evgraph.model import to_graph

TERMS = """id\tlabel\tkind
CL:0001064\tmalignant cell\tcell
CL:0000057\tfibroblast\tcell
CL:0000115\tendothelial cell\tcell
CL:0000235\tmacrophage\tcell
MONDO:0007254\tbreast cancer\tcancer
MONDO:0005575\tcolorectal cancer\tcancer
GO:0001525\tangiogenesis\tphenotype
evgraph:metastasis\tmetastasis\tphenotype
R-HSA-1257604\tPIP3 activates AKT signaling\tpathway
UBERON:0001977\tblood serum\tfluid
"""

GOOD_ROWS = [
    {"record_id": "EVC:0001", "cancer": "MONDO:0007254", "donor_cell": "CL:0001064", "donor_as_written": "MDA-MB-231",
     "cargo_type": "miRNA", "cargo_id": "hsa-miR-105-5p", "cargo_as_written": "miR-105",
     "recipient_cells": "CL:0000115", "recipient_as_written": "HUVEC", "ev_subtype": "exosome", "species": "human",
     "model_system": "in_vitro;in_vivo", "targets": "TJP1:represses", "pathways": "",
     "phenotypes": "evgraph:metastasis", "pmids": "24735924", "claim": "miR-105 targets ZO-1."},
    {"record_id": "EVC:0002", "cancer": "MONDO:0005575", "donor_cell": "CL:0000057", "donor_as_written": "CAFs",
     "cargo_type": "lncRNA", "cargo_id": "H19", "cargo_as_written": "lncRNA H19",
     "recipient_cells": "CL:0001064;CL:0000235", "recipient_as_written": "CRC cells", "ev_subtype": "exosome",
     "species": "human", "model_system": "in_vitro", "targets": "PTEN:represses",
     "pathways": "R-HSA-1257604", "phenotypes": "GO:0001525;evgraph:metastasis:inhibits", "pmids": "1;2",
     "claim": "made-up row for tests"},
]


def write_tsv(path: Path, columns, rows) -> Path:
    lines = ["\t".join(columns)] + ["\t".join(str(r.get(c, "")) for c in columns) for r in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def make_kb(tmp_path):
    """Write a tiny curated KB folder; ``make_kb(rows, files={"drugs.tsv": text})`` returns its path."""

    def make(rows=None, terms=TERMS, name="kb", files=None):
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        (folder / "terms.tsv").write_text(terms, "utf-8")
        write_tsv(folder / "communications.tsv", KB_COLUMNS, GOOD_ROWS if rows is None else rows)
        for fname, text in (files or {}).items():
            (folder / fname).write_text(text, "utf-8")
        return folder

    return make


@pytest.fixture(scope="session")
def bundled_tables():
    return load_kb()


@pytest.fixture(scope="session")
def bundled_graph(bundled_tables):
    return to_graph(bundled_tables)


def require(var: str) -> bool:
    return os.environ.get(var, "") not in ("", "0", "false")
