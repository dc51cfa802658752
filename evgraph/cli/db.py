"""``evgraph db``: load into Neo4j or the embedded database, bulk-import files, run the Cypher library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import (DEFAULT_KB, FORMATS, Integer, KbOption, cache_dir, emit, fail, handle_errors,
                                 load_graph, print_table, to_json, usage)

db_app = typer.Typer(help="Graph databases (Neo4j, or embedded FalkorDB when no NEO4J_URI is set): load the graph, "
                          "bulk-import files, run the Cypher query library.",
                     no_args_is_help=True)

UriOption = Annotated[str | None, typer.Option("--uri", help="Bolt URI (default $NEO4J_URI or bolt://127.0.0.1:7687).")]
UserOption = Annotated[str | None, typer.Option("--user", help="User (default $NEO4J_USER or neo4j).")]
DatabaseOption = Annotated[str | None, typer.Option("--database", help="Database (default $NEO4J_DATABASE or the server's default).")]
AskOption = Annotated[bool, typer.Option("--ask-password", help="Prompt for the password instead of reading $NEO4J_PASSWORD.")]
EmbeddedOption = Annotated[Path | None, typer.Option(
    "--embedded", help="Folder of the embedded FalkorDB database (the default when neither --uri nor $NEO4J_URI "
                       "is given: <cache>/embedded).")]


def _settings(uri, user, database, ask, embedded=None):
    """Neo4j settings, or the embedded database's when ``--embedded`` or no URI at all is given."""
    import os

    from evgraph.db.connection import Settings

    if embedded is not None or not (uri or os.environ.get("NEO4J_URI")):
        given = [o for o, v in (("--uri", uri), ("--user", user), ("--database", database),
                                ("--ask-password", ask)) if v]
        if given:
            raise fail(f"{', '.join(given)} name a Neo4j server; they do not go with the embedded database"
                       + (" (--embedded)" if embedded is not None else " (set --uri or NEO4J_URI)"))
        from evgraph.db.embedded import EmbeddedSettings, require_installed

        require_installed()  # before anything is loaded or announced
        return EmbeddedSettings(embedded if embedded is not None else cache_dir() / "embedded")
    password = typer.prompt("Neo4j password", hide_input=True) if ask else None
    return Settings.from_env(uri=uri, user=user, password=password, database=database)


def _ensure_loaded(settings) -> None:
    """A new embedded database gets the bundled knowledge base first, so queries work out of the box."""
    from evgraph.db.embedded import EmbeddedSettings

    if isinstance(settings, EmbeddedSettings) and settings.is_new:
        from evgraph.db.load import load_graph as write_graph

        typer.echo(f"{settings.uri} is new: loading the bundled knowledge base into it first", err=True)
        write_graph(load_graph(DEFAULT_KB), settings)


@db_app.command("load")
@handle_errors
def load(
    kb: KbOption = DEFAULT_KB,
    batch_size: Annotated[int, typer.Option("--batch-size", parser=Integer(1), metavar="N",
                                            help="Rows per transaction.")] = 1000,
    wipe: Annotated[bool, typer.Option("--wipe", help="Delete everything in the database first.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --wipe.")] = False,
    uri: UriOption = None, user: UserOption = None, database: DatabaseOption = None, ask_password: AskOption = False,
    embedded: EmbeddedOption = None,
):
    """Write the graph to Neo4j or the embedded database: schema constraints, then batched idempotent MERGEs."""
    from rich.progress import Progress

    from evgraph.db.load import load_graph as write_graph
    from evgraph.db.load import wipe as wipe_db

    settings = _settings(uri, user, database, ask_password, embedded)
    G = load_graph(kb)
    if wipe:
        if not yes and not typer.confirm(f"Delete every node in {_where(settings)}?"):
            raise fail("not confirmed; nothing was changed")
        typer.echo(f"deleted {wipe_db(settings)} nodes", err=True)
    typer.echo(f"loading into {_where(settings)}", err=True)
    with Progress(transient=True) as progress:
        task = progress.add_task("loading", total=None)
        summary = write_graph(G, settings, batch_size=batch_size,
                              progress=lambda done, total: progress.update(task, completed=done, total=total))
    s = summary.as_dict()
    rows = [["nodes", k, v["created"], v["updated"]] for k, v in s["nodes"].items()]
    rows += [["relationships", k, v["created"], v["updated"]] for k, v in s["relationships"].items()]
    print_table(f"Loaded into {settings.uri} ({s['batches']} batches)", ["kind", "name", "created", "updated"], rows)


