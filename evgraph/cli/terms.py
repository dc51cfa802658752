"""``evgraph terms``: the cancers, cell types, body fluids and phenotypes a graph holds, by name."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from evgraph.cli._common import DEFAULT_KB, TABLE_OR_JSON, KbOption, handle_errors, load_graph, print_table, to_json


class Category(str, Enum):
    Cancer = "Cancer"
    CellType = "CellType"
    BodyFluid = "BodyFluid"
    Phenotype = "Phenotype"
    CellLine = "CellLine"


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def terms(
        category: Annotated[list[Category] | None, typer.Option(
            "--category", "-c", case_sensitive=False, help="Only these categories (repeatable).")] = None,
        format: Annotated[str, typer.Option("--format", "-f", parser=TABLE_OR_JSON, metavar=TABLE_OR_JSON.metavar,
                                            help="table or json.")] = "table",
        kb: KbOption = DEFAULT_KB,
    ):
        """List the cancers, cell types, body fluids and phenotypes you can name, with their id,
        synonyms and the number of records."""
        from evgraph.analysis.terms import TERM_CATEGORIES, term_table

        rows = term_table(load_graph(kb), [c.value for c in category] if category else TERM_CATEGORIES)
        if format == "json":
            typer.echo(to_json(rows), nl=False)
            return
        cols = ["category", "id", "name", "synonyms", "records", "with subtypes", "claims", "broader"]
        table = [[r["category"], r["id"], r["name"], "; ".join(r["synonyms"][:4]) + (" ..." if len(r["synonyms"]) > 4
                                                                                    else ""),
                  r["records"], r["records_with_subtypes"], r["claims"], ", ".join(r["broader"])] for r in rows]
        print_table("Terms you can name (by id, name or synonym)", cols, table,
                    caption="records: communication records naming the term; with subtypes: also those of the "
                    "terms under it (what --cancer and --context include); claims: biomarker claims")
