"""``evgraph rank`` and ``evgraph explain``: the main job."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import (
    CANCER_HELP, DEFAULT_KB, EXACT_HELP, KbOption, LazyGraph, cancer_scope, emit, fail, handle_errors, is_terminal,
    load_arrays, load_graph, print_table, to_json,
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
        cancer: Annotated[str | None, typer.Option(help=CANCER_HELP)] = None,
        exact: Annotated[bool, typer.Option("--exact", help=EXACT_HELP)] = False,
        context: Annotated[list[str] | None, typer.Option(
            "--context", "--seed-node", help="Seeds for personalised PageRank: a cancer or cell type (with its "
            "subtypes), a phenotype or any node, by id or name. Repeatable.")] = None,
        group_cells: Annotated[list[str] | None, typer.Option(
            "--group-cells", help="With --candidates cells: rank every cell type under this term as the term "
            "(e.g. macrophage: M2 macrophages, microglia, ...). Repeatable.")] = None,
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
        if exact and cancer is None:
            raise typer.BadParameter("needs --cancer", param_hint="--exact")
        if group_cells and candidates != "cells":
            raise typer.BadParameter("goes with --candidates cells", param_hint="--group-cells")
        scope = cancer_scope(load_graph(kb), cancer, exact) if cancer is not None else None
        cancer_ids = scope.ids if scope else None
        if candidates == "cells":
            _rank_cells(load_graph(kb), cancer_ids, species, evidence, model_system, consensus, top, format, out,
                        bootstrap or permutations or method, group_cells, scope)
            return
        from evgraph.analysis.ranking import rank_targets

        methods = _split_methods(method)
        arrays = load_arrays(kb)
        filtered = any(x is not None for x in (cancer, species, evidence, model_system))
        # the columns answer a plain ranking; the graph itself is read only when something needs it
        G = load_graph(kb) if filtered or context or permutations or engine == "neo4j" else LazyGraph(kb)
        precomputed = None
        if engine == "neo4j":
            methods, precomputed = _neo4j_scores(G, methods, cancer_ids, species, evidence, model_system,
                                                 random_seed)
            engine = "auto"
            if granularity == "target":
                typer.echo("Note: --engine neo4j ranks molecules (GDS scores the nodes as stored): one row per "
                           "molecule, as with --granularity molecule", err=True)
                granularity = "molecule"
        res = rank_targets(G, methods=methods, candidates=candidates, granularity=granularity, cancer=cancer_ids,
                           species=species, evidence=evidence, model_system=model_system, context=context,
                           consensus=consensus, include_biomarkers=include_biomarkers, bootstrap=bootstrap,
                           permutations=permutations, seed=random_seed, engine=engine, n_jobs=jobs,
                           precomputed=precomputed, arrays=arrays)
        if scope:
            res.params.update(cancer=scope.name, cancer_scope=scope.as_dict())
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

    def _rank_cells(G, cancer, species, evidence, model_system, consensus, top, format, out, extra, group_cells,
                    scope):
        if extra:
            raise fail("--method, --bootstrap and --permutations apply to molecular candidates; "
                       "cell types are ranked by their four roles")
        from evgraph.analysis.context import restrict
        from evgraph.analysis.roles import rank_cells
        from evgraph.names import cell_groups

        groups = cell_groups(G, group_cells) if group_cells else None
        H = restrict(G, cancer=cancer, species=species, evidence=evidence, model_system=model_system)
        df = rank_cells(H, consensus=consensus, groups=groups)
        if top:
            df = df.head(top)
        records = [{k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()}
                   for r in df.to_dict("records")]
        _output(records, format, out, lambda: _print_cells(records, scope, group_cells))

    def _print_cells(records, scope=None, group_cells=None):
        cols = ["rank", "name", "main_role", "score", "sender", "receiver", "mediator", "influencer", "records"]
        rows = [[r["rank"], r["name"], r["main_role"], _fmt(r["score"]),
                 *[f"{_fmt(r[f'{x}_score'])} (#{r[f'{x}_rank']})" for x in
                   ("sender", "receiver", "mediator", "influencer")], r["records"]] for r in records]
        grouped = [f"{r['name']} ({len(r['members'])} cell types)" for r in records if len(r.get("members", ())) > 1]
        print_table("Cell-type roles in EV communication" + (f" in {scope.name}" if scope else ""), cols, rows,
                    caption=(f"Cancer: {scope.description}. " if scope else "")
                    + (f"Grouped: {', '.join(grouped)}. " if grouped else "")
                    + "sender/receiver: weighted out/in-degree; mediator: betweenness; "
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
        scope = p.get("cancer_scope")
        caption = (f"Cancer: {scope['description']}. " if scope else "") + (
                   f"{p['n_candidates']} {p['candidates']} candidates ({p['granularity']}s) from "
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

    def _one_target(H, matches, query):
        """The node to explain: the one match, or the target all matches are forms of (a miRNA written
        without arm whose forms the ranking merges); several distinct targets are refused."""
        if len(matches) == 1:
            return matches[0]
        from dataclasses import replace

        from evgraph.analysis.arrays import graph_arrays
        from evgraph.analysis.targets import target_groups
        from evgraph.errors import AmbiguousNameError

        A = graph_arrays(H)
        group = target_groups(A)
        reps = {A.nodes[group[A.index[m.id]]] for m in matches}
        if len(reps) == 1:
            rep = reps.pop()
            return replace(next((m for m in matches if m.id == rep), matches[0]), id=rep,
                           name=A.names[A.index[rep]])
        raise AmbiguousNameError("node", query, [(m.id, m.name) for m in matches])

    def _check_names(**given):
        for option, value in given.items():
            if value is not None and not value.strip():
                raise fail(f"--{option.replace('_', '-')} is empty: give a name or id, or leave the option out")

    @app.command()
    @handle_errors
    def explain(
        node: Annotated[str, typer.Argument(help="A node id, name, symbol, synonym or gene alias (e.g. PTEN, "
                                            "PD-L1, hsa-miR-21-5p, macrophage).")],
        cancer: Annotated[str | None, typer.Option(help=CANCER_HELP)] = None,
        exact: Annotated[bool, typer.Option("--exact", help=EXACT_HELP)] = False,
        top: Annotated[int, typer.Option(help="How many evidence chains to show.")] = 5,
        method: Annotated[list[str] | None, typer.Option("--method", "-m", help="Methods for the scores.")] = None,
        format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
        kb: KbOption = DEFAULT_KB,
    ):
        """Why a candidate ranks where it does: its evidence chains (each step with PMIDs)
        and its per-method scores and ranks."""
        if format == Format.csv:
            raise fail("explain supports --format table or json")
        if exact and cancer is None:
            raise typer.BadParameter("needs --cancer", param_hint="--exact")
        from evgraph.analysis.context import candidates as all_candidates
        from evgraph.analysis.context import restrict
        from evgraph.analysis.explain import explain_node
        from evgraph.analysis.ranking import rank_targets
        from evgraph.names import lookup

        _check_names(cancer=cancer)
        if not node.strip():
            raise fail("give a node to explain: an id, a name or a symbol (e.g. PTEN, hsa-miR-21-5p)")
        G = load_graph(kb)
        scope = cancer_scope(G, cancer, exact) if cancer is not None else None
        ids = scope.ids if scope else None
        H = restrict(G, cancer=ids) if scope else G
        match = _one_target(H, lookup(H, node), node)
        nid = match.id
        result = explain_node(G, nid, cancer=ids, top=top)
        result.update(query=node, matched=match.how, cancer=scope.name if scope else None,
                      cancer_scope=scope.as_dict() if scope else None)
        ranking = None
        if nid in all_candidates(H, "all"):
            res = rank_targets(G, methods=_split_methods(method), candidates="all", cancer=ids)
            row = next((r for r in res.rows if nid in r["forms"]), None)
            if row is not None:
                ranking = {"rank": int(row["rank"]), "of": len(res.rows), "target": row["id"],
                           "forms": row["forms"], "roles": row["roles"], "score": round(float(row["score"]), 6),
                           "modality": row["modality"], "modality_evidence": row["modality_evidence"],
                           "drugs": row["drugs"],
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
        how = result.get("matched")
        named = f", {how} {result['query']!r}" if how not in (None, "id", "name") else ""
        console.print(f"[bold]{escape(result['name'])}[/bold] ({escape(result['id'])}, {result['category']}"
                      f"{escape(named)})" + (f" in {escape(result['cancer'])}" if result["cancer"] else ""))
        if result.get("cancer_scope"):
            console.print(f"cancer: {escape(result['cancer_scope']['description'])}")
        r = result["ranking"]
        if r:
            merged = f" as target {escape(r['target'])} with {', '.join(map(escape, r['forms']))}" \
                if len(r["forms"]) > 1 else ""
            console.print(f"consensus rank {r['rank']} of {r['of']}{merged} (score {r['score']:.3g}); "
                          f"roles: {', '.join(r['roles']) or 'none'}")
            console.print(f"[bold]therapeutic direction: {r['modality']}[/bold]")
            if r.get("drugs"):
                console.print(f"drugs reaching it: {escape(', '.join(r['drugs']))}")
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
