"""``evgraph validate`` and ``evgraph export``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import DEFAULT_KB, KbOption, fail, handle_errors, load_graph


class ExportFormat(str, Enum):
    csv = "csv"
    json = "json"
    graphml = "graphml"


def _reference_problems(path: str) -> list[str]:
    """Papers cited in a curated folder but missing from its references.tsv (by PMID, or by DOI
    for a row that cites no PMID). Called on a folder that loaded, so its files are well formed."""
    from evgraph.loaders._tsv import read_tsv
    from evgraph.loaders.curated import BUNDLED, OPTIONAL_COLUMNS, REFERENCE_COLUMNS, bundled_path

    folder = bundled_path() if path == BUNDLED else Path(path)
    refs = folder / "references.tsv"
    if not (folder / "communications.tsv").exists() or not refs.exists():
        return []
    listed: set[str] = set()
    for row in read_tsv(refs, REFERENCE_COLUMNS, OPTIONAL_COLUMNS["references.tsv"]):
        listed |= {row["pmid"], row.get("doi", "")} - {""}
    problems = []
    for name in ("communications.tsv", "biomarkers.tsv", "machinery.tsv", "drugs.tsv"):
        file = folder / name
        if not file.exists():
            continue
        for row in read_tsv(file, (), _columns(file)):
            pmids = [p.strip() for p in row.get("pmids", "").split(";") if p.strip()]
            dois = [d.strip() for d in row.get("dois", "").split(";") if d.strip()]
            for pmid in pmids:
                if pmid not in listed:
                    problems.append(f"{row.origin()}: column 'pmids': PMID {pmid} is not in references.tsv")
            for doi in dois if not pmids else []:
                if doi not in listed:
                    problems.append(f"{row.origin()}: column 'dois': DOI {doi} is not in references.tsv")
    return problems


def _columns(file: Path) -> tuple[str, ...]:
    """Every column a curated file may have (its own and the optional ones)."""
    from evgraph.loaders import curated

    name = file.name
    own = {"communications.tsv": curated.COMMUNICATION_COLUMNS, "biomarkers.tsv": curated.BIOMARKER_COLUMNS,
           "machinery.tsv": curated.MACHINERY_COLUMNS, "drugs.tsv": curated.DRUG_COLUMNS}[name]
    return own + curated.OPTIONAL_COLUMNS[name]


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        paths: Annotated[
            list[str] | None,
            typer.Argument(help="Knowledge sources to check (default: the bundled knowledge base)."),
        ] = None,
    ):
        """Check identifiers, PMIDs, references, duplicates and provenance; exit 1 listing every problem."""
        from evgraph.errors import EvgraphError
        from evgraph.loaders import load_kb

        problems: list[str] = []
        for path in paths or ["bundled"]:
            try:
                load_kb(path)
            except EvgraphError as err:
                found = getattr(err, "problems", None)
                problems += [str(p) for p in found] if found else [f"{path}: {err}"]
                continue
            problems += _reference_problems(path)
        if problems:
            for p in problems:
                typer.echo(p, err=True)
            raise fail(f"{len(problems)} problem(s) found")
        typer.echo(f"ok: {', '.join(paths or ['bundled'])} valid")

    @app.command()
    @handle_errors
    def export(
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder (csv) or file (json, graphml).")],
        format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.csv,
        kb: KbOption = DEFAULT_KB,
    ):
        """Export the graph: csv (nodes, edges, communications), node-link json or GraphML for Cytoscape."""
        from evgraph import exchange

        G = load_graph(kb)
        if format == ExportFormat.csv:
            if out.exists() and not out.is_dir():
                raise fail(f"{out} exists and is not a folder; csv export writes a folder")
            written = exchange.write_csv(G, out)
        elif format == ExportFormat.json:
            written = [exchange.write_json(G, out)]
        else:
            written = [exchange.write_graphml(G, out)]
        for path in written:
            typer.echo(f"wrote {path}", err=True)
