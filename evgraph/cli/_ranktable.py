"""The ranking as people read it: the table of ``evgraph rank`` and what each row rests on."""

from __future__ import annotations

import sys

import typer

from evgraph.cli._table import Column, render, use_style, wrap

KIND = {"Gene": "gene", "MiRNA": "miRNA", "Protein": "protein", "LncRNA": "lncRNA", "CircRNA": "circRNA",
        "MRNA": "mRNA", "DNA": "DNA", "Drug": "drug", "Metabolite": "metabolite", "Lipid": "lipid",
        "CellType": "cell type", "BiomarkerClaim": "claim", "Pathway": "pathway", "Phenotype": "phenotype"}
ROLE = {"EV cargo": "cargo", "target of EV cargo": "cargo target", "EV machinery": "machinery",
        "drug target": "drug target", "drug": "drug", "EV biomarker": "biomarker"}
LEVEL = {"patient_samples": "patients", "in_vivo": "in vivo", "in_vitro": "in vitro", "unspecified": "unspecified"}
SHORT_METHOD = {"degree": "deg", "betweenness": "betw", "closeness": "clos", "pagerank": "PR", "katz": "katz",
                "ppr": "PPR", "harmonic": "harm", "eigenvector": "eig", "mcc": "MCC", "dmnc": "DMNC", "mnc": "MNC",
                "epc": "EPC", "bottleneck": "BN", "eccentricity": "ecc", "radiality": "rad", "stress": "stress"}


def restricted_arrays(G, cancer, species, evidence, model_system):
    """The columns of the part of the graph a filtered ranking ranked (as the ranking reads it)."""
    from evgraph.analysis.arrays import graph_arrays
    from evgraph.analysis.context import restrict

    return graph_arrays(restrict(G, cancer=cancer, species=species, evidence=evidence, model_system=model_system))


def add_evidence(A, records: list[dict]) -> None:
    """Give each row the papers behind it and the strongest level at which one of them showed it.

    ``pmids`` and ``dois`` list the distinct papers cited by the edges of the row's forms (the
    ones ``n_pmids`` counts; a paper known by both is listed by its PMID), ``best_evidence`` the
    strongest level (patient samples, in vivo, in vitro, unspecified) over those papers.
    """
    import numpy as np

    from evgraph.schema import load_schema

    order = {lv: i for i, lv in enumerate(load_schema().evidence_levels)}
    owner = np.full(len(A.nodes), -1, dtype=np.int64)
    for i, r in enumerate(records):
        for f in r["forms"]:
            j = A.index.get(f)
            if j is not None:
                owner[j] = i
    edge = np.repeat(np.arange(len(A.src)), np.diff(A.unit_ptr))
    papers: list[set] = [set() for _ in records]
    best: list[int | None] = [None] * len(records)
    rank_of = np.array([order.get(lv, len(order)) for lv in A.levels] or [0], dtype=np.int64)
    for end in (A.src, A.dst):
        rows = owner[end[edge]]
        sel = np.flatnonzero(rows >= 0)
        for r, p, lv in zip(rows[sel].tolist(), A.unit_idx[sel].tolist(), rank_of[A.unit_level[sel]].tolist()):
            papers[r].add(p)
            if best[r] is None or lv < best[r]:
                best[r] = lv
    levels = sorted(order, key=order.get)
    for r, found, b in zip(records, papers, best):
        keys = [A.papers[p] for p in found]
        r["pmids"] = sorted((k for k in keys if k.isdigit()), key=lambda k: (len(k), k))
        r["dois"] = sorted(k for k in keys if not k.isdigit())
        r["best_evidence"] = levels[b] if b is not None and b < len(levels) else None


def caption(res) -> str:
    """What the columns mean and what was ranked, as one paragraph."""
    p = res.params
    tau = res.agreement.get("mean_kendall_tau")
    scope = p.get("cancer_scope")
    text = (f"Cancer: {scope['description']}. " if scope else "") + (
        f"{p['n_candidates']} candidates ({p['candidates']}; one row per {p['granularity']}) from "
        f"{p['n_records']} communication records; network of {p['graph']['nodes']} nodes, {p['graph']['edges']} links; "
        f"consensus ({p['consensus']}) of {', '.join(p['methods'])}"
        f"{'' if tau is None else f', mean Kendall tau between methods {tau:.2f}'}; engine {p['engine']}. "
        "score: " + ("-log10 of the RRA rho, higher = more consistently near the top"
                     if p["consensus"] == "rra" else "1 - the scaled mean rank") + "; "
        "direction: what a therapy would do to the target (explain NAME says why); papers: distinct papers "
        "behind its links; evidence: the strongest level one of them showed.")
    if p["bootstrap"]:
        text += (f" interval: {int(p['ci'] * 100)}% rank interval over {p['bootstrap']} bootstrap replicates "
                 f"resampling {p['bootstrap_papers']} papers; top{p['top_k']}: share of replicates in the top "
                 f"{p['top_k']}.")
    if p["permutations"]:
        text += (f" q: Benjamini-Hochberg q-value of the permutation p-value ({p['permutations']} "
                 "degree-preserving rewirings).")
    if p.get("substituted"):
        text += " Large graph: " + ", ".join(f"{a} estimated as {b}" for a, b in p["substituted"].items()) + "."
    return text


