"""The benchmarks' synthetic graphs are valid knowledge graphs (a bug: after the #18 checks they
were refused by validation, so every cold and warm benchmark run exited 1)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

from evgraph.exchange import write_csv


def _synthetic():
    spec = importlib.util.spec_from_file_location("synthetic", Path(__file__).parents[1] / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_graph_passes_validate(tmp_path):
    G = _synthetic().synthetic_graph(3000, seed=1)
    write_csv(G, tmp_path / "g")
    r = subprocess.run([sys.executable, "-m", "evgraph", "validate", str(tmp_path / "g")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "valid" in r.stdout


def test_synthetic_patient_association_kept_apart():
    G = _synthetic().synthetic_graph(3000, seed=1)
    recs = [d for _, d in G.nodes(data=True) if d["category"] == "CommunicationRecord"]
    assert recs and all(set(d["model_system"]) <= {"in_vitro", "in_vivo"} for d in recs)
    # the edges of a patient-association record still carry the strongest level
    patient = [n for n, d in G.nodes(data=True) if d.get("patient_samples")]
    assert patient
    assert all(d["evidence_level"] == "patient_samples" for _, _, d in G.out_edges(patient[0], data=True))
