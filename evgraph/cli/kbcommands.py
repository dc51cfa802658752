"""``evgraph validate`` and ``evgraph export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evgraph.cli._common import (CANCER_HELP, COUNT, DEFAULT_KB, EXACT_HELP, SEED, Choice, KbOption, cancer_scope,
                                 fail, handle_errors, load_graph, provenance, usage)

EXPORT_FORMATS = Choice("csv", "json", "graphml", "cx2")
LEVELS = ("in_vitro", "in_vivo", "patient_samples")
# what a ranking adds to each node of an exported graph (every form of a target gets the target's)
SCORE_FIELDS = ("rank", "score", "modality", "rank_low", "rank_high", "top_k_frequency", "p_value", "q_value")


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
        ctx: typer.Context,
        out: Annotated[Path, typer.Option("--out", "-o", help="Folder (csv) or file (json, graphml, cx2).")],
        format: Annotated[str, typer.Option("--format", "-f", parser=EXPORT_FORMATS, metavar=EXPORT_FORMATS.metavar,
                                            help="csv: nodes.csv, edges.csv, communications.csv, meta.json; "
                                            "json: node-link; graphml; cx2: Cytoscape and NDEx.")] = "csv",
        cancer: Annotated[str | None, typer.Option(help=CANCER_HELP)] = None,
        exact: Annotated[bool, typer.Option("--exact", help=EXACT_HELP)] = False,
        species: Annotated[str | None, typer.Option(
            parser=Choice("human", "mouse", "rat"), metavar="[human|mouse|rat]",
            help="Only the part of the graph supported by records in this species.")] = None,
        evidence: Annotated[str | None, typer.Option(
            parser=Choice(*LEVELS), metavar=Choice(*LEVELS).metavar,
            help="Only the part supported by records with at least this evidence.")] = None,
        model_system: Annotated[str | None, typer.Option(
            "--model-system", parser=Choice(*LEVELS), metavar=Choice(*LEVELS).metavar,
            help="Only the part supported by records that used this model system.")] = None,
        scores: Annotated[bool, typer.Option(
            "--scores", help="Rank the exported part as 'evgraph rank' does and add each target's rank, "
            "score, direction (modality), interval, p, q and per-method ranks to its nodes.")] = False,
        method: Annotated[list[str] | None, typer.Option(
            "--method", "-m", help="With --scores: the ranking's methods (as for rank).")] = None,
        bootstrap: Annotated[int, typer.Option(parser=COUNT, metavar="N",
                                               help="With --scores: bootstrap replicates (rank intervals).")] = 0,
        permutations: Annotated[int, typer.Option(parser=COUNT, metavar="N",
                                                  help="With --scores: permutations (p- and q-values).")] = 0,
        random_seed: Annotated[int, typer.Option("--random-seed", parser=SEED, metavar="SEED",
                                                 help="With --scores: seed of every random step.")] = 0,
        kb: KbOption = DEFAULT_KB,
    ):
        """Export the graph, or the part a context keeps (the same filters as rank), with a ranking's
        scores as node attributes (--scores): csv, node-link json, GraphML or CX2 for Cytoscape and NDEx."""
        from evgraph.cli.rank import _split_methods

        methods = _split_methods(method)
        if cancer is not None and not cancer.strip():
            raise usage("is empty: give a name or id, or leave the option out", "--cancer")
        if exact and cancer is None:
            raise usage("needs --cancer", "--exact")
        if not scores and (method or bootstrap or permutations):
            raise usage("--method, --bootstrap and --permutations go with --scores", "--scores")
        if format == "csv" and out.exists() and not out.is_dir():
            raise fail(f"{out} exists and is not a folder; csv export writes a folder")
        from evgraph.analysis.context import restrict

        G = load_graph(kb)
        scope = cancer_scope(G, cancer, exact) if cancer is not None else None
        ids = scope.ids if scope else None
        H = restrict(G, cancer=ids, species=species, evidence=evidence, model_system=model_system)
        ranking = _node_scores(G, ids, species, evidence, model_system, methods, bootstrap, permutations,
                               random_seed) if scores else None
        about = provenance(ctx, kb, cancer_scope=scope.as_dict() if scope else None)
        if ranking:
            about["ranking"] = ranking["params"]
        if ranking and H is G:
            H = G.copy()  # scores are added to the nodes; the graph of this process stays as it was
        for n, attrs in (ranking or {}).get("nodes", {}).items():
            if n in H:
                H.nodes[n].update(attrs)
        H.graph["export"] = about
        try:
            written = _write(H, out, format, scope, about)
        finally:
            if H is G:
                H.graph.pop("export", None)
        for path in written:
            typer.echo(f"wrote {path}", err=True)

    def _node_scores(G, cancer, species, evidence, model_system, methods, bootstrap, permutations, seed):
        """A ranking of the exported part as node attributes: every form of a target gets its row."""
        from evgraph.analysis.ranking import rank_targets

        res = rank_targets(G, methods=methods, cancer=cancer, species=species, evidence=evidence,
                           model_system=model_system, bootstrap=bootstrap, permutations=permutations, seed=seed)
        nodes = {}
        for r in res.records():
            attrs = {k: r.get(k) for k in SCORE_FIELDS if r.get(k) is not None}
            attrs["target"] = r["id"]
            attrs.update({f"{m}_rank": r[f"{m}_rank"] for m in res.params["methods"]})
            for f in r["forms"]:
                nodes[f] = attrs
        return {"nodes": nodes, "params": {k: res.params[k] for k in (
            "methods", "candidates", "granularity", "consensus", "bootstrap", "permutations", "seed",
            "n_candidates")}}

    def _write(H, out, format, scope, about):
        from evgraph import exchange

        if format == "csv":
            return exchange.write_csv(H, out)
        if format == "json":
            return [exchange.write_json(H, out)]
        if format == "graphml":
            return [exchange.write_graphml(H, out)]
        from evgraph.cx2 import write_cx2
        from evgraph.viz.colors import CATEGORY_COLORS, EDGE_STYLES

        title = "evgraph: EV communication" + (f" in {scope.description}" if scope else "")
        versions = ";".join(v for v in about["knowledge_base"]["versions"] if v)
        return [write_cx2(H, out, name=title, version=versions,
                          description="Extracellular-vesicle communication in cancer from evgraph; every edge "
                          "cites its papers (pmids, dois).",
                          network_attributes={"evgraph": about}, node_colors=CATEGORY_COLORS,
                          edge_colors={k: v["color"] for k, v in EDGE_STYLES.items()})]
