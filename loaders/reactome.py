"""Reactome pathways, their hierarchy and gene membership (CC0).

Files (tab-separated, no header, all species mixed):

* ``ReactomePathways.txt``: stable id, name, species
* ``ReactomePathwaysRelation.txt``: parent id, child id -> ``PART_OF`` (child -> parent)
* membership, one or more of: ``NCBI2Reactome.txt`` (NCBI Gene id, pathway, URL,
  name, evidence code, species), ``Ensembl2Reactome.txt`` (same columns, Ensembl
  ids) or ``ReactomePathways.gmt`` (name, stable id, gene symbols) ->
  ``PARTICIPATES_IN`` (gene -> pathway). The lowest-level files are used, not
  ``*_All_Levels``, which repeat each gene for every ancestor pathway.

NCBI Gene and Ensembl ids are mapped to symbols with the HGNC file (source
``hgnc``) and the (id, symbol) pairs that ExoCarta, Vesiclepedia and
miRTarBase carry; what cannot be mapped is reported.

Reactome's human pathways of infectious disease also list the proteins of the
virus or bacterium (influenza ``NA`` and ``PB1``, HCMV ``gH`` and ``UL5``,
SARS-CoV ``8b``, M. tuberculosis ``tpx``), which HGNC aliases would turn into
human genes (XK, PBRM1, GH1, RPL11, SYNE1, TPO). A name in the GMT membership is
taken for another organism's protein, counted and not mapped, when it is not an
approved HGNC symbol (without the HGNC file: any name) and every pathway listing
it is an infection pathway or an ancestor of one. Infection pathways are those
below *Infectious disease* in the hierarchy file and those whose name says so
(virus, viral, infection, bacterial, Mtb, HIV, SARS-CoV, ...); a pathway whose
genes include all of an infection pathway's genes counts as its ancestor when
the hierarchy file is older than the GMT.
"""

from __future__ import annotations

import re

import pandas as pd

from evgraph.loaders._read import LINE, bad, collect, read_gmt, read_headerless
from evgraph.loaders.normalise import Report
from evgraph.loaders.registry import Context, FileRole, Result, SourceInfo, edge_frame, node_frame, prefixed, register
from evgraph.tables import Tables

LICENSE = "CC0-1.0"
MEMBERSHIP = ["gene", "pathway", "url", "pathway_name", "evidence", "species"]
INFECTIOUS_DISEASE = "Infectious disease"
_SYMBOL_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
INFECTION_WORDS = re.compile(
    r"\b(virus|viruses|viral|virion|infections?|infectious|influenza|HIV|HCMV|EBV|KSHV|HBV|HCV|HPV|SARS|CoV|"
    r"SARS-CoV-\d|coronavirus|Mtb|mycobacteri\w*|tubercul\w*|bacteria|bacterial|toxins?|leishmania\w*|"
    r"parasites?|parasitic|pathogens?|pathogenic|microbial|host)\b", re.IGNORECASE)


def _pathway_ids(df: pd.DataFrame, column: str, path, code: str) -> pd.Series:
    values = df[column]
    ok = values.str.fullmatch(r"R-[A-Z]{3}-\d+")
    if not ok.all():
        i = (~ok).to_numpy().nonzero()[0][0]
        raise bad(path, int(df[LINE].iloc[i]), column,
                  f"{values.iloc[i]!r} is not a Reactome stable id like R-{code}-1640170")
    return "REACT:" + values


def _membership(path, kind: str, ctx: Context, report: Report) -> pd.DataFrame:
    df = read_headerless(path, MEMBERSHIP)
    report.rows_read += len(df)
    same = df["species"] == ctx.sp.latin
    report.reject(f"{path.name}: rows of species other than {ctx.sp.latin}", int((~same).sum()))
    df = df.loc[same]
    if kind == "ensembl":
        genes_only = df["gene"].str.startswith("ENSG")
        report.reject(f"{path.name}: transcript or protein ids (only ENSG gene ids are used)",
                      int((~genes_only).sum()))
        df = df.loc[genes_only]
        table = ctx.symbols.ensembl
        what = "Ensembl gene id (no symbol known: give the HGNC file)"
    else:
        table = ctx.symbols.entrez
        what = "NCBI Gene id (no symbol known: give the HGNC file)"
    symbols = df["gene"].map(table)
    report.unmapped_values(what, df.loc[symbols.isna(), "gene"], lines=df.loc[symbols.isna(), LINE], path=path)
    report.reject(f"{path.name}: genes without a symbol", int(symbols.isna().sum()))
    df = df.assign(symbol=symbols, pathway=_pathway_ids(df, "pathway", path, ctx.sp.reactome))
    return df.loc[df["symbol"].notna(), ["symbol", "pathway", "pathway_name", "evidence"]]


