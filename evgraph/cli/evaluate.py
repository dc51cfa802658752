"""``evgraph evaluate``: how well the ranking recovers known EV-related therapeutic targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import (DEFAULT_KB, FORMATS, SEED, Integer, KbOption, csv_text, emit, handle_errors,
                                 load_arrays, load_graph, print_table, provenance, to_json, usage)
from evgraph.cli.rank import _fmt, _split_methods

METRICS = ("recall@10", "recall@25", "recall@50", "auroc", "median_rank")


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def evaluate(
        ctx: typer.Context,
        known: Annotated[Path | None, typer.Option(
            help="Known targets (TSV: target, target_kind, intervention, outcome, cancer, species, "
            "model_system, pmids, dois, claim); default: the list shipped with evgraph.")] = None,
        cancer: Annotated[str | None, typer.Option(help="Rank within one cancer (id or name).")] = None,
        method: Annotated[list[str] | None, typer.Option(
            "--method", "-m", help="Methods of the consensus (default: the ranking's defaults).")] = None,
        random_orders: Annotated[int, typer.Option(
            "--random-orders", parser=Integer(1), metavar="N", help="Random orders for the random baseline.")] = 100,
        random_seed: Annotated[int, typer.Option("--random-seed", parser=SEED, metavar="SEED",
                                                 help="First seed of the random orders.")] = 0,
        format: Annotated[str, typer.Option("--format", "-f", parser=FORMATS, metavar=FORMATS.metavar,
                                            help="table, csv (one row per ranking and set of targets) or "
                                            "json (with every target's ranks).")] = "table",
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write csv or json to this file.")] = None,
        kb: KbOption = DEFAULT_KB,
    ):
        """Leave-one-out recovery of known therapeutic targets: recall@10/25/50, AUROC and median
        rank for the consensus, each method, degree, the number of papers and random orders."""
        if cancer is not None and not cancer.strip():
            raise usage("is empty: give a name or id, or leave the option out", "--cancer")
        if out is not None and format == "table":
            raise usage("--out needs --format csv or json", "--out")
        methods = _split_methods(method)
        from evgraph.analysis.evaluate import evaluate_recovery
        from evgraph.loaders.known_targets import load_known_targets

        rows = load_known_targets(known)
        G = load_graph(kb)
        result = evaluate_recovery(G, rows, methods=methods, cancer=cancer, n_random=random_orders,
                                   seed=random_seed, arrays=None if cancer else load_arrays(kb))
        result["known_file"] = str(known) if known else "bundled"
        result = {"provenance": provenance(ctx, kb), **result}
        if format == "json":
            emit(to_json(result), out)
        elif format == "csv":
            header = {k: v for k, v in result.items() if k not in ("metrics", "metrics_with_other_evidence")}
            emit(csv_text(_metric_rows(result), header), out)
        else:
            _print(result)

    def _metric_rows(result):
        """One row per ranking and set of known targets (all of them, those with other evidence)."""
        rows = []
        for subset, key in (("all", "metrics"), ("with_other_evidence", "metrics_with_other_evidence")):
            for name, m in (result.get(key) or {}).items():
                row = {"targets": subset, "ranking": name}
                for k in METRICS:
                    row[k] = m.get(k)
                    if f"{k}_sd" in m:
                        row[f"{k}_sd"] = m[f"{k}_sd"]
                rows.append(row)
        return rows

    def _print(out):
        _table(out, out["metrics"], f"Recovery of {out['evaluated']} known EV-related therapeutic targets")
        if out["metrics_with_other_evidence"]:
            _table(out, out["metrics_with_other_evidence"],
                   f"The {out['with_other_evidence']} known targets with evidence beyond their own papers")

    def _table(out, metrics, title):
        cols = ["ranking", "recall@10", "recall@25", "recall@50", "AUROC", "median rank"]
        rows = []
        for name, m in metrics.items():
            if name == "random":
                rows.append([f"random ({m['n_orders']} orders, mean ± sd)",
                             *[f"{m[k]:.2f} ± {m[k + '_sd']:.2f}" for k in ("recall@10", "recall@25", "recall@50",
                                                                          "auroc")],
                             f"{m['median_rank']:.0f} ± {m['median_rank_sd']:.0f}"])
            else:
                label = {"consensus": f"consensus ({', '.join(out['methods'])})",
                         "n_papers": "number of papers (literature baseline)"}.get(name, name)
                rows.append([label, *[_fmt(m[k], 2) for k in ("recall@10", "recall@25", "recall@50", "auroc")],
                             _fmt(m["median_rank"], 3)])
        caption = (f"{out['evaluated']} known targets among {out['n_candidates']} candidates"
                   f"{' in ' + out['cancer'] if out['cancer'] else ''}, each ranked with the papers reporting "
                   "its own intervention result left out; ranks of tied candidates are the middle of the tie.")
        if out["missing"]:
            caption += f" Not candidates in this graph: {', '.join(out['missing'])}."
        print_table(title, cols, rows, caption=caption)
