"""``evgraph sources`` and ``evgraph build``: compose a knowledge graph from downloaded public resources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import TABLE_OR_JSON, fail, handle_errors, print_table, to_json


def _source_rows() -> list[dict]:
    from evgraph.loaders.registry import sources

    rows = []
    for info in sources().values():
        rows.append({
            "name": info.name,
            "kind": info.kind,
            "title": info.title,
            "license": info.license,
            "citation": info.citation,
            "homepage": info.homepage,
            "download": info.download,
            "files": [{"role": r.role, "patterns": list(r.patterns), "required": r.required,
                       "description": r.description} for r in info.files],
            "at_least_one_of": list(info.one_of),
            "options": [{"name": o.name, "type": o.type.__name__, "default": o.default, "help": o.help}
                        for o in info.options],
        })
    return rows


def _files_text(row: dict) -> str:
    parts = []
    for f in row["files"]:
        optional = "" if f["required"] else " (optional)"
        parts.append(f"{f['role']}{optional}: {' | '.join(f['patterns'])}")
    return "; ".join(parts)


def _print_summary(summary: dict, out: Path) -> None:
    rows = []
    for s in summary["sources"]:
        if s.get("kind") == "identifier mapping":
            rows.append([s["source"], s.get("version", ""), f"{s['entries']:,} names", "", "", "", ""])
            continue
        rejected = sum(s.get("rejected", {}).values())
        unmapped = sum(u["distinct"] for u in s.get("unmapped", {}).values())
        rows.append([s["source"], s.get("version", ""), f"{s.get('nodes_added', 0):,}",
                     f"{s.get('edges_added', 0):,}", f"{s.get('edges_merged', 0):,}", f"{rejected:,}",
                     f"{unmapped:,}"])
    print_table(f"evgraph build: {summary['nodes']:,} nodes, {summary['edges']:,} edges -> {out}",
                ["source", "version", "nodes added", "edges added", "edges merged", "rows rejected",
                 "ids unmapped"], rows, caption="details (reasons, unmapped examples): build-summary.json")
    for s in summary["sources"]:
        for kind, u in s.get("unmapped", {}).items():
            where = u.get("first_seen", {})
            typer.echo(f"{s['source']}: {u['distinct']:,} unmapped {kind} ({u['rows']:,} rows), e.g. "
                       + ", ".join(f"{v} ({where[v]})" if v in where else str(v) for v in u["examples"][:5]),
                       err=True)
        for path, lines in s.get("malformed_lines", {}).items():
            shown = ", ".join(str(x["line"]) for x in lines[:10]) + (", ..." if len(lines) > 10 else "")
            typer.echo(f"{s['source']}: {len(lines):,} malformed line(s) skipped in {Path(path).name} (wrong "
                       f"number of fields): line {shown}; --option {s['source']}.strict=true stops instead",
                       err=True)
    for line in summary.get("merged", []):
        typer.echo(f"merged: {line}", err=True)
    for line in summary.get("warnings", []):
        typer.echo(f"warning: {line}", err=True)


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def sources(
        format: Annotated[str, typer.Option("--format", "-f", parser=TABLE_OR_JSON, metavar=TABLE_OR_JSON.metavar,
                                            help="table or json.")] = "table",
    ):
        """The public resources evgraph can read: licence, citation, expected files and where to get them."""
        rows = _source_rows()
        if format == "json":
            typer.echo(to_json(rows), nl=False)
            return
        print_table("evgraph build --source NAME=PATH", ["name", "license", "files", "download", "citation"],
                    [[r["name"], r["license"], _files_text(r), r["download"], r["citation"]] for r in rows],
                    caption="PATH may be a file or a folder holding the files; repeat --source for more files")

    @app.command()
    @handle_errors
    def build(
        source: Annotated[list[str], typer.Option(
            "--source", "-s", help="NAME=PATH or NAME@VERSION=PATH; a file or a folder. Repeatable. "
            "See 'evgraph sources'.")],
        out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (nodes.csv, edges.csv, meta.json, "
                                                              "build-summary.json); give it to --kb/--graph.")],
        kb: Annotated[list[str] | None, typer.Option(
            "--kb", help="Curated knowledge sources merged first (default: bundled in a human build, none in "
                         "a mouse or rat build: its genes are human).")] = None,
        no_curated: Annotated[bool, typer.Option("--no-curated", help="Do not merge the curated knowledge "
                                                                      "base.")] = False,
        species: Annotated[str, typer.Option(help="human, mouse or rat; rows of other species are "
                                                  "rejected.")] = "human",
        option: Annotated[list[str] | None, typer.Option(
            "--option", help="SOURCE.OPTION=VALUE, e.g. string.min_score=900, "
            "targetscan.max_context_score=-0.2.")] = None,
        force: Annotated[bool, typer.Option("--force", help="Overwrite an existing graph folder.")] = False,
    ):
        """Merge downloaded public resources with the curated knowledge base into one graph folder."""
        from evgraph.loaders.build import SourceSpec, build as build_graph, check_output, parse_option_arg, \
            parse_source_arg, write_output

        check_output(out, force=force)  # before the slow part
        specs = []
        for text in source:
            name, version, path = parse_source_arg(text)
            specs.append(SourceSpec(name, [path], version))
        options: dict = {}
        for text in option or []:
            src, key, value = parse_option_arg(text)
            options.setdefault(src, {})[key] = value
        curated = () if no_curated else (tuple(kb) if kb else None)
        tables, summary = _with_progress(lambda tick: build_graph(
            specs, curated=curated, species=species, options=options, progress=tick))
        for path in write_output(tables, summary, out, force=force):
            typer.echo(f"wrote {path}", err=True)
        _print_summary(summary.as_dict(), out)


def _with_progress(run):
    """Run ``run(tick)`` under a spinner with the current step (on a terminal's stderr only)."""
    import sys

    if not sys.stderr.isatty():
        return run(lambda message: None)
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=None)
        return run(lambda message: bar.update(task, description=message))
