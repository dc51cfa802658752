"""``evgraph rank`` and ``evgraph explain``: the main job."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import (
    CANCER_HELP, COUNT, DEFAULT_KB, EXACT_HELP, FORMATS, SEED, Choice, Integer, KbOption, LazyGraph, cancer_scope,
    csv_text, emit, fail, handle_errors, is_terminal, load_arrays, load_graph, print_table, provenance, to_json,
    usage,
)
from evgraph.cli import _ranktable

CANDIDATES = ("all", "cargo", "targets", "receptors", "machinery", "genes", "drugs", "cells")
METHOD_SETS = ("default", "cytohubba", "all")
CYTOHUBBA = ("mcc", "dmnc", "mnc", "epc", "bottleneck", "eccentricity", "radiality", "stress")
LEVELS = ("in_vitro", "in_vivo", "patient_samples")
RANKING_FORMAT = "evgraph-ranking"
RANKING_FORMAT_VERSION = 1


def _split_methods(values: list[str] | None) -> list[str] | None:
    """Method names from ``--method`` (repeated or comma-separated; ``default``, ``cytohubba``,
    ``all``); an unknown one is a usage error naming the valid choices."""
    if not values:
        return None
    from evgraph.analysis.methods import DEFAULT_METHODS, METHODS

    out: list[str] = []
    for v in values:
        for name in v.split(","):
            name = name.strip().lower()
            if name == "default":
                out += list(DEFAULT_METHODS)
            elif name == "all":
                out += [m for m in METHODS if not METHODS[m].needs_seeds]
            elif name == "cytohubba":
                out += list(CYTOHUBBA)
            elif name in METHODS:
                out.append(name)
            elif name:
                raise usage(f"unknown method {name!r}; valid choices: {', '.join([*METHOD_SETS, *METHODS])}",
                            "--method")
    return list(dict.fromkeys(out))


def _fmt(x, nd=3):
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.{nd}g}"
    return str(x)


def _output(records, format, out, print_table_fn, *, header=None, columns=None):
    """JSON or CSV (with what produced it) to a file or stdout; the table to stdout only."""
    if format == "json":
        emit(to_json({**(header or {}), "rows": records}), out)
    elif format == "csv":
        emit(csv_text(records, header, columns), out)
    elif out is not None:
        raise usage("--out needs --format csv or json", "--out")
    else:
        print_table_fn()


CHAIN_COLUMNS = ["chain", "support", "step", "source", "source_name", "type", "effect", "target", "target_name",
                 "evidence_level", "pmids", "dois", "links"]


def _chain_rows(result: dict) -> list[dict]:
    """One row per step of each evidence chain, in the chain's order."""
    return [{"chain": i, "support": chain["score"], "step": j, **{k: step.get(k) for k in CHAIN_COLUMNS[3:]}}
            for i, chain in enumerate(result["chains"], 1) for j, step in enumerate(chain["steps"], 1)]


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def rank(
        ctx: typer.Context,
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
        candidates: Annotated[str, typer.Option(
            parser=Choice(*CANDIDATES), metavar=Choice(*CANDIDATES).metavar,
            help="Which molecules (or cell types) to rank.")] = "all",
        granularity: Annotated[str, typer.Option(
            parser=Choice("target", "molecule"), metavar="[target|molecule]",
            help="target: a gene with its protein, mRNA, lncRNA and DNA products, a miRNA with its arm-less "
            "name, as one row (default); molecule: one row per node.")] = "target",
        include_biomarkers: Annotated[bool, typer.Option(
            "--include-biomarkers", help="Keep biomarker claims in the network and molecules known only "
            "from them as candidates.")] = False,
        top: Annotated[int, typer.Option(parser=COUNT, metavar="N", help="Show the best N (0 = all).")] = 20,
        bootstrap: Annotated[int, typer.Option(
            parser=COUNT, metavar="N", help="Bootstrap replicates resampling the papers behind the evidence "
            "(rank intervals, top-10 frequency).")] = 0,
        permutations: Annotated[int, typer.Option(
            parser=COUNT, metavar="N", help="Degree-preserving permutations (p- and q-values).")] = 0,
        random_seed: Annotated[int, typer.Option(
            "--random-seed", parser=SEED, metavar="SEED", help="Seed of every random step (0 to 2^32-1).")] = 0,
        consensus: Annotated[str, typer.Option(
            parser=Choice("rra", "borda"), metavar="[rra|borda]",
            help="Consensus: rra (robust rank aggregation) or borda (mean rank).")] = "rra",
        species: Annotated[str | None, typer.Option(
            parser=Choice("human", "mouse", "rat"), metavar="[human|mouse|rat]",
            help="Restrict to records in this species.")] = None,
        evidence: Annotated[str | None, typer.Option(
            parser=Choice(*LEVELS), metavar=Choice(*LEVELS).metavar,
            help="Minimum evidence of the records kept.")] = None,
        model_system: Annotated[str | None, typer.Option(
            "--model-system", parser=Choice(*LEVELS), metavar=Choice(*LEVELS).metavar,
            help="Keep records that used this model system.")] = None,
        engine: Annotated[str, typer.Option(
            parser=Choice("auto", "networkx", "igraph", "neo4j"), metavar="[auto|networkx|igraph|neo4j]",
            help="neo4j: degree, PageRank and betweenness computed inside Neo4j with GDS (connection from "
            "$NEO4J_URI, $NEO4J_USER, $NEO4J_PASSWORD).")] = "auto",
        jobs: Annotated[int, typer.Option(
            "--jobs", "-j", parser=COUNT, metavar="N", help="Worker processes for the methods on large graphs, "
            "bootstrap and permutations (0 = all available cores); results do not depend on it.")] = 0,
        details: Annotated[bool, typer.Option(
            "--details", help="Show each method's rank, the p-value, the merged forms and the ids.")] = False,
        format: Annotated[str, typer.Option("--format", "-f", parser=FORMATS, metavar=FORMATS.metavar,
                                            help="table (for people), csv or json (with the settings).")] = "table",
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write csv or json to this file.")] = None,
        kb: KbOption = DEFAULT_KB,
    ):
        """Rank candidate therapeutic targets by network centrality, with consensus, rank
        intervals, permutation p- and q-values, papers and known drugs."""
        methods = _split_methods(method)
        _check_names(cancer=cancer)
        if exact and cancer is None:
            raise usage("needs --cancer", "--exact")
        if group_cells and candidates != "cells":
            raise usage("goes with --candidates cells", "--group-cells")
        if out is not None and format == "table":
            raise usage("--out needs --format csv or json", "--out")
        jobs = jobs or len(os.sched_getaffinity(0))
        scope = cancer_scope(load_graph(kb), cancer, exact) if cancer is not None else None
        cancer_ids = scope.ids if scope else None
        meta = {"format": RANKING_FORMAT, "format_version": RANKING_FORMAT_VERSION,
                "provenance": provenance(ctx, kb)}
        if candidates == "cells":
            _rank_cells(load_graph(kb), cancer_ids, species, evidence, model_system, consensus, top, format, out,
                        bootstrap or permutations or method, group_cells, scope, meta)
            return
        from evgraph.analysis.ranking import rank_targets

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
        A = arrays if not filtered else _ranktable.restricted_arrays(G, cancer_ids, species, evidence, model_system)
        _ranktable.add_evidence(A, records)
        caption = _ranktable.caption(res)
        meta.update(params=res.params, agreement=res.agreement, caption=caption)
        _output(records, format, out, lambda: _ranktable.show(res, records, details=details, caption=caption),
                header=meta)

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
                    scope, meta):
        if extra:
            raise usage("--method, --bootstrap and --permutations apply to molecular candidates; "
                        "cell types are ranked by their four roles", "--candidates cells")
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
        caption = _cells_caption(records, scope)
        meta.update(params={"candidates": "cells", "consensus": consensus, "cancer": scope.name if scope else None,
                            "cancer_scope": scope.as_dict() if scope else None, "species": species,
                            "evidence": evidence, "model_system": model_system, "group_cells": group_cells},
                    caption=caption)
        _output(records, format, out, lambda: _print_cells(records, scope, caption), header=meta)

    def _cells_caption(records, scope):
        grouped = [f"{r['name']} ({len(r['members'])} cell types)" for r in records if len(r.get("members", ())) > 1]
        return ((f"Cancer: {scope.description}. " if scope else "")
                + (f"Grouped: {', '.join(grouped)}. " if grouped else "")
                + "sender/receiver: weighted out/in-degree; mediator: betweenness; "
                "influencer: information centrality; score: -log10 RRA rho across roles")

    def _print_cells(records, scope, caption):
        cols = ["rank", "name", "main_role", "score", "sender", "receiver", "mediator", "influencer", "records"]
        rows = [[r["rank"], r["name"], r["main_role"], _fmt(r["score"]),
                 *[f"{_fmt(r[f'{x}_score'])} (#{r[f'{x}_rank']})" for x in
                   ("sender", "receiver", "mediator", "influencer")], r["records"]] for r in records]
        print_table("Cell-type roles in EV communication" + (f" in {scope.name}" if scope else ""), cols, rows,
                    caption=caption)

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
                raise usage("is empty: give a name or id, or leave the option out", f"--{option.replace('_', '-')}")

    @app.command()
    @handle_errors
    def explain(
        ctx: typer.Context,
        node: Annotated[str, typer.Argument(help="A node id, name, symbol, synonym or gene alias (e.g. PTEN, "
                                            "PD-L1, hsa-miR-21-5p, macrophage).")],
        cancer: Annotated[str | None, typer.Option(help=CANCER_HELP)] = None,
        exact: Annotated[bool, typer.Option("--exact", help=EXACT_HELP)] = False,
        top: Annotated[int, typer.Option(parser=Integer(1), metavar="N",
                                         help="How many evidence chains to show.")] = 5,
        method: Annotated[list[str] | None, typer.Option("--method", "-m", help="Methods for the scores.")] = None,
        format: Annotated[str, typer.Option("--format", "-f", parser=FORMATS, metavar=FORMATS.metavar,
                                            help="table, csv (one row per step of each chain) or json.")] = "table",
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write csv or json to this file.")] = None,
        kb: KbOption = DEFAULT_KB,
    ):
        """Why a candidate ranks where it does: its therapeutic direction, its per-method scores and
        ranks, and its evidence chains, each step with its papers."""
        if not node.strip():
            raise usage("is empty: give an id, a name or a symbol (e.g. PTEN, PD-L1, hsa-miR-21-5p)", "NODE")
        _check_names(cancer=cancer)
        if exact and cancer is None:
            raise usage("needs --cancer", "--exact")
        if out is not None and format == "table":
            raise usage("--out needs --format csv or json", "--out")
        methods = _split_methods(method)
        from evgraph.analysis.context import candidates as all_candidates
        from evgraph.analysis.context import restrict
        from evgraph.analysis.explain import explain_node
        from evgraph.analysis.ranking import rank_targets
        from evgraph.names import lookup

        G = load_graph(kb)
        scope = cancer_scope(G, cancer, exact) if cancer is not None else None
        ids = scope.ids if scope else None
        H = restrict(G, cancer=ids) if scope else G
        match = _one_target(H, lookup(H, node), node)
        nid = match.id
        result = explain_node(G, nid, cancer=ids, top=top)
        for chain in result["chains"]:
            chain["steps"] = _in_order(chain["steps"])
        result.update(query=node, matched=match.how, cancer=scope.name if scope else None,
                      cancer_scope=scope.as_dict() if scope else None)
        ranking = None
        if nid in all_candidates(H, "all"):
            res = rank_targets(G, methods=methods, candidates="all", cancer=ids)
            row = next((r for r in res.rows if nid in r["forms"]), None)
            if row is not None:
                ranking = {"rank": int(row["rank"]), "of": len(res.rows), "target": row["id"],
                           "forms": row["forms"], "roles": row["roles"], "score": round(float(row["score"]), 6),
                           "modality": row["modality"], "modality_evidence": row["modality_evidence"],
                           "drugs": row["drugs"],
                           "methods": {m: {"score": round(float(row[f"{m}_score"]), 6),
                                           "rank": int(row[f"{m}_rank"])} for m in res.params["methods"]},
                           "params": {k: res.params[k] for k in ("methods", "candidates", "granularity",
                                                                  "consensus", "seed")}}
        result["ranking"] = ranking
        result = {"provenance": provenance(ctx, kb), **result}
        if format == "json":
            emit(to_json(result), out)
        elif format == "csv":
            header = {k: v for k, v in result.items() if k != "chains"}
            emit(csv_text(_chain_rows(result), header, CHAIN_COLUMNS), out)
        else:
            _print_explain(result)

    def _in_order(steps):
        """A chain's steps as one path: the steps that connect the explained node to the chain (its
        protein is the cargo; a drug acts on the cargo; a machinery gene acts in the donor) placed
        where the chain reaches the node they connect to, not before the chain begins."""
        first = next((i for i, s in enumerate(steps) if s["type"] == "RELEASES"), 0)
        out, pending = list(steps[first:]), list(steps[:first])
        while pending:
            for step in pending:
                at = _place(out, step)
                if at is not None:
                    out.insert(at, step)
                    pending.remove(step)
                    break
            else:
                return pending + out
        return out

    def _place(out, step):
        if not out or step["target"] == out[0]["source"]:
            return 0  # a machinery gene acts in the donor cell: before the donor releases the EVs
        for i, s in enumerate(out):
            if s["target"] in (step["source"], step["target"]):
                return i + 1
        return None

    def _print_explain(result):
        """The explanation as text: on a terminal, lines fitted to its width (a step's papers go on an
        indented line of their own when the step is long); piped, one line per step."""
        import sys

        from evgraph.cli._common import terminal_width
        from evgraph.cli._table import use_style, wrap

        tty = is_terminal()
        width = terminal_width() if tty else 10**6
        bold, reset = ("\033[1m", "\033[0m") if tty and use_style() else ("", "")
        lines = []

        def say(text, indent=0, strong=False):
            pad = " " * indent
            # continuation lines are indented two more
            for k, line in enumerate(wrap(text, max(width - indent - 2, 20)) if tty else [text]):
                lines.append(pad + ("  " if k else "") + (bold + line + reset if strong else line))

        how = result.get("matched")
        named = f", {how} {result['query']!r}" if how not in (None, "id", "name") else ""
        say(f"{result['name']} ({result['id']}, {result['category']}{named})"
            + (f" in {result['cancer']}" if result["cancer"] else ""), strong=True)
        r = result["ranking"]
        if r:
            merged = f" as target {r['target']} with {', '.join(r['forms'])}" if len(r["forms"]) > 1 else ""
            say(f"consensus rank {r['rank']} of {r['of']}{merged} (score {r['score']:.3g}); "
                f"roles: {', '.join(r['roles']) or 'none'}")
            say(f"therapeutic direction: {r['modality']}", strong=True)
            if r.get("drugs"):
                say(f"drugs reaching it: {', '.join(r['drugs'])}")
            for line in r["modality_evidence"] or ["no directional evidence"]:
                say(line, 2)
            for m, v in r["methods"].items():
                lines.append(f"  {m:<14} rank {v['rank']:>4}   score {v['score']:.4g}")
        else:
            say("not a ranked candidate (cargo, gene or drug); evidence chains only")
        say(f"{result['n_chains']} evidence chain(s); showing {len(result['chains'])}:")
        for i, chain in enumerate(result["chains"], 1):
            say(f"{i}. support {chain['score']:.3g}", strong=True)
            for s in chain["steps"]:
                effect = f" ({s['effect']})" if s.get("effect") else ""
                cites = ([f"PMID {', '.join(s['pmids'])}"] if s["pmids"] else []) + [f"doi:{d}" for d in s["dois"]]
                step = f"{s['source_name']} -[{s['type']}{effect}]-> {s['target_name']}"
                where = f"{'; '.join(cites) or 'identifier mapping'}; {s['evidence_level']}"
                if len(step) + len(where) + 6 <= width:
                    lines.append(f"   {step}   {where}")
                else:
                    say(step, 3)
                    say(where, 7)
        sys.stdout.write("\n".join(lines) + "\n")

    @app.command()
    def methods():
        """List the ranking methods with their references."""
        from evgraph.analysis.methods import DEFAULT_METHODS, METHODS

        rows = [[m.name, "yes" if m.name in DEFAULT_METHODS else "", m.description, m.reference]
                for m in METHODS.values()]
        print_table("Ranking methods", ["method", "default", "what", "reference"], rows)
