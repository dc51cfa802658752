"""The shipped gene-alias table is what curation/make_gene_aliases.py writes for the bundled knowledge base."""

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HGNC = Path(os.environ.get("EVGRAPH_REALDATA", "")) / "hgnc" / "hgnc_complete_set.txt.gz"


@pytest.mark.skipif(not os.environ.get("EVGRAPH_REALDATA") or not HGNC.exists(),
                    reason="needs EVGRAPH_REALDATA with hgnc/hgnc_complete_set.txt.gz (the shared real files)")
def test_the_shipped_alias_table_covers_the_current_knowledge_base(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_gene_aliases", ROOT / "curation" / "make_gene_aliases.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "OUT", tmp_path / "gene_aliases.tsv.gz")
    script.main([str(HGNC)])
    shipped = ROOT / "evgraph" / "data" / "gene_aliases.tsv.gz"
    assert (tmp_path / "gene_aliases.tsv.gz").read_bytes() == shipped.read_bytes(), (
        "a gene was added to the knowledge base: rerun python curation/make_gene_aliases.py <hgnc file>")