def hint(p: dict, details: bool, width: int = 10**6) -> str | None:
    """One line on what else can be shown (in fewer words when the terminal is narrow), or
    ``None`` when it is all there."""
    wanted = [(not p["bootstrap"], "--bootstrap 100", "rank intervals", "intervals"),
              (not p["permutations"], "--permutations 100", "q-values", "q"),
              (not details, "--details", "per-method ranks", "methods")]
    long = ", ".join(f"{opt} ({what})" for want, opt, what, _ in wanted if want)
    short = ", ".join(f"{opt} ({what})" for want, opt, _, what in wanted if want)
    if not long:
        return None
    return f"Add {long}." if len(long) + 5 <= width else f"Add {short}."


def columns(res, records: list[dict], *, details: bool, full: bool) -> list[Column]:
    """The table's columns; ``full`` (piped output) keeps every cell whole and adds ids."""
    p = res.params
    boot, perm = bool(p["bootstrap"]), bool(p["permutations"])

    def num(x, digits=3):  # piped output keeps the numbers as the JSON has them
        return "" if x is None else (str(x) if full else f"{x:.{digits}g}")

    def col(header, values, priority=0, align="left", items=None, min_width=12, noun=""):
        return Column(header, [("" if v is None else str(v)) for v in values], priority, align,
                      None if full else items, min_width, noun)

    cols = [col("rank", [r["rank"] for r in records], align="right"),
            col("target", [r["name"] for r in records])]
    if full or details:
        cols.append(col("id", [r["id"] for r in records], 5))
    cols += [col("kind", [KIND.get(r["category"], r["category"]) for r in records], 4),
             col("direction", [r["modality"] for r in records]),
             col("score", [num(r["score"]) for r in records], 1, "right")]
    if boot:
        cols += [col("interval", [f"{r['rank_low']}-{r['rank_high']}" for r in records], 0, "right"),
                 col(f"top{p['top_k']}", [f"{r['top_k_frequency']:.0%}" for r in records], 3, "right")]
    if perm:
        if details or full:
            cols.append(col("p", [num(r["p_value"], 2) for r in records], 2, "right"))
        cols.append(col("q", [num(r["q_value"], 2) for r in records], 0, "right"))
    if details:
        for m in p["methods"]:
            cols.append(col(SHORT_METHOD.get(m, m[:6]), [r.get(f"{m}_rank") for r in records], 2, "right"))
    roles = [[ROLE.get(x, x) for x in r["roles"]] for r in records]
    cols += [col("papers", [r["n_pmids"] for r in records], 1, "right"),
             col("evidence", [LEVEL.get(r.get("best_evidence"), "") for r in records], 3),
             col("roles", [", ".join(x) for x in roles], 2, items=roles, min_width=12),
             col("drugs", [", ".join(r["drugs"]) for r in records], 3, items=[r["drugs"] for r in records],
                 min_width=14, noun="drugs"),
             col("cancers", [", ".join(r["cancers"]) for r in records], 4,
                 items=[r["cancers"] for r in records], min_width=16, noun="cancers")]
    if full or details:
        others = [[n for n, f in zip(r["form_names"], r["forms"]) if f != r["id"]] for r in records]
        cols.append(col("also as", [", ".join(o) for o in others], 5, items=others, min_width=12))
    if not full and not any(r["drugs"] for r in records):
        cols = [c for c in cols if c.header != "drugs"]  # no drug acts on any row shown
    return cols


def show(res, records: list[dict], *, details: bool, caption: str) -> None:
    """The table on a terminal (fitted to its width), tab-separated text when piped; the caption
    and the hint go under the table on a terminal and to stderr when piped."""
    from evgraph.cli._common import is_terminal, terminal_width

    p = res.params
    title = "Candidate therapeutic targets" + (f" in {p['cancer']}" if p["cancer"] else "")
    width = terminal_width()
    tip = hint(p, details, width)
    if not is_terminal():
        cols = columns(res, records, details=details, full=True)
        lines = ["\t".join(c.header for c in cols)]
        lines += ["\t".join(c.cells[i] for c in cols) for i in range(len(records))]
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        typer.echo(f"{title}. {caption}" + (f"\n{tip}" if tip else ""), err=True)
        return
    style = use_style()
    bold, dim, reset = ("\033[1m", "\033[2m", "\033[0m") if style else ("", "", "")
    lines = [bold + line + reset for line in wrap(title, width)]
    lines += render(columns(res, records, details=details, full=False), width, style=style)
    lines.append(dim + "\n".join(wrap(caption, width)) + reset)
    if tip:
        lines += wrap(tip, width)
    sys.stdout.write("\n".join(lines) + "\n")