def infection_pathways(names: dict, relations: pd.DataFrame | None) -> tuple[set, set]:
    """(infection pathways, their ancestors in the hierarchy), as ``REACT:`` ids.

    Infection pathways: the descendants of *Infectious disease* in the hierarchy and the
    pathways whose name speaks of a pathogen or an infection.

    Examples
    --------
    >>> names = {"REACT:R-HSA-1": "Infectious disease", "REACT:R-HSA-2": "Budding",
    ...          "REACT:R-HSA-3": "SARS-CoV-2 Infection", "REACT:R-HSA-4": "Disease", "REACT:R-HSA-5": "Antiviral mechanism"}
    >>> rel = pd.DataFrame({"parent": ["REACT:R-HSA-4", "REACT:R-HSA-1"], "child": ["REACT:R-HSA-1", "REACT:R-HSA-2"]})
    >>> sorted(infection_pathways(names, rel)[0]), sorted(infection_pathways(names, rel)[1])
    (['REACT:R-HSA-1', 'REACT:R-HSA-2', 'REACT:R-HSA-3'], ['REACT:R-HSA-4'])
    """
    found = {pid for pid, name in names.items() if name and INFECTION_WORDS.search(name)}
    ancestors: set = set()
    if relations is not None and len(relations):
        kids: dict = {}
        parents: dict = {}
        for parent, child in zip(relations["parent"], relations["child"]):
            kids.setdefault(parent, set()).add(child)
            parents.setdefault(child, set()).add(parent)
        stack = [pid for pid, name in names.items() if name == INFECTIOUS_DISEASE]
        seen = set(stack)
        while stack:
            pid = stack.pop()
            found.add(pid)
            for c in kids.get(pid, ()):
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        # below a pathway named as an infection, too (the hierarchy may lack "Infectious disease")
        stack = list(found)
        while stack:
            for c in kids.get(stack.pop(), ()):
                if c not in found:
                    found.add(c)
                    stack.append(c)
        stack = list(found)
        while stack:
            for par in parents.get(stack.pop(), ()):
                if par not in found and par not in ancestors:
                    ancestors.add(par)
                    stack.append(par)
    return found, ancestors


def _pathogen_names(df: pd.DataFrame, ctx: Context, infection: set, ancestors: set) -> set:
    """Names of the GMT membership that are other organisms' proteins (see the module docstring).

    With the HGNC file a name qualifies only if HGNC would otherwise have renamed it (an alias, a
    previous symbol, an alias in another case, an ambiguous alias) or it is written in lower case;
    a name HGNC does not know at all is left to be counted as unknown.
    """
    genes_of = df.groupby("pathway")["gene"].agg(frozenset).to_dict()
    in_infection = df.loc[df["pathway"].isin(infection), "gene"].unique()
    hgnc = ctx.human if ctx.human.has_hgnc else None
    candidates = []
    for n in in_infection:
        # only names that could be gene symbols: "18S rRNA" is counted as an invalid symbol
        if not _SYMBOL_LIKE.match(n):
            continue
        if hgnc is None:
            candidates.append(n)
            continue
        _, how = hgnc.symbol(n)
        if how in ("renamed", "ambiguous", "alias in another case") or (how == "unknown" and n != n.upper()):
            candidates.append(n)
    if not candidates:
        return set()
    sel = df.loc[df["gene"].isin(candidates)]
    where = sel.groupby("gene")["pathway"].agg(frozenset).to_dict()
    out = set()
    for name, pathways in where.items():
        inf = [genes_of[p] for p in pathways if p in infection]
        # every other pathway listing it must be an ancestor of one of its infection pathways
        if all(p in infection or p in ancestors or any(g <= genes_of[p] for g in inf) for p in pathways):
            out.add(name)
    return out


def _gmt_membership(path, ctx: Context, report: Report, names: dict, relations) -> pd.DataFrame:
    df = read_gmt(path)
    report.rows_read += len(df)
    wrong = ~df["description"].str.fullmatch(r"R-[A-Z]{3}-\d+")
    if wrong.any():
        row = df.loc[wrong].iloc[0]
        raise bad(path, int(row[LINE]), "", f"the second field must be a Reactome stable id, found "
                  f"{row['description']!r}")
    same = df["description"].str.startswith(f"R-{ctx.sp.reactome}-")
    report.reject(f"{path.name}: pathways of other species", int((~same).sum()))
    df = df.loc[same].assign(pathway="REACT:" + df.loc[same, "description"])
    infection, ancestors = infection_pathways({**dict(zip(df["pathway"], df["set"])), **names}, relations)
    pathogen = df["gene"].isin(_pathogen_names(df, ctx, infection, ancestors))
    report.unmapped_values("other organism's protein in an infection pathway (not a human gene)" if ctx.human.has_hgnc
                           else "name listed only in infection pathways (a pathogen protein or a host gene: give "
                                "the HGNC file to tell them apart)",
                           df.loc[pathogen, "gene"], lines=df.loc[pathogen, LINE], path=path)
    report.reject(f"{path.name}: other organisms' proteins listed in human infection pathways", int(pathogen.sum()))
    df = df.loc[~pathogen]
    symbols = ctx.symbols.symbols(df["gene"], report, lines=df[LINE], path=path)
    df = df.assign(symbol=symbols, pathway_name=df["set"], evidence=None)
    report.reject(f"{path.name}: genes whose symbol could not be mapped", int(symbols.isna().sum()))
    return df.loc[df["symbol"].notna(), ["symbol", "pathway", "pathway_name", "evidence"]]


