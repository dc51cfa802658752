"""The ``evgraph`` command line. Only this package wires loaders, analysis, db and viz together."""

from __future__ import annotations

import typer

from evgraph import __version__
from evgraph.cli import build, db, evaluate, info, kbcommands, rank, terms, viz

app = typer.Typer(
    name="evgraph",
    help="Extracellular-vesicle communication networks in cancer: a cited knowledge graph and "
    "centrality ranking of candidate therapeutic targets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help: Typer's rich help formatter costs 0.15-0.25 s of imports on every --help
    rich_markup_mode=None,
)


def _version(value: bool):
    if value:
        typer.echo(f"evgraph {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
):
    """evgraph: EV-mediated tumour-microenvironment communication, cited and ranked."""


rank.register(app)
evaluate.register(app)
info.register(app)
terms.register(app)
kbcommands.register(app)
db.register(app)
viz.register(app)
build.register(app)


def main() -> None:
    app()
