"""Names on the command line: --cancer with synonyms, abbreviations and subtypes, --exact,
--group-cells, --context, explain by alias, viz --around, db query --param by name, evgraph terms."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evgraph import ontology
from evgraph.cli import app
from evgraph.db.library import load_query, parse_params, resolve_ids
from evgraph.errors import AmbiguousNameError, InputError, UnknownNameError
from tests.conftest import GOOD_ROWS, TERMS
from tests.embedded_server import embedded_db  # noqa: F401  (fixture)
from tests.test_ontology import HAS_GUIDE

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def ranked(*args) -> list[dict]:
    r = run("rank", "--top", "0", "-f", "json", *args)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)["rows"]


@pytest.mark.parametrize("name, says", [
    ("pancreatic cancer", "malignant pancreatic neoplasm (MONDO:0009831, synonym 'pancreatic cancer')"),
    ("PDAC", "pancreatic ductal adenocarcinoma (MONDO:0005184, curated name 'PDAC'): no records of its own or of a "
             "subtype; using those of the broader malignant pancreatic neoplasm (MONDO:0009831)"),
    ("NSCLC", "non-small cell lung carcinoma (MONDO:0005233, synonym 'NSCLC')"),
    ("GBM", "glioblastoma (MONDO:0018177, synonym 'GBM')"),
    ("breast cancer", "breast cancer (MONDO:0007254)"),
])
def test_rank_takes_the_cancer_names_biologists_write(name, says):
    r = run("rank", "--cancer", name, "--top", "3", "-f", "json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)["rows"]) == 3
    assert f"cancer: {says}\n" in r.stderr


def test_lung_cancer_includes_its_subtype_and_exact_leaves_it_out():
    lung, nsclc = ranked("--cancer", "lung cancer"), ranked("--cancer", "non-small cell lung carcinoma")
    exact = ranked("--cancer", "lung cancer", "--exact")
    assert len(lung) >= len(nsclc) and len(lung) > len(exact)
    assert {r["id"] for r in nsclc} <= {r["id"] for r in lung}
    r = run("rank", "--cancer", "lung cancer", "--exact", "-f", "json")
    assert ("cancer: lung cancer (MONDO:0008903) only; left out 2 subtypes: non-small cell lung carcinoma, "
            "small cell lung carcinoma") in r.stderr
    r = run("rank", "--cancer", "lung cancer", "-f", "json")
    assert ("cancer: lung cancer (MONDO:0008903) and 2 subtypes: non-small cell lung carcinoma, small cell lung "
            "carcinoma") in r.stderr


def test_glioma_covers_glioblastoma():
    glioma, gbm = ranked("--cancer", "glioma"), ranked("--cancer", "glioblastoma")
    assert {r["id"] for r in gbm} <= {r["id"] for r in glioma}


def test_the_table_caption_and_title_say_what_was_included(monkeypatch):
    from evgraph.cli import _common

    monkeypatch.setattr(_common, "is_terminal", lambda: True)
    r = run("rank", "--cancer", "lung cancer", "--top", "3")
    assert r.exit_code == 0, r.output
    text = " ".join(r.stdout.split())
    assert "Candidate therapeutic targets in lung cancer" in text
    assert ("Cancer: lung cancer (MONDO:0008903) and 2 subtypes: non-small cell lung carcinoma, small cell lung "
            "carcinoma.") in text


def test_the_cli_ranks_what_the_library_ranks_for_the_resolved_ids(bundled_graph):
    from evgraph.analysis.ranking import rank_targets
    from evgraph.names import scope

    s = scope(bundled_graph, "lung cancer", category="Cancer")
    res = rank_targets(bundled_graph, cancer=s.ids, methods=["degree"])
    assert res.params["n_candidates"] == len(ranked("--cancer", "lung cancer", "-m", "degree"))


@pytest.mark.parametrize("args, message", [
    (["rank", "--cancer", "pancreatc cancer"],
     "unknown cancer 'pancreatc cancer'; closest names: pancreatic cancer = malignant pancreatic neoplasm "
     "(MONDO:0009831)"),
    (["rank", "--cancer", "macrophage"], "unknown cancer 'macrophage'; macrophage (CL:0000235) is a cell type"),
    (["explain", "lymphocyte"], "'lymphocyte' is lymphocyte (CL:0000542), which is not a node of this graph; nodes "
                                "under it: "),
    (["explain", "miR-221"], "ambiguous node 'miR-221': it names hsa-miR-221 (hsa-miR-221), hsa-miR-221-3p "
                             "(hsa-miR-221-3p), hsa-miR-221-5p (hsa-miR-221-5p); give one of these ids"),
    (["explain", "PTEN", "--cancer", "PDAC", "--exact"], "pancreatic ductal adenocarcinoma (MONDO:0005184) is not a "
                                                         "cancer of this graph"),
    (["rank", "--candidates", "cells", "--group-cells", "lung cancer"], "unknown cell type 'lung cancer'"),
])
def test_a_bad_name_is_a_clear_error(args, message):
    r = run(*args)
    assert r.exit_code == 1, r.output
    assert message in r.stderr and "Traceback" not in r.output


@pytest.mark.parametrize("args", [
    ["rank", "--exact"],
    ["explain", "PTEN", "--exact"],
    ["viz", "--out", "x.html", "--exact"],
    ["rank", "--group-cells", "macrophage"],
])
def test_options_without_what_they_qualify_are_usage_errors(args):
    r = run(*args)
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_explain_finds_a_gene_by_its_alias():
    r = run("explain", "PD-L1", "-f", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert (data["id"], data["matched"], data["query"]) == ("hgnc.symbol:CD274", "alias", "PD-L1")
    assert data["n_chains"] > 0 and data["ranking"]["rank"] >= 1
    table = run("explain", "PD-L1")
    assert "CD274 (hgnc.symbol:CD274, Gene, alias 'PD-L1')" in table.stdout
    scoped = run("explain", "PD-L1", "--cancer", "NSCLC", "-f", "json")
    assert json.loads(scoped.stdout)["cancer_scope"]["id"] == "MONDO:0005233"


def test_rank_context_takes_a_cell_type_with_its_subtypes():
    assert ranked("--context", "lymphocyte", "-m", "ppr")  # not a node: its T cells, NK cells, ...
    macro = ranked("--context", "macrophage", "-m", "ppr")
    m2 = ranked("--context", "M2 macrophage", "-m", "ppr")
    assert macro and m2 and [r["id"] for r in macro[:5]] != [r["id"] for r in m2[:5]]


def test_cell_roles_grouped_at_a_chosen_term():
    plain = ranked("--candidates", "cells")
    grouped = ranked("--candidates", "cells", "--group-cells", "macrophage")
    ids = {r["id"] for r in grouped}
    assert "CL:0000890" in {r["id"] for r in plain} and "CL:0000890" not in ids   # M2 macrophage joined macrophage
    macro = next(r for r in grouped if r["id"] == "CL:0000235")
    assert {"CL:0000235", "CL:0000890", "CL:0000129"} <= set(macro["members"])
    assert len(grouped) == len(plain) - len(macro["members"]) + 1


def test_viz_around_a_mirna_name_and_exact_cancer(tmp_path):
    out = tmp_path / "n.html"
    r = run("viz", "--out", str(out), "--around", "miR-21", "--depth", "1", "--cancer", "lung cancer", "--exact")
    assert r.exit_code == 0, r.output
    assert "cancer: lung cancer (MONDO:0008903) only" in r.stderr and out.exists()


def test_terms_lists_names_synonyms_and_counts():
    r = run("terms", "--category", "Cancer", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = {x["name"]: x for x in json.loads(r.stdout)}
    assert {x["category"] for x in rows.values()} == {"Cancer"} and len(rows) >= 20
    lung, nsclc = rows["lung cancer"], rows["non-small cell lung carcinoma"]
    sclc = rows["small cell lung carcinoma"]
    assert "NSCLC" in nsclc["synonyms"] and nsclc["broader"] == ["MONDO:0008903"]
    assert lung["records"] > 0
    assert lung["records_with_subtypes"] == lung["records"] + nsclc["records"] + sclc["records"]
    assert rows["malignant pancreatic neoplasm"]["id"] == "MONDO:0009831"
    assert "pancreatic cancer" in rows["malignant pancreatic neoplasm"]["synonyms"]
    table = run("terms", "-c", "celltype", "-c", "BodyFluid")
    assert table.exit_code == 0 and "macrophage" in table.stdout and "blood plasma" in table.stdout
    assert "breast cancer" not in table.stdout
    every = run("terms", "-f", "json")
    assert {x["category"] for x in json.loads(every.stdout)} >= {"Cancer", "CellType", "BodyFluid", "Phenotype"}
    assert run("terms", "--category", "Gene").exit_code == 2


# a neoplasm outside the slim table (neither a knowledge-base term nor under "cancer" or the KB's cancers)
USER_TERMS = TERMS + "MONDO:0000488\tperiampullary adenoma\tcancer\n"


def user_kb(make_kb):
    return make_kb([{**GOOD_ROWS[0], "cancer": "MONDO:0000488"}, GOOD_ROWS[1]], terms=USER_TERMS)


@pytest.mark.skipif(not HAS_GUIDE, reason="needs the evgraph[ontology] extra")
def test_a_user_kb_term_outside_the_slim_table_is_resolved_through_the_guide(make_kb):
    assert "MONDO:0000488" not in ontology.slim()
    r = run("rank", "--kb", str(user_kb(make_kb)), "--cancer", "periampullary region of duodenum adenoma", "-f",
            "json")
    assert r.exit_code == 0, r.output
    assert ("cancer: periampullary adenoma (MONDO:0000488, synonym 'periampullary region of duodenum adenoma')"
            in r.stderr)


def test_without_the_guide_such_a_synonym_is_unknown_but_its_name_works(make_kb, monkeypatch):
    monkeypatch.setattr(ontology, "_load_guide", lambda: None)
    kb = str(user_kb(make_kb))
    r = run("rank", "--kb", kb, "--cancer", "periampullary region of duodenum adenoma")
    assert r.exit_code == 1 and "unknown cancer 'periampullary region of duodenum adenoma'; closest names:" in r.stderr
    assert run("rank", "--kb", kb, "--cancer", "periampullary adenoma", "-f", "json").exit_code == 0


def test_db_params_declared_as_ids_are_resolved_by_name():
    q = load_query("cargo_between_cells")
    assert [p.type for p in q.params] == ["id<CellType>", "id<CellType>", "id<Cancer>"]
    nodes = {"CellType": [("CL:0000057", "CellType", "fibroblast", None), ("CL:0001064", "CellType", "malignant cell",
                                                                           None),
                          ("CL:0000115", "CellType", "endothelial cell", None)],
             "Cancer": [("MONDO:0005233", "Cancer", "non-small cell lung carcinoma", None)]}
    asked = []

    def fetch(category):
        asked.append(category)
        return nodes[category]

    params = resolve_ids(q, parse_params(q, ["donor=CAFs", "recipient=malignant cells", "cancer=NSCLC"]), fetch)
    assert params == {"donor": "CL:0000057", "recipient": "CL:0001064", "cancer": "MONDO:0005233"}
    assert resolve_ids(q, parse_params(q, ["donor=CL:0000057"]), fetch)["cancer"] is None  # null stays null
    with pytest.raises(UnknownNameError, match="closest names: fibroblast"):
        resolve_ids(q, parse_params(q, ["donor=fibroblst"]), fetch)
    with pytest.raises(InputError, match=r"the nearest broader term in it: non-small cell lung carcinoma"):
        resolve_ids(q, parse_params(q, ["cancer=lung adenocarcinoma"]), fetch)  # a subtype the database lacks
    edge = load_query("edge_evidence")
    both = [("hgnc.symbol:CD274", "Gene", "CD274", "CD274"), ("protein:CD274", "Protein", "CD274 protein", "CD274"),
            ("hsa-miR-21", "MiRNA", "hsa-miR-21", None), ("hsa-miR-21-5p", "MiRNA", "hsa-miR-21-5p", None)]
    assert resolve_ids(edge, parse_params(edge, ["source=PD-L1", "target=hsa-miR-21"]), lambda c: both) == {
        "source": "hgnc.symbol:CD274", "target": "hsa-miR-21"}
    with pytest.raises(AmbiguousNameError, match="hsa-miR-21-5p"):
        resolve_ids(edge, parse_params(edge, ["source=miR-21"]), lambda c: both)


@pytest.mark.embedded
def test_db_query_by_name_returns_what_the_id_returns(embedded_db):
    def rows(*params):
        r = run("db", "query", "mirna_targets_of_cell_type", "--embedded", str(embedded_db.path), "-f", "json",
                *[x for p in params for x in ("--param", p)])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    assert rows("donor=CAFs") == rows("donor=CL:0000057") != []
    r = run("db", "query", "mirna_targets_of_cell_type", "--embedded", str(embedded_db.path), "--param", "donor=CAFz")
    assert r.exit_code == 1 and "unknown cell type 'CAFz'; closest names:" in r.stderr


def test_a_mirna_name_whose_forms_are_one_target_explains_that_target():
    # hsa-miR-21 and hsa-miR-21-5p are the only forms of miR-21 here: the ranking merges them
    r = run("explain", "miR-21", "-f", "json")
    assert r.exit_code == 0, r.output
    j = json.loads(r.stdout)
    assert j["id"] == "hsa-miR-21-5p" and set(j["ranking"]["forms"]) == {"hsa-miR-21", "hsa-miR-21-5p"}
