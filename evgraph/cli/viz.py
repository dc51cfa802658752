"""``evgraph viz`` (interactive network page) and ``evgraph plot`` (publication figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import (CANCER_HELP, DEFAULT_KB, EXACT_HELP, KbOption, cancer_scope, fail, handle_errors,
                                 load_graph)

plot_app = typer.Typer(help="Publication figures: ranked candidates, communication flow.", no_args_is_help=True)


def _ranking(G, cancer, top, bootstrap=0, seed=0):
    from evgraph.analysis.ranking import rank_targets

    res = rank_targets(G, cancer=cancer, bootstrap=bootstrap, seed=seed)
    return res.records(top or None), res


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def viz(
        out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")],
        cancer: Annotated[str | None, typer.Option(help=CANCER_HELP)] = None,
        exact: Annotated[bool, typer.Option("--exact", help=EXACT_HELP)] = False,
        around: Annotated[str | None, typer.Option(help="Show the neighbourhood of this node (id, name, synonym, "
                                                   "gene alias; a miRNA name without arm: all its forms).")] = None,
        depth: Annotated[int, typer.Option(help="Links from --around.")] = 2,
        top: Annotated[int, typer.Option(help="The K best-ranked candidates with their evidence paths (0 = off).")] = 0,
        categories: Annotated[str | None, typer.Option(help="Comma-separated node categories to keep.")] = None,
        max_nodes: Annotated[int, typer.Option("--max-nodes", help="At most this many nodes (best-ranked first).")] = 300,
        layout: Annotated[str, typer.Option(help="auto, physics, spring, kamada_kawai or circular.")] = "auto",
        bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates for the rank intervals shown.")] = 0,
        random_seed: Annotated[int, typer.Option("--random-seed")] = 0,
        kb: KbOption = DEFAULT_KB,
    ):
        """Write an interactive, self-contained network page (opens offline in any browser)."""
        from evgraph.analysis.context import restrict
        from evgraph.analysis.select import cap_nodes, evidence_subgraph, keep_categories, neighbourhood
        from evgraph.viz.page import network_html

        if out.suffix.lower() not in (".html", ".htm"):
            raise fail("--out must be an .html file")
        if max_nodes < 1 or depth < 0 or top < 0:
            raise fail("--max-nodes must be >= 1, --depth and --top >= 0")
        if exact and cancer is None:
            raise typer.BadParameter("needs --cancer", param_hint="--exact")
        G = load_graph(kb)
        scope = cancer_scope(G, cancer, exact) if cancer is not None else None
        H = restrict(G, cancer=scope.ids) if scope else G
        rows, _ = _ranking(G, scope.ids if scope else None, 0, bootstrap, random_seed)
        scores = {f: r for r in rows for f in r["forms"]}  # every form of a target shows the target's rank
        S = H
        if around:
            S = neighbourhood(H, around, depth=depth)
        if top:
            S = evidence_subgraph(S, [f for r in rows[:top] for f in r["forms"] if f in S])
        if categories:
            S = keep_categories(S, [c.strip() for c in categories.split(",") if c.strip()])
        n_before = len(S)
        S = cap_nodes(S, max_nodes, priority={k: v["score"] for k, v in scores.items()})
        notes = f"{len(S)} nodes, {S.number_of_edges()} edges" + (
            f" (the {len(S)} best-ranked of {n_before}; raise --max-nodes for more)" if len(S) < n_before else "")
        title = "evgraph: EV communication" + (f" in {scope.description}" if scope else "") + (
            f" around {around}" if around else "")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(network_html(S, scores=scores, title=title, layout=layout, seed=random_seed, notes=notes),
                       "utf-8")
        typer.echo(f"wrote {out}: {notes}", err=True)

    @plot_app.command("rank")
    @handle_errors
    def plot_rank_cmd(
        out: Annotated[Path, typer.Option("--out", "-o", help="FILE.png, .svg or .pdf")],
        top: Annotated[int, typer.Option(help="How many candidates.")] = 20,
        cancer: Annotated[str | None, typer.Option(help="Restrict to a cancer.")] = None,
        bootstrap: Annotated[int, typer.Option(help="Replicates for the rank intervals (0 = none).")] = 100,
        random_seed: Annotated[int, typer.Option("--random-seed")] = 0,
        width: Annotated[float, typer.Option(help="Width in inches.")] = 6.5,
        height: Annotated[float | None, typer.Option(help="Height in inches (default: from the number of rows).")] = None,
        dpi: Annotated[int, typer.Option(help="Resolution of raster output.")] = 300,
        title: Annotated[str | None, typer.Option(help="Figure title.")] = None,
        kb: KbOption = DEFAULT_KB,
    ):
        """The top-K candidates with their consensus score and bootstrap rank intervals."""
        from evgraph.viz.figures import plot_rank

        if top < 1:
            raise fail("--top must be >= 1")
        rows, _ = _ranking(load_graph(kb), cancer, top, bootstrap, random_seed)
        plot_rank(rows, out, width=width, height=height, dpi=dpi,
                  title=title or "Candidate therapeutic targets" + (f" in {cancer}" if cancer else ""))
        typer.echo(f"wrote {out}", err=True)

    @plot_app.command("flow")
    @handle_errors
    def plot_flow_cmd(
        out: Annotated[Path, typer.Option("--out", "-o", help="FILE.png, .svg or .pdf")],
        cancer: Annotated[str | None, typer.Option(help="Restrict to a cancer.")] = None,
        top: Annotated[int, typer.Option(help="How many of the heaviest flows.")] = 40,
        width: Annotated[float, typer.Option(help="Width in inches.")] = 10.0,
        height: Annotated[float, typer.Option(help="Height in inches.")] = 6.0,
        dpi: Annotated[int, typer.Option()] = 300,
        kb: KbOption = DEFAULT_KB,
    ):
        """Donor cell -> cargo class -> recipient cell -> phenotype, as an alluvial diagram."""
        from evgraph.analysis.context import restrict
        from evgraph.viz.figures import plot_flow

        G = load_graph(kb)
        H = restrict(G, cancer=cancer) if cancer else G
        plot_flow(H, out, top=top, width=width, height=height, dpi=dpi,
                  title="EV communication flow" + (f" in {cancer}" if cancer else ""))
        typer.echo(f"wrote {out}", err=True)

    app.add_typer(plot_app, name="plot")
