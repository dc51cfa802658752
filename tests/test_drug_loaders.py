"""Druggability from Open Targets and DGIdb: loaders on fixtures in the documented layouts, a built graph
whose ranking rows show the drugs with their phase and source, and ``explain`` saying which drugs reach a
target (fixtures: tests/fixtures/sources/opentargets, dgidb, dgidb4; see the README there)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from evgraph.cli import app
from evgraph.errors import ValidationError
from evgraph.loaders.build import SourceSpec, build
from evgraph.tables import validate
from tests.test_loaders_public import FIX, ctx, run

runner = CliRunner()


def targets(result) -> pd.DataFrame:
    e = result.tables.edges
    return e.loc[e["type"] == "TARGETS"].set_index(["source", "target"])


# -- Open Targets ------------------------------------------------------------------------------------

def test_opentargets_json_datasets_give_drug_nodes_and_targets_edges():
    r = run("opentargets", [FIX / "opentargets"])
    assert validate(r.tables) == []
    t = targets(r)
    assert set(t.index) == {("CHEMBL.COMPOUND:CHEMBL1201583", "hgnc.symbol:VEGFA"),
                            ("CHEMBL.COMPOUND:CHEMBL3188267", "hgnc.symbol:MET"),
                            ("CHEMBL.COMPOUND:CHEMBL2402737", "hgnc.symbol:MDM2"),
                            ("CHEMBL.COMPOUND:CHEMBL2325741", "hgnc.symbol:AKT1"),
                            ("CHEMBL.COMPOUND:CHEMBL9990001", "hgnc.symbol:TP53"),
                            ("CHEMBL.COMPOUND:CHEMBL9990002", "hgnc.symbol:TGFB1")}
    bev = t.loc[("CHEMBL.COMPOUND:CHEMBL1201583", "hgnc.symbol:VEGFA")]
    assert bev["action"] == "inhibitor" and bev["action_types"] == ["inhibitor"] and bev["max_phase"] == 4.0
    assert bev["mechanisms"] == ["Vascular endothelial growth factor A inhibitor"]
    assert bev["indications"] == ["breast carcinoma (EFO_0000305, phase 3)",
                                  "colorectal adenocarcinoma (EFO_0000365, phase 4)"]
    assert bev["pmids"] == []                          # an FDA label is no paper
    # the hydrochloride salt is folded into capmatinib, with the salt's indication; PubMed references are PMIDs
    cap = t.loc[("CHEMBL.COMPOUND:CHEMBL3188267", "hgnc.symbol:MET")]
    assert cap["pmids"] == ["1041", "1042"] and cap["indications"] == ["non-small cell lung carcinoma (EFO_0003060, phase 4)"]
    assert t.loc[("CHEMBL.COMPOUND:CHEMBL9990001", "hgnc.symbol:TP53"), "action"] == "activator"   # stabiliser
    mod = t.loc[("CHEMBL.COMPOUND:CHEMBL9990002", "hgnc.symbol:TGFB1")]
    assert pd.isna(mod["action"]) and pd.isna(mod["max_phase"])    # a modulator says no direction; phase -1
    names = r.tables.nodes.set_index("id")["name"]
    assert names["CHEMBL.COMPOUND:CHEMBL3188267"] == "CAPMATINIB"
    assert "CHEMBL.COMPOUND:CHEMBL4297297" not in names.index
    rep = r.report.as_dict()
    assert rep["rejected"]["mechanisms naming no target gene (a target family or an organism)"] == 1
    assert rep["unmapped"]["Ensembl gene id not in the HGNC file"]["examples"] == ["ENSG00000105221"]
    assert rep["unmapped"]["Ensembl gene id not in the HGNC file"]["first_seen"] == {
        "ENSG00000105221": "mechanismOfAction/part-00000-5d1b.c000.json:4"}


def test_opentargets_parquet_in_the_25_layout(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    for old, new in (("mechanismOfAction", "drug_mechanism_of_action"), ("molecule", "drug_molecule")):
        rows = [json.loads(x) for x in next((FIX / "opentargets" / old).glob("*.json")).read_text().splitlines()]
        if new == "drug_molecule":   # since the clinical-report rewrite: a stage, not a number
            stage = {4.0: "APPROVAL", 3.0: "PHASE_3", 0.5: "EARLY_PHASE_1", -1.0: "UNKNOWN"}
            for r in rows:
                r["maximumClinicalStage"] = stage[r.pop("maximumClinicalTrialPhase")]
                r.pop("synonyms", None), r.pop("childChemblIds", None), r.pop("isApproved", None)
        (tmp_path / new).mkdir()
        pq.write_table(pa.Table.from_pylist(rows), tmp_path / new / "part-00000-0a1b.snappy.parquet")
    r = run("opentargets", [tmp_path])
    t = targets(r)
    assert len(t) == 6
    idas = t.loc[("CHEMBL.COMPOUND:CHEMBL2402737", "hgnc.symbol:MDM2")]
    assert idas["max_phase"] == 3.0 and idas["clinical_stage"] == "phase 3" and pd.isna(idas["indications"])
    assert t.loc[("CHEMBL.COMPOUND:CHEMBL9990001", "hgnc.symbol:TP53"), "clinical_stage"] == "early phase 1"


def test_opentargets_without_hgnc_counts_every_ensembl_id_and_adds_nothing():
    _, summary = build([SourceSpec("opentargets", [FIX / "opentargets"])], curated=())
    s = next(s for s in summary.per_source if s["source"] == "opentargets")
    assert s["unmapped"]["Ensembl gene id (no symbol known: give the HGNC file)"]["distinct"] == 7
    assert any(w.startswith("opentargets added nothing") for w in summary.warnings)


def test_opentargets_errors_name_the_file_and_line(tmp_path):
    (tmp_path / "mechanismOfAction").mkdir()
    (tmp_path / "mechanismOfAction" / "part-0.json").write_text('{"chemblIds": ["CHEMBL1"], "targets": []}\n{oops\n')
    with pytest.raises(ValidationError, match=r"part-0.json:2: not a JSON object per line"):
        run("opentargets", [tmp_path])
    (tmp_path / "mechanismOfAction" / "part-0.json").write_text('{"chemblIds": ["aspirin"], "targets": ["ENSG1"]}\n')
    with pytest.raises(ValidationError, match=r"part-0.json:1: column 'chemblIds': expected ChEMBL ids"):
        run("opentargets", [tmp_path])
    (tmp_path / "mechanismOfAction" / "part-0.json").unlink()
    (tmp_path / "mechanismOfAction" / "part-0.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(ValidationError, match=r"part-0.parquet: cannot read as Parquet"):
        run("opentargets", [tmp_path])
    shutil.rmtree(tmp_path / "mechanismOfAction")
    (tmp_path / "molecule").mkdir()
    (tmp_path / "molecule" / "part-0.json").write_text("{}\n")
    with pytest.raises(ValidationError, match=r"opentargets needs the mechanismOfAction"):
        run("opentargets", [tmp_path])


# -- DGIdb ---------------------------------------------------------------------------------------------

def test_dgidb5_interactions_aggregate_claims_per_drug_and_gene():
    r = run("dgidb", [FIX / "dgidb"])
    assert validate(r.tables) == []
    t = targets(r)
    bev = t.loc[("CHEMBL.COMPOUND:CHEMBL1201583", "hgnc.symbol:VEGFA")]
    assert bev["source_databases"] == ["ChEMBL", "DrugBank"] and bev["interaction_types"] == ["antibody", "inhibitor"]
    assert bev["action"] == "antibody" and bev["interaction_score"] == pytest.approx(0.79)
    cap = t.loc[("CHEMBL.COMPOUND:CHEMBL3188267", "hgnc.symbol:MET")]
    assert cap["interaction_types"] == [] and pd.isna(cap["action"])   # NULL type: no direction
    # namespaces: RxNorm kept, NCIt (and no id) by name, as curated drug rows are named
    assert ("RXCUI:9990001", "hgnc.symbol:TP53") in t.index
    assert ("evgraph.drug:something", "hgnc.symbol:PTEN") in t.index
    assert ("evgraph.drug:anti-tgf-beta-antibody", "hgnc.symbol:TGFB1") in t.index
    assert r.report.as_dict()["unmapped"]["gene symbol (unknown)"]["first_seen"] == {"NOTAGENE": "interactions.tsv:8"}


def test_dgidb4_interactions_with_pmids_and_entrez_ids():
    r = run("dgidb", [FIX / "dgidb4"])
    t = targets(r)
    assert t.loc[("CHEMBL.COMPOUND:CHEMBL3188267", "hgnc.symbol:MET"), "pmids"] == ["1051", "1052"]
    mdm2 = t.loc[("CHEMBL.COMPOUND:CHEMBL2402737", "hgnc.symbol:MDM2")]
    assert mdm2["action"] == "antagonist" and mdm2["source_databases"] == ["ChemblInteractions", "TTD"]
    assert mdm2["pmids"] == ["1053"] and mdm2["interaction_types"] == ["antagonist", "inhibitor"]
    lost = r.report.as_dict()["unmapped"]["NCBI Gene id not in the HGNC file (another species' gene or a withdrawn id)"]
    assert lost["examples"] == ["619501"]   # HCC: the Entrez id decides


def test_dgidb_bad_score_names_line_and_column(tmp_path):
    text = (FIX / "dgidb" / "interactions.tsv").read_text().replace("\t0.31\t", "\thigh\t")
    (tmp_path / "interactions.tsv").write_text(text)
    with pytest.raises(ValidationError, match=r"interactions.tsv:5: column 'interaction_score': expected a number"):
        run("dgidb", [tmp_path])


def test_drug_targets_reach_a_mouse_build_only_through_orthologs():
    tables, summary = build([SourceSpec("hgnc", [FIX / "hgnc"]), SourceSpec("dgidb", [FIX / "dgidb"])],
                            species="mouse")
    assert not (tables.edges["type"] == "TARGETS").any()
    s = next(s for s in summary.per_source if s["source"] == "dgidb")
    assert any(k.startswith("drug target in a mouse build (give an ortholog file") for k in s["unmapped"])


# -- a graph built with them, ranked and explained --------------------------------------------------------

@pytest.fixture(scope="module")
def drug_graph(tmp_path_factory):
    out = tmp_path_factory.mktemp("drugs") / "graph"
    args = ["build", "--out", str(out)]
    for name in ("hgnc", "opentargets", "dgidb"):
        args += ["--source", f"{name}={FIX / name}"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return out, res


def test_sources_lists_opentargets_and_dgidb():
    rows = {r["name"]: r for r in json.loads(runner.invoke(app, ["sources", "--format", "json"]).stdout)}
    assert rows["opentargets"]["license"] == "CC0-1.0" and "Ochoa D" in rows["opentargets"]["citation"]
    assert rows["dgidb"]["files"][0]["patterns"][0] == "interactions.tsv"
    assert {"orthologs", "opentargets", "dgidb"} <= set(rows)


def test_drug_edges_from_both_sources_merge_and_keep_their_provenance(drug_graph):
    from evgraph.exchange import read_csv_tables

    out, res = drug_graph
    t = read_csv_tables(out)
    e = t.edges.set_index(["source", "target", "type"])
    bev = e.loc[("CHEMBL.COMPOUND:CHEMBL1201583", "hgnc.symbol:VEGFA", "TARGETS")]
    assert bev["knowledge_source"] == "opentargets;dgidb" and bev["max_phase"] == 4.0
    assert bev["source_databases"] == ["ChEMBL", "DrugBank"] and bev["action"] == "inhibitor"
    # DGIdb's anti-TGF-beta antibody is the curated drug of that name: one node, one edge
    tgf = e.loc[("evgraph.drug:anti-tgf-beta-antibody", "hgnc.symbol:TGFB1", "TARGETS")]
    assert tgf["knowledge_source"] == "evgraph-curated;dgidb"
    assert "merged: opentargets" in res.stderr and "merged: dgidb" in res.stderr


def test_ranking_rows_show_drugs_with_phase_and_source(drug_graph):
    out, _ = drug_graph
    res = runner.invoke(app, ["rank", "--graph", str(out), "--format", "json", "--top", "0"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in json.loads(res.stdout)["rows"]}
    assert rows["hgnc.symbol:VEGFA"]["drugs"] == ["BEVACIZUMAB (phase 4; opentargets, dgidb)"]
    assert rows["hgnc.symbol:MET"]["drugs"] == ["CAPMATINIB (phase 4; opentargets, dgidb)"]
    assert rows["hgnc.symbol:MDM2"]["drugs"] == ["IDASANUTLIN (phase 3; opentargets)"]
    # a curated drug keeps its plain name beside the database ones
    tgf = rows["hgnc.symbol:TGFB1"]["drugs"]
    assert "anti-TGF-beta antibody (evgraph-curated, dgidb)" in tgf and "EXAMPLE-MODULATOR (opentargets)" in tgf
    # an inhibitor from a database says inhibit
    assert rows["hgnc.symbol:MDM2"]["modality"] == "inhibit"
    table = runner.invoke(app, ["rank", "--graph", str(out), "--candidates", "genes", "--top", "0"])
    assert table.exit_code == 0 and "BEVACIZUMAB (phase 4; opentargets, dgidb)" in table.stdout


def test_explain_says_which_drugs_reach_a_target_and_their_phase(drug_graph):
    out, _ = drug_graph
    res = runner.invoke(app, ["explain", "MET", "--graph", str(out)])
    assert res.exit_code == 0, res.output
    assert "drugs reaching it: CAPMATINIB (phase 4; opentargets, dgidb)" in res.stdout
    js = json.loads(runner.invoke(app, ["explain", "VEGFA", "--graph", str(out), "--format", "json"]).stdout)
    assert js["ranking"]["drugs"] == ["BEVACIZUMAB (phase 4; opentargets, dgidb)"]