def load(files, ctx: Context) -> Result:
    report = Report("reactome", files=[p for ps in files.values() for p in ps])
    ctx.tick("reactome: pathways")
    pw_path = files["pathways"][0]
    pw = read_headerless(pw_path, ["id", "name", "species"])
    report.rows_read += len(pw)
    same = pw["species"] == ctx.sp.latin
    report.reject(f"{pw_path.name}: pathways of species other than {ctx.sp.latin}", int((~same).sum()))
    pw = pw.loc[same]
    pw = pw.assign(id=_pathway_ids(pw, "id", pw_path, ctx.sp.reactome))
    names = dict(zip(pw["id"], pw["name"]))
    edges = []
    rel = None
    if "relations" in files:
        rel_path = files["relations"][0]
        rel = read_headerless(rel_path, ["parent", "child"])
        report.rows_read += len(rel)
        prefix = f"R-{ctx.sp.reactome}-"
        same = rel["parent"].str.startswith(prefix) & rel["child"].str.startswith(prefix)
        report.reject(f"{rel_path.name}: hierarchy rows of other species", int((~same).sum()))
        rel = rel.loc[same]
        rel = rel.assign(parent=_pathway_ids(rel, "parent", rel_path, ctx.sp.reactome),
                         child=_pathway_ids(rel, "child", rel_path, ctx.sp.reactome))
        unknown = ~(rel["parent"].isin(names.keys()) & rel["child"].isin(names.keys()))
        report.unmapped_values("pathway in the hierarchy but not in ReactomePathways.txt",
                               pd.concat([rel.loc[unknown & ~rel["parent"].isin(names.keys()), "parent"],
                                          rel.loc[unknown & ~rel["child"].isin(names.keys()), "child"]]))
        report.reject("hierarchy rows naming an unknown pathway", int(unknown.sum()))
        rel = rel.loc[~unknown].drop_duplicates()
        edges.append(edge_frame(rel["child"], rel["parent"], "PART_OF", knowledge_source="reactome",
                                version=ctx.version, license=LICENSE))
    members = []
    for role, reader in (("ncbi", lambda p: _membership(p, "ncbi", ctx, report)),
                         ("ensembl", lambda p: _membership(p, "ensembl", ctx, report)),
                         ("gmt", lambda p: _gmt_membership(p, ctx, report, names, rel))):
        for path in files.get(role, []):
            ctx.tick(f"reactome: {path.name}")
            members.append(reader(path))
    m = pd.concat(members, ignore_index=True)
    extra = m.loc[~m["pathway"].isin(names.keys())].drop_duplicates("pathway")
    names.update(zip(extra["pathway"], extra["pathway_name"]))
    m = m.assign(gene=prefixed(ctx.gene_prefix, m["symbol"]))
    codes = collect(m, ["gene", "pathway"], {"evidence": "evidence"})
    edges.append(edge_frame(codes["gene"], codes["pathway"], "PARTICIPATES_IN", knowledge_source="reactome",
                            version=ctx.version, license=LICENSE, evidence_codes=codes["evidence"]))
    genes = m.drop_duplicates("gene")
    used = pd.Series(sorted(set(codes["pathway"]) | set().union(*[set(e["source"]) | set(e["target"])
                                                                  for e in edges[:-1]])), dtype=object)
    nodes = pd.concat([node_frame(used, "Pathway", names=used.map(names)),
                       node_frame(genes["gene"], "Gene", names=genes["symbol"], symbol=genes["symbol"])],
                      ignore_index=True)
    return Result(Tables(nodes, pd.concat(edges, ignore_index=True), {"source": "reactome", "version": ctx.version}),
                  report)


INFO = register(SourceInfo(
    name="reactome",
    title="Reactome: pathways, hierarchy and gene membership",
    homepage="https://reactome.org",
    download="https://reactome.org/download-data: ReactomePathways.txt, ReactomePathwaysRelation.txt, "
             "NCBI2Reactome.txt or Ensembl2Reactome.txt (lowest level), or ReactomePathways.gmt",
    license=LICENSE,
    citation="Gillespie M, et al. The reactome pathway knowledgebase 2022. Nucleic Acids Res. 2022. "
             "doi:10.1093/nar/gkab1028",
    files=(FileRole("pathways", ("ReactomePathways.txt", "ReactomePathways.txt.gz")),
           FileRole("relations", ("ReactomePathwaysRelation.txt", "ReactomePathwaysRelation.txt.gz"),
                    required=False),
           FileRole("ncbi", ("NCBI2Reactome.txt", "NCBI2Reactome.txt.gz"), required=False),
           FileRole("ensembl", ("Ensembl2Reactome.txt", "Ensembl2Reactome.txt.gz"), required=False),
           FileRole("gmt", ("ReactomePathways.gmt", "ReactomePathways.gmt.gz"), required=False)),
    load=load,
    one_of=("ncbi", "ensembl", "gmt"),
    order=60,
))
