"""``evgraph rank`` and ``evgraph explain``: the main job."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import (
    DEFAULT_KB, KbOption, LazyGraph, emit, fail, handle_errors, is_terminal, load_arrays, load_graph, print_table,
    to_json,
)

CANDIDATES = ("cargo", "targets", "machinery", "receptors", "genes", "drugs", "all", "cells")


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _split_methods(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    from evgraph.analysis.methods import DEFAULT_METHODS, METHODS

    out: list[str] = []
    for v in values:
        for name in v.split(","):
            name = name.strip()
            if name == "default":
                out += list(DEFAULT_METHODS)
            elif name == "all":
                out += [m for m in METHODS if not METHODS[m].needs_seeds]
            elif name == "cytohubba":
                out += ["mcc", "dmnc", "mnc", "epc", "bottleneck", "eccentricity", "radiality", "stress"]
            elif name:
                out.append(name)
    return list(dict.fromkeys(out))


def _csv(records: list[dict]) -> str:
    import io

    import pandas as pd

    flat = [{k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()} for r in records]
    buf = io.StringIO()
    pd.DataFrame(flat).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def _fmt(x, nd=3):
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.{nd}g}"
    return str(x)


def _output(records, format, out, print_table_fn):
    """JSON or CSV to a file or stdout; the table (terminal or piped text) to stdout only."""
    if format == Format.json:
        emit(to_json(records), out)
    elif format == Format.csv:
        emit(_csv(records), out)
    elif out is not None:
        raise fail("--out needs --format csv or json")
    else:
        print_table_fn()


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def rank(
        method: Annotated[list[str] | None, typer.Option(
            "--method", "-m", help="Method(s), repeat or comma-separate; 'default', 'cytohubba', 'all'. "
            "See 'evgraph methods'.")] = None,
        cancer: Annotated[str | None, typer.Option(help="Restrict to a cancer (id or name).")] = None,
        context: Annotated[list[str] | None, typer.Option(
            "--context", "--seed-node", help="Seeds for personalised PageRank: a cancer, phenotype, cell type "
            "or node id. Repeatable.")] = None,
        candidates: Annotated[str, typer.Option(help=f"Candidates: {', '.join(CANDIDATES)}.")] = "all",
        granularity: Annotated[str, typer.Option(
            help="target: a gene with its protein, mRNA, lncRNA and DNA products, a miRNA with its arm-less "
            "name, as one row (default); molecule: one row per node.")] = "target",
        include_biomarkers: Annotated[bool, typer.Option(
            "--include-biomarkers", help="Keep biomarker claims in the network and molecules known only "
            "from them as candidates.")] = False,
        top: Annotated[int, typer.Option(help="Show the best N (0 = all).")] = 20,
        bootstrap: Annotated[int, typer.Option(
            help="Bootstrap replicates resampling the papers behind the evidence (rank intervals, top-10 "
            "frequency).")] = 0,
        permutations: Annotated[int, typer.Option(help="Degree-preserving permutations (p-values).")] = 0,
        random_seed: Annotated[int, typer.Option("--random-seed", help="Seed of every random step.")] = 0,
        consensus: Annotated[str, typer.Option(help="Consensus: rra (robust rank aggregation) or borda.")] = "rra",
        species: Annotated[str | None, typer.Option(help="Restrict to records in human, mouse or rat.")] = None,
        evidence: Annotated[str | None, typer.Option(
            help="Minimum evidence: in_vitro, in_vivo or patient_samples.")] = None,
        model_system: Annotated[str | None, typer.Option(
            "--model-system", help="Keep records that used in_vitro, in_vivo or patient_samples.")] = None,
        engine: Annotated[str, typer.Option(
            help="auto, networkx, igraph, or neo4j (degree, PageRank and betweenness computed inside Neo4j "
            "with GDS; connection from $NEO4J_URI, $NEO4J_USER, $NEO4J_PASSWORD).")] = "auto",
        jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes for the methods on large graphs, "
                                          "bootstrap and permutations (0 = all available cores); results do not "
                                          "depend on it.")] = 0,
        format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
        kb: KbOption = DEFAULT_KB,
    ):
        """Rank candidate therapeutic targets by network centrality, with consensus, rank
        intervals, permutation p-values, PMIDs and known drugs."""
        if candidates not in CANDIDATES:
            raise fail(f"unknown candidate set {candidates!r}; valid choices: {', '.join(CANDIDATES)}")
        if granularity not in ("target", "molecule"):
            raise fail(f"unknown granularity {granularity!r}; valid choices: target, molecule")
        _check_names(cancer=cancer, species=species, evidence=evidence, model_system=model_system)
        if top < 0:
            raise fail("--top must be >= 0")
        if jobs < 0:
            raise fail("--jobs must be >= 0 (0 = all available cores)")
        jobs = jobs or len(os.sched_getaffinity(0))
        if candidates == "cells":
            _rank_cells(load_graph(kb), cancer, species, evidence, model_system, consensus, top, format, out,
                        bootstrap or permutations or method)
            return
        from evgraph.analysis.ranking import rank_targets

        methods = _split_methods(method)
        arrays = load_arrays(kb)
        filtered = any(x is not None for x in (cancer, species, evidence, model_system))
        # the columns answer a plain ranking; the graph itself is read only when something needs it
        G = load_graph(kb) if filtered or context or permutations or engine == "neo4j" else LazyGraph(kb)
        precomputed = None
        if engine == "neo4j":
            methods, precomputed = _neo4j_scores(G, methods, cancer, species, evidence, model_system, random_seed)
            engine = "auto"
            if granularity == "target":
                typer.echo("Note: --engine neo4j ranks molecules (GDS scores the nodes as stored): one row per "
                           "molecule, as with --granularity molecule", err=True)
                granularity = "molecule"
        res = rank_targets(G, methods=methods, candidates=candidates, granularity=granularity, cancer=cancer,
                           species=species, evidence=evidence, model_system=model_system, context=context,
                           consensus=consensus, include_biomarkers=include_biomarkers, bootstrap=bootstrap,
                           permutations=permutations, seed=random_seed, engine=engine, n_jobs=jobs,
                           precomputed=precomputed, arrays=arrays)
        for warning in res.params["warnings"]:
            typer.echo(f"Warning: {warning}", err=True)
        records = res.records(top or None)
        _output(records, format, out, lambda: _print_rank(res, records))

    def _neo4j_scores(G, methods, cancer, species, evidence, model_system, seed):
        """Scores from GDS inside Neo4j for the methods it offers (the database must hold the graph)."""
        from evgraph.analysis.context import restrict
        from evgraph.db.connection import Settings
        from evgraph.db.gds import GDS_METHODS, gds_scores

        methods = methods or list(GDS_METHODS)
        outside = [m for m in methods if m not in GDS_METHODS and m != "ppr"]
        if outside:
            raise fail(f"--engine neo4j computes {', '.join(GDS_METHODS)}; not {', '.join(outside)}")
        ids = None
        if any(x is not None for x in (cancer, species, evidence, model_system)):
            ids = sorted(restrict(G, cancer=cancer, species=species, evidence=evidence, model_system=model_system))
        wanted = [m for m in methods if m in GDS_METHODS]
        return methods, gds_scores(Settings.from_env(), wanted, node_ids=ids, seed=seed)

    def _rank_cells(G, cancer, species, evidence, model_system, consensus, top, format, out, extra):
        if extra:
            raise fail("--method, --bootstrap and --permutations apply to molecular candidates; "
                       "cell types are ranked by their four roles")
        from evgraph.analysis.context import restrict
        from evgraph.analysis.roles import rank_cells

        H = restrict(G, cancer=cancer, species=species, evidence=evidence, model_system=model_system)
        df = rank_cells(H, consensus=consensus)
        if top:
            df = df.head(top)
        records = [{k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()}
                   for r in df.to_dict("records")]
        _output(records, format, out, lambda: _print_cells(records))

    def _print_cells(records):
        cols = ["rank", "name", "main_role", "score", "sender", "receiver", "mediator", "influencer", "records"]
        rows = [[r["rank"], r["name"], r["main_role"], _fmt(r["score"]),
                 *[f"{_fmt(r[f'{x}_score'])} (#{r[f'{x}_rank']})" for x in
                   ("sender", "receiver", "mediator", "influencer")], r["records"]] for r in records]
        print_table("Cell-type roles in EV communication", cols, rows,
                    caption="sender/receiver: weighted out/in-degree; mediator: betweenness; "
                    "influencer: information centrality; score: -log10 RRA rho across roles")

    def _print_rank(res, records):
        p = res.params
        boot, perm = bool(p["bootstrap"]), bool(p["permutations"])
        cols = ["rank", "target", "also as", "modality", "score"]
        cols += ["interval", f"top{p['top_k']}"] if boot else []
        cols += ["p", "q"] if perm else []
        cols += ["papers", "roles", "drugs"]
        rows = []
        for r in records:
            others = [n for n, f in zip(r["form_names"], r["forms"]) if f != r["id"]]
            row = [r["rank"], r["name"], ", ".join(others), r["modality"], _fmt(r["score"])]
            if boot:
                row += [f"{r['rank_low']}-{r['rank_high']}", f"{r['top_k_frequency']:.0%}"]
            if perm:
                row += [_fmt(r.get("p_value"), 2), _fmt(r.get("q_value"), 2)]
            row += [r["n_pmids"], ", ".join(r["roles"]), ", ".join(r["drugs"])]
            rows.append(row)
        tau = res.agreement.get("mean_kendall_tau")
        caption = (f"{p['n_candidates']} {p['candidates']} candidates ({p['granularity']}s) from "
                   f"{p['n_records']} communication records; graph {p['graph']['nodes']} nodes, "
                   f"{p['graph']['edges']} links; engine {p['engine']}; consensus {p['consensus']} of "
                   f"{', '.join(p['methods'])}{'' if tau is None else f' (mean Kendall tau {tau:.2f})'}. "
                   "score: -log10 RRA rho (higher = more consistently top-ranked); modality: what a therapy "
                   "would do to the target (explain NAME shows why).")
        if boot:
            caption += (f" interval: {int(p['ci'] * 100)}% rank interval over {p['bootstrap']} bootstrap "
                        f"replicates resampling {p['bootstrap_papers']} papers; top{p['top_k']}: share of "
                        f"replicates in the top {p['top_k']}.")
        else:
            caption += " Add --bootstrap 100 for rank intervals."
        if perm:
            caption += (f" p: permutation p-value ({p['permutations']} degree-preserving rewirings); q: "
                        "Benjamini-Hochberg across the candidates.")
        else:
            caption += " Add --permutations 100 for p-values."
        if p.get("substituted"):
            caption += " Large graph: " + ", ".join(f"{a} estimated as {b}" for a, b in p["substituted"].items()) + "."
        title = "Candidate therapeutic targets" + (f" in {p['cancer']}" if p["cancer"] else "")
        print_table(title, cols, rows, caption=caption)

    def _check_names(**given):
        for option, value in given.items():
            if value is not None and not value.strip():
                raise fail(f"--{option.replace('_', '-')} is empty: give a name or id, or leave the option out")

    @app.command()
    @handle_errors
    def explain(
        node: Annotated[str, typer.Argument(help="A node id, name or symbol (e.g. PTEN, hsa-miR-21-5p).")],
        cancer: Annotated[str | None, typer.Option(help="Restrict to a cancer (id or name).")] = None,
        top: Annotated[int, typer.Option(help="How many evidence chains to show.")] = 5,
        method: Annotated[list[str] | None, typer.Option("--method", "-m", help="Methods for the scores.")] = None,
        format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
        kb: KbOption = DEFAULT_KB,
    ):
        """Why a candidate ranks where it does: its evidence chains (each step with PMIDs)
        and its per-method scores and ranks."""
        if format == Format.csv:
            raise fail("explain supports --format table or json")
        from evgraph.analysis.context import candidates as all_candidates
        from evgraph.analysis.context import restrict
        from evgraph.analysis.explain import explain_node
        from evgraph.analysis.ranking import rank_targets

        _check_names(cancer=cancer)
        if not node.strip():
            raise fail("give a node to explain: an id, a name or a symbol (e.g. PTEN, hsa-miR-21-5p)")
        G = load_graph(kb)
        result = explain_node(G, node, cancer=cancer, top=top)
        nid = result["id"]
        ranking = None
        if nid in all_candidates(restrict(G, cancer=cancer) if cancer else G, "all"):
            res = rank_targets(G, methods=_split_methods(method), candidates="all", cancer=cancer)
            row = next((r for r in res.rows if nid in r["forms"]), None)
            if row is not None:
                ranking = {"rank": int(row["rank"]), "of": len(res.rows), "target": row["id"],
                           "forms": row["forms"], "roles": row["roles"], "score": round(float(row["score"]), 6),
                           "modality": row["modality"], "modality_evidence": row["modality_evidence"],
                           "methods": {m: {"score": round(float(row[f"{m}_score"]), 6),
                                           "rank": int(row[f"{m}_rank"])} for m in res.params["methods"]}}
        result["ranking"] = ranking
        if format == Format.json:
            typer.echo(to_json(result), nl=False)
            return
        _print_explain(result)

    def _print_explain(result):
        from rich.console import Console
        from rich.markup import escape

        console = Console(highlight=False, soft_wrap=not is_terminal())
        console.print(f"[bold]{escape(result['name'])}[/bold] ({escape(result['id'])}, {result['category']})"
                      + (f" in {escape(result['cancer'])}" if result["cancer"] else ""))
        r = result["ranking"]
        if r:
            merged = f" as target {escape(r['target'])} with {', '.join(map(escape, r['forms']))}" \
                if len(r["forms"]) > 1 else ""
            console.print(f"consensus rank {r['rank']} of {r['of']}{merged} (score {r['score']:.3g}); "
                          f"roles: {', '.join(r['roles']) or 'none'}")
            console.print(f"[bold]therapeutic direction: {r['modality']}[/bold]")
            for line in r["modality_evidence"] or ["no directional evidence"]:
                console.print(f"  {escape(line)}")
            for m, v in r["methods"].items():
                console.print(f"  {m:<14} rank {v['rank']:>4}   score {v['score']:.4g}")
        else:
            console.print("not a ranked candidate (cargo, gene or drug); evidence chains only")
        console.print(f"{result['n_chains']} evidence chain(s); showing {len(result['chains'])}:")
        for i, chain in enumerate(result["chains"], 1):
            console.print(f"[bold]{i}.[/bold] support {chain['score']:.3g}")
            for s in chain["steps"]:
                effect = f" ({s['effect']})" if s.get("effect") else ""
                cites = ([f"PMID {', '.join(s['pmids'])}"] if s["pmids"] else []) + [f"doi:{d}" for d in s["dois"]]
                console.print(f"   {escape(s['source_name'])} -[{s['type']}{effect}]-> {escape(s['target_name'])}"
                              f"   {escape('; '.join(cites)) or 'identifier mapping'}; {s['evidence_level']}")

    @app.command()
    def methods():
        """List the ranking methods with their references."""
        from evgraph.analysis.methods import DEFAULT_METHODS, METHODS

        rows = [[m.name, "yes" if m.name in DEFAULT_METHODS else "", m.description, m.reference]
                for m in METHODS.values()]
        print_table("Ranking methods", ["method", "default", "what", "reference"], rows)
