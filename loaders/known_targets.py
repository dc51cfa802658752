"""Known EV-related therapeutic targets: the reference list of the recovery benchmark.

``evgraph/data/known_targets.tsv`` (assembled from ``curation/p*.known_targets.tsv``)
lists molecules whose inhibition, knockdown, knockout or blockade in a tumour model
reduced tumour growth, metastasis, immune evasion or drug resistance through EVs, each
with its primary paper. It is kept apart from the knowledge base the ranking reads;
a user can score their own settings against their own list in the same format.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from evgraph.errors import Problem, ValidationError
from evgraph.loaders._tsv import read_tsv
from evgraph.tables import DOI, pmid_problem

__all__ = ["KNOWN_TARGET_COLUMNS", "bundled_known_targets", "load_known_targets"]

KNOWN_TARGET_COLUMNS = ("target", "target_kind", "intervention", "outcome", "cancer", "species", "model_system",
                        "pmids", "dois", "claim")
INTERVENTIONS = ("knockdown", "knockout", "inhibitor", "antibody", "antagomir", "blockade")
_SYMBOL = re.compile(r"^[A-Z0-9][A-Za-z0-9-]*$")
_MIRNA = re.compile(r"^[a-z]{3}-(miR|let)-[0-9]+[a-z]{0,2}(-[0-9]+)?(-[35]p)?$")


def bundled_known_targets() -> Path:
    return Path(str(resources.files("evgraph").joinpath("data", "known_targets.tsv")))


def load_known_targets(path: str | Path | None = None) -> list[dict]:
    """Read a known-targets file (the bundled one by default) into ``[{target, pmids, dois, ...}]``.

    ``target`` becomes the graph's node id: ``hgnc.symbol:SYMBOL`` for a gene,
    the miRBase name for a miRNA. Every problem is reported with file, line
    and column; nothing is returned unless the whole file is valid.

    Examples
    --------
    >>> rows = load_known_targets()
    >>> rows[0]["target"].startswith(("hgnc.symbol:", "hsa-", "mmu-")), bool(rows[0]["pmids"] or rows[0]["dois"])
    (True, True)
    """
    file = bundled_known_targets() if path is None else Path(path)
    out, problems = [], []
    for row in read_tsv(file, KNOWN_TARGET_COLUMNS):
        kind, target = row["target_kind"], row["target"]
        if kind == "gene" and _SYMBOL.match(target):
            node = "hgnc.symbol:" + target
        elif kind == "miRNA" and _MIRNA.match(target):
            node = target
        else:
            problems.append(row.problem("target", f"{target!r} is not a {kind} name (an HGNC symbol for a gene, "
                                                  "a miRBase name for a miRNA; target_kind gene or miRNA)"))
            continue
        if row["intervention"] not in INTERVENTIONS:
            problems.append(row.problem("intervention", f"{row['intervention']!r} is not one of "
                                                        f"{', '.join(INTERVENTIONS)}"))
        pmids = [p for p in row["pmids"].split(";") if p]
        dois = [d for d in row["dois"].split(";") if d]
        for p in pmids:
            reason = pmid_problem(p)
            if reason:
                problems.append(row.problem("pmids", f"PMID {p!r} {reason}"))
        for d in dois:
            if not DOI.match(d):
                problems.append(row.problem("dois", f"{d!r} is not a DOI like 10.1000/xyz123"))
        if not pmids and not dois:
            problems.append(row.problem("pmids", "every known target cites a PMID or a DOI"))
        out.append({"target": node, "symbol": target, "kind": kind, "intervention": row["intervention"],
                    "outcome": row["outcome"], "cancer": row["cancer"], "pmids": pmids, "dois": dois,
                    "claim": row["claim"], "origin": row.origin()})
    if problems:
        raise ValidationError(problems)
    if not out:
        raise ValidationError([Problem(str(file), 1, "", "no known targets in this file")])
    return out
