"""``evgraph info``: what the loaded knowledge graph holds."""

from __future__ import annotations

from typing import Annotated

import typer

from evgraph.cli._common import DEFAULT_KB, TABLE_OR_JSON, KbOption, handle_errors, load_graph, print_table, to_json


def summarise(G) -> dict:
    from collections import Counter

    nodes = Counter(c for _, c in G.nodes(data="category"))
    edges = Counter(k for _, _, k in G.edges(keys=True))
    pmids: set[str] = set()
    dois: set[str] = set()
    for _, d in G.nodes(data=True):
        pmids.update(d.get("pmids", []))
        if not d.get("pmids"):
            dois.update(d.get("dois", []))
    for _, _, d in G.edges(data=True):
        pmids.update(d.get("pmids", []))
        dois.update(d.get("dois", []))  # an edge lists the DOIs of papers it cites without a PMID
    metas = [G.graph.get("kb") or {}] + [s.get("kb", {}) for s in G.graph.get("sources", [])]
    rows: dict[str, int] = {}
    for m in metas:
        for name, n in (m.get("rows") or {}).items():
            rows[name] = rows.get(name, 0) + int(n)
    whole = sum(1 for _, d in G.nodes(data=True)
                if d.get("category") == "CommunicationRecord" and d.get("cargo_type") == "whole_EV")
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
        "whole_ev_communications": whole,
        "machinery_rows": rows.get("machinery"),
        "machinery_genes": len({u for u, _, k in G.edges(keys=True) if k == "EV_MACHINERY_IN"}),
        "drug_rows": rows.get("drugs"),
        "drugs": nodes.get("Drug", 0),
        "pmids": len(pmids),
        "papers_cited_by_doi_only": len(dois),
        "version": kb.get("version") or ";".join(versions) or "unversioned",
    }


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def info(
        format: Annotated[str, typer.Option("--format", "-f", parser=TABLE_OR_JSON, metavar=TABLE_OR_JSON.metavar,
                                            help="table or json.")] = "table",
        kb: KbOption = DEFAULT_KB,
    ):
        """Counts by node category and edge type, records, cancers, cell types, PMIDs and version."""
        s = summarise(load_graph(kb))
        if format == "json":
            typer.echo(to_json(s), nl=False)
            return
        rows = [["node", k, v] for k, v in s["nodes"].items()]
        rows += [["edge", k, v] for k, v in s["edges"].items()]
        rows += [["summary", k, "" if v is None else v] for k, v in s.items() if k not in ("nodes", "edges")]
        print_table("evgraph knowledge graph", ["kind", "name", "count"], rows)
