"""``evgraph build`` on real public downloads (issue #15): each source alone and all together.

The files are read from the folder named by ``EVGRAPH_REALDATA`` (``.ci/run`` sets it to
``../shared/realdata`` when that folder exists; its README lists the files) and are never copied
into the repository. Without the variable every test here is skipped, saying why. The figures
asserted below were read from these files' builds; they change only if the files or the loaders do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from evgraph.cli import app

REAL = os.environ.get("EVGRAPH_REALDATA")
pytestmark = pytest.mark.skipif(not REAL, reason="EVGRAPH_REALDATA is not set: no folder of real public "
                                                 "downloads to check the loaders on (see .ci/run)")
runner = CliRunner()

# (name in Reactome's gene sets, the human gene an HGNC alias would have made of it): influenza,
# HCMV, SARS-CoV, M. tuberculosis and B. anthracis proteins listed in human pathways
PATHOGEN_ALIASES = {"NA": "XK", "PB1": "PBRM1", "gH": "GH1", "gM": "PPP1R3A", "UL5": "RPL11", "UL18": "RPL5",
                    "US10": "RPS20", "US12": "RPS23", "US14": "RPS29", "NEC1": "PCSK1", "NEC2": "PCSK2",
                    "SCP": "SLC50A1", "TRM3": "TARBP1", "TRX1": "KMT2A", "TRX2": "KMT2B", "8b": "SYNE1",
                    "pp1a": "PPP1CA", "tpx": "TPO", "ggtA": "GGTA1P", "pagA": "PRDX1"}


def real(*parts) -> Path:
    path = Path(REAL, *parts)
    if not path.exists():
        pytest.fail(f"{path} is missing from EVGRAPH_REALDATA={REAL} (see its README)")
    return path


def build(tmp_path, name, *sources, species="human"):
    out = tmp_path / name
    args = ["build", "--out", str(out), "--species", species]
    for s in sources:
        args += ["--source", s]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    summary = json.loads((out / "build-summary.json").read_text())
    edges = pd.read_csv(out / "edges.csv", dtype=str, keep_default_na=False)
    return summary, edges, res


def source(summary, name):
    return next(s for s in summary["sources"] if s["source"] == name)


@pytest.fixture(scope="module")
def files():
    return {"hgnc": f"hgnc={real('hgnc', 'hgnc_complete_set.txt.gz')}", "reactome": f"reactome={real('reactome')}",
            "gmt": f"gmt={real('gmt')}", "string": f"string={real('string')}"}


def no_pathogen_mapped(edges: pd.DataFrame) -> None:
    """No pathway gains a human gene through the alias of a pathogen protein it lists."""
    from evgraph.loaders._read import read_gmt

    listed = read_gmt(real("reactome", "ReactomePathways.gmt")).groupby("description")["gene"].agg(set).to_dict()
    member = set(zip(edges.loc[edges["type"] == "PARTICIPATES_IN", "source"],
                     edges.loc[edges["type"] == "PARTICIPATES_IN", "target"]))
    wrong = [(name, gene, pid) for name, gene in PATHOGEN_ALIASES.items() for pid, genes in listed.items()
             if name in genes and gene not in genes and (f"hgnc.symbol:{gene}", f"REACT:{pid}") in member]
    assert wrong == []


def test_reactome_alone_counts_invalid_names_and_infection_only_names(tmp_path, files):
    summary, edges, res = build(tmp_path, "reactome", files["reactome"])
    r = source(summary, "reactome")
    bad = r["unmapped"]["gene symbol (not a valid symbol)"]
    assert bad["distinct"] == 16 and {"18S rRNA", "28S rRNA", "5S rRNA"} <= set(bad["examples"])
    assert bad["first_seen"]["18S rRNA"].startswith("ReactomePathways.gmt:")
    only = next(v for k, v in r["unmapped"].items() if k.startswith("name listed only in infection pathways"))
    assert only["distinct"] == 240
    assert r["rows_read"] > 2_500 + 20_000           # the pathway and hierarchy files are counted too
    assert any("pathways of species other than Homo sapiens" in k for k in r["rejected"])
    assert not edges["source"].str.contains(" ").any()
    assert "ReactomePathways.gmt:" in res.stderr     # unmapped examples carry file and line


def test_reactome_with_hgnc_maps_no_pathogen_protein_to_a_human_gene(tmp_path, files):
    summary, edges, _ = build(tmp_path, "reactome_hgnc", files["hgnc"], files["reactome"])
    no_pathogen_mapped(edges)
    u = source(summary, "reactome")["unmapped"]
    assert u["other organism's protein in an infection pathway (not a human gene)"]["distinct"] == 87
    assert set(u["gene symbol (alias in another case)"]["examples"]) == {"8b", "cd21"}


@pytest.mark.parametrize("gmt", ["h.all.v7.4.symbols.gmt", "h.all.v7.4.entrez.gmt"])
def test_a2m_is_in_the_hallmark_sets_from_both_gmt_files(tmp_path, files, gmt):
    summary, edges, _ = build(tmp_path, gmt, files["hgnc"], f"gmt={real('gmt', gmt)}")
    a2m = set(edges.loc[(edges["type"] == "IN_GENE_SET") & (edges["source"] == "hgnc.symbol:A2M"), "target"])
    assert a2m == {"geneset:HALLMARK_COAGULATION", "geneset:HALLMARK_IL6_JAK_STAT3_SIGNALING"}
    assert not edges["source"].str.fullmatch(r"hgnc\.symbol:\d+").any()
    g = source(summary, "gmt")
    assert g["edges_added"] + g["edges_merged"] == (7_321 if "entrez" in gmt else 7_279)


def test_gmt_alone_without_hgnc_reads_entrez_ids_as_ids(tmp_path, files):
    summary, edges, _ = build(tmp_path, "gmt", files["gmt"])
    u = source(summary, "gmt")["unmapped"]["NCBI Gene id (no symbol known: give the HGNC file)"]
    assert u["distinct"] == 4_383 and u["rows"] == 7_321
    assert not edges["source"].str.fullmatch(r"hgnc\.symbol:\d+").any()


def test_mouse_string_in_a_human_build_warns_that_it_added_nothing(tmp_path, files):
    summary, _, res = build(tmp_path, "string_human", files["string"])
    s = source(summary, "string")
    assert s["rejected"] == {"links of species other than taxon 9606 (Homo sapiens)": 18}
    assert "warning: string added nothing (18 of 18 rows rejected: links of species other than taxon 9606" in res.stderr


def test_mouse_string_under_species_mouse_adds_mgi_edges(tmp_path, files):
    summary, edges, res = build(tmp_path, "string_mouse", files["string"], species="mouse")
    s = source(summary, "string")
    assert s["edges_added"] == 1 and s["rejected"] == {"links with combined_score < 700": 17}
    links = edges.loc[edges["type"] == "INTERACTS_WITH"]
    assert len(links) == 1 and links["source"].str.startswith("mgi.symbol:").all()
    assert not edges["source"].str.startswith("hgnc.symbol:").any()      # the human curated base stayed out
    assert "curated knowledge base not merged" in res.stderr


def test_hgnc_alone(tmp_path, files):
    summary, _, _ = build(tmp_path, "hgnc", files["hgnc"])
    assert source(summary, "hgnc")["entries"] == 41_562


def test_everything_together(tmp_path, files):
    summary, edges, res = build(tmp_path, "all", *files.values())
    no_pathogen_mapped(edges)
    assert source(summary, "gmt")["unmapped"]["gene symbol (unknown)"]["distinct"] == 28
    assert {"curated knowledge base (bundled)", "gmt 7.4", "reactome unknown"} <= {
        m.split(":")[0] for m in summary["merged"]}
    assert any(w.startswith("string added nothing") for w in summary["warnings"])
    ranked = runner.invoke(app, ["rank", "--graph", str(tmp_path / "all"), "--candidates", "targets", "--top", "5"])
    assert ranked.exit_code == 0, ranked.output


def test_everything_together_for_mouse(tmp_path, files):
    summary, edges, res = build(tmp_path, "all_mouse", *files.values(), species="mouse")
    assert not edges["source"].str.startswith("hgnc.symbol:").any()
    assert not edges["target"].str.startswith("hgnc.symbol:").any()
    # human gene sets stay out without an ortholog file, and the summary says why
    assert any(w.startswith("gmt added nothing") and "human gene in a mouse build" in w for w in summary["warnings"])
    assert (edges["type"] == "INTERACTS_WITH").sum() == 1