@db_app.command("export-import")
@handle_errors
def export_import(
    folder: Annotated[Path, typer.Argument(help="Folder for the neo4j-admin import CSV files.")],
    kb: KbOption = DEFAULT_KB,
):
    """Write neo4j-admin import CSVs (typed headers, ;-separated arrays) and print the import command."""
    from evgraph.db.bulk import write_import_csvs

    out = write_import_csvs(load_graph(kb), folder)
    typer.echo(f"wrote {len(out['nodes'])} node files and {len(out['relationships'])} relationship files "
               f"to {folder}", err=True)
    typer.echo("neo4j-admin " + " ".join(a if a != "DATABASE" else "<database>" for a in out["command"]))


@db_app.command("queries")
def queries():
    """List the Cypher library with parameters."""
    from evgraph.db.library import library

    rows = []
    for q in library().values():
        params = ", ".join(f"{p.name}:{p.type}{'?' if p.optional else ''}" + ("" if p.required else f"={p.default}")
                           for p in q.params)
        rows.append([q.name, q.description, params, ", ".join(q.requires)])
    print_table("Cypher library (evgraph db query NAME)", ["name", "description", "parameters", "requires"], rows)


@db_app.command("query")
@handle_errors
def query(
    name: Annotated[str, typer.Argument(help="A library query name or a .cypher file.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="key=value, repeatable; typed from the header.")] = None,
    write: Annotated[bool, typer.Option("--write", help="Allow a query that writes.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", parser=FORMATS, metavar=FORMATS.metavar,
                                        help="table, csv or json.")] = "table",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write csv or json to this file.")] = None,
    uri: UriOption = None, user: UserOption = None, database: DatabaseOption = None, ask_password: AskOption = False,
    embedded: EmbeddedOption = None,
):
    """Run a library query (read-only unless --write) and print its rows."""
    from evgraph.db.library import load_query, parse_params, run_query

    if out is not None and format == "table":
        raise usage("--out needs --format csv or json", "--out")
    q = load_query(_library_name(name))
    params = parse_params(q, param or [])
    settings = _settings(uri, user, database, ask_password, embedded)
    _ensure_loaded(settings)
    columns, rows = run_query(settings, q, params, write=write)
    rows = [{k: _plain(v) for k, v in r.items()} for r in rows]
    if format == "json":
        emit(to_json(rows), out)
    elif format == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([";".join(map(str, r[c])) if isinstance(r[c], list) else r[c] for c in columns])
        emit(buf.getvalue(), out)
    else:
        print_table(q.name, columns, [[_cell(r[c]) for c in columns] for r in rows],
                    caption=f"{len(rows)} row(s)")


def _library_name(name: str) -> str:
    """A library query named by its file (``01_cargo_between_cells``, with or without ``.cypher``)
    is the query that file holds; a path to an existing file stays a path."""
    from evgraph.db.library import library

    if Path(name).exists():
        return name
    stem = name[: -len(".cypher")] if name.endswith(".cypher") else name
    for query_name, q in library().items():
        if Path(q.path).stem == stem:
            return query_name
    return name


def _where(settings) -> str:
    from evgraph.db.connection import Settings

    if isinstance(settings, Settings):
        return f"{settings.database or 'the default database'} at {settings.uri}"
    return settings.uri


def _plain(v):
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


def _cell(v):
    if isinstance(v, list):
        return "; ".join(_cell(x) for x in v)
    if isinstance(v, float):
        return f"{v:.4g}"
    return "" if v is None else str(v)


@db_app.command("wipe")
@handle_errors
def wipe(
    yes: Annotated[bool, typer.Option("--yes", "-y")] = False,
    uri: UriOption = None, user: UserOption = None, database: DatabaseOption = None, ask_password: AskOption = False,
    embedded: EmbeddedOption = None,
):
    """Delete every node and relationship of the database."""
    from evgraph.db.load import wipe as wipe_db

    if embedded is not None and not embedded.expanduser().is_dir():
        raise fail(f"no embedded database at {embedded}: the folder does not exist; nothing was deleted")
    settings = _settings(uri, user, database, ask_password, embedded)
    if not yes and not typer.confirm(f"Delete every node in {_where(settings)}?"):
        raise fail("not confirmed; nothing was changed")
    typer.echo(f"deleted {wipe_db(settings)} nodes")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
