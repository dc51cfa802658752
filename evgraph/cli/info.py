"""``evgraph info``: what the loaded knowledge graph holds."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from evgraph.cli._common import DEFAULT_KB, KbOption, handle_errors, load_graph, print_table, to_json


class InfoFormat(str, Enum):
    table = "table"
    json = "json"


def summarise(G) -> dict:
    from collections import Counter

    nodes = Counter(c for _, c in G.nodes(data="category"))
    edges = Counter(k for _, _, k in G.edges(keys=True))
    pmids: set[str] = set()
    for _, d in G.nodes(data=True):
        pmids.update(d.get("pmids", []))
    for _, _, d in G.edges(data=True):
        pmids.update(d.get("pmids", []))
    recipients = {v for _, v, k in G.edges(keys=True) if k == "TAKEN_UP_BY"}
    donors = {u for u, _, k in G.edges(keys=True) if k == "RELEASES"}
    record_cancers = {v for u, v, k in G.edges(keys=True) if k == "IN_CONTEXT_OF"
                      and G.nodes[u]["category"] == "CommunicationRecord"}
    kb = G.graph.get("kb") or {}
    versions = sorted({s.get("kb", {}).get("version", "") for s in G.graph.get("sources", [])} - {""})
    return {
        "nodes": dict(sorted(nodes.items())),
        "edges": dict(sorted(edges.items())),
        "communications": nodes.get("CommunicationRecord", 0),
        "biomarker_claims": nodes.get("BiomarkerClaim", 0),
        "cancers": nodes.get("Cancer", 0),
        "cancers_with_communications": len(record_cancers),
        "cell_types": nodes.get("CellType", 0),
        "donor_cell_types": len(donors),
        "recipient_cell_types": len(recipients),
        "pmids": len(pmids),
        "version": kb.get("version") or ";".join(versions) or "unversioned",
    }


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def info(
        format: Annotated[InfoFormat, typer.Option("--format", "-f", help="Output format.")] = InfoFormat.table,
        kb: KbOption = DEFAULT_KB,
    ):
        """Counts by node category and edge type, records, cancers, cell types, PMIDs and version."""
        s = summarise(load_graph(kb))
        if format == InfoFormat.json:
            typer.echo(to_json(s), nl=False)
            return
        rows = [["node", k, v] for k, v in s["nodes"].items()]
        rows += [["edge", k, v] for k, v in s["edges"].items()]
        rows += [["summary", k, s[k]] for k in ("communications", "biomarker_claims", "cancers",
                                                 "cancers_with_communications", "cell_types", "donor_cell_types",
                                                 "recipient_cell_types", "pmids", "version")]
        print_table("evgraph knowledge graph", ["kind", "name", "count"], rows)
