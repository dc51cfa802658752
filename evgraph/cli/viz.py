"""``evgraph viz`` (interactive network page) and ``evgraph plot`` (publication figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import (CANCER_HELP, COUNT, DEFAULT_KB, EXACT_HELP, SEED, Choice, Integer, KbOption, Positive,
                                 cancer_scope, handle_errors, load_graph, usage)

LAYOUT = Choice("auto", "physics", "spring", "kamada_kawai", "circular")
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
DPI = Integer(1, 2400)


def _figure_path(out: Path) -> Path:
    if out.suffix.lower() not in FIGURE_SUFFIXES:
        raise usage(f"{out.name!r} must end in .png, .svg or .pdf (the figure's format)", "--out")
    return out

plot_app = typer.Typer(help="Publication figures: ranked candidates, communication flow.", no_args_is_help=True)


def _ranking(G, cancer, top, bootstrap=0, seed=0):
    from evgraph.analysis.ranking import rank_targets

    res = rank_targets(G, cancer=cancer, bootstrap=bootstrap, seed=seed)
    return res.records(top or None), res


def _scope(G, cancer):
    if cancer is None:
        return None
    if not cancer.strip():
        raise usage("is empty: give a name or id, or leave the option out", "--cancer")
    return cancer_scope(G, cancer)


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def viz(
        out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")],
        cancer: Annotated[str | None, typer.Option(help=CANCER_HELP)] = None,
        exact: Annotated[bool, typer.Option("--exact", help=EXACT_HELP)] = False,
        around: Annotated[str | None, typer.Option(help="Show the neighbourhood of this node (id, name, synonym, "
                                                   "gene alias; a miRNA name without arm: all its forms).")] = None,
        depth: Annotated[int, typer.Option(parser=COUNT, metavar="K", help="Links from --around.")] = 2,
        top: Annotated[int, typer.Option(parser=COUNT, metavar="K", help="The K best-ranked candidates with their "
                                         "evidence paths (0 = off).")] = 0,
        categories: Annotated[str | None, typer.Option(help="Comma-separated node categories to keep.")] = None,
        max_nodes: Annotated[int, typer.Option("--max-nodes", parser=Integer(1), metavar="N",
                                               help="At most this many nodes (best-ranked first).")] = 300,
        layout: Annotated[str, typer.Option(parser=LAYOUT, metavar=LAYOUT.metavar,
                                            help="auto: a seeded spring layout drawn at once (physics off); "
                                            "physics: let the network settle in the browser, from the same "
                                            "seeded start.")] = "auto",
        bootstrap: Annotated[int, typer.Option(parser=COUNT, metavar="N",
                                               help="Bootstrap replicates for the rank intervals shown.")] = 0,
        random_seed: Annotated[int, typer.Option("--random-seed", parser=SEED, metavar="SEED",
                                                 help="Seed of the layout and of the bootstrap.")] = 0,
        kb: KbOption = DEFAULT_KB,
    ):
        """Write an interactive, self-contained network page (opens offline in any browser)."""
        from evgraph.analysis.context import restrict
        from evgraph.analysis.select import cap_nodes, evidence_subgraph, keep_categories, neighbourhood
        from evgraph.viz.page import network_html

        if out.suffix.lower() not in (".html", ".htm"):
            raise usage(f"{out.name!r} must end in .html", "--out")
        if cancer is not None and not cancer.strip():
            raise usage("is empty: give a name or id, or leave the option out", "--cancer")
        if exact and cancer is None:
            raise usage("needs --cancer", "--exact")
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
        page = network_html(S, scores=scores, targets=rows, title=title, layout=layout, seed=random_seed,
                            notes=notes, context=H)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, "utf-8")
        typer.echo(f"wrote {out}: {notes}", err=True)

    @plot_app.command("rank")
    @handle_errors
    def plot_rank_cmd(
        out: Annotated[Path, typer.Option("--out", "-o", help="FILE.png, .svg or .pdf")],
        top: Annotated[int, typer.Option(parser=Integer(1), metavar="N", help="How many candidates.")] = 20,
        cancer: Annotated[str | None, typer.Option(help=CANCER_HELP)] = None,
        bootstrap: Annotated[int, typer.Option(parser=COUNT, metavar="N",
                                               help="Replicates for the rank intervals (0 = none).")] = 100,
        random_seed: Annotated[int, typer.Option("--random-seed", parser=SEED, metavar="SEED")] = 0,
        width: Annotated[float, typer.Option(parser=Positive(), metavar="INCHES", help="Width in inches.")] = 6.5,
        height: Annotated[float | None, typer.Option(
            parser=Positive(), metavar="INCHES", help="Height in inches (default: from the number of rows).")] = None,
        dpi: Annotated[int, typer.Option(parser=DPI, metavar="DPI", help="Resolution of raster output.")] = 300,
        title: Annotated[str | None, typer.Option(help="Figure title.")] = None,
        kb: KbOption = DEFAULT_KB,
    ):
        """The top-K candidates with their consensus score and bootstrap rank intervals."""
        from evgraph.viz.figures import plot_rank

        _figure_path(out)
        G = load_graph(kb)
        scope = _scope(G, cancer)
        rows, _ = _ranking(G, scope.ids if scope else None, top, bootstrap, random_seed)
        plot_rank(rows, out, width=width, height=height, dpi=dpi,
                  title=title or "Candidate therapeutic targets" + (f" in {scope.name}" if scope else ""))
        typer.echo(f"wrote {out}", err=True)

    @plot_app.command("flow")
    @handle_errors
    def plot_flow_cmd(
        out: Annotated[Path, typer.Option("--out", "-o", help="FILE.png, .svg or .pdf")],
        cancer: Annotated[str | None, typer.Option(help=CANCER_HELP)] = None,
        top: Annotated[int, typer.Option(parser=Integer(1), metavar="N", help="How many of the heaviest flows.")] = 40,
        width: Annotated[float, typer.Option(parser=Positive(), metavar="INCHES", help="Width in inches.")] = 10.0,
        height: Annotated[float, typer.Option(parser=Positive(), metavar="INCHES", help="Height in inches.")] = 6.0,
        dpi: Annotated[int, typer.Option(parser=DPI, metavar="DPI", help="Resolution of raster output.")] = 300,
        kb: KbOption = DEFAULT_KB,
    ):
        """Donor cell -> cargo class -> recipient cell -> phenotype, as an alluvial diagram."""
        from evgraph.analysis.context import restrict
        from evgraph.viz.figures import plot_flow

        _figure_path(out)
        G = load_graph(kb)
        scope = _scope(G, cancer)
        H = restrict(G, cancer=scope.ids) if scope else G
        plot_flow(H, out, top=top, width=width, height=height, dpi=dpi,
                  title="EV communication flow" + (f" in {scope.name}" if scope else ""))
        typer.echo(f"wrote {out}", err=True)

    app.add_typer(plot_app, name="plot")
