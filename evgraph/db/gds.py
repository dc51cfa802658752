"""Centralities computed inside Neo4j with Graph Data Science, on the same projection
evgraph uses in memory (evidence weights, undirected, parallel relationships summed)."""

from __future__ import annotations

from evgraph.db.connection import DbError, Settings, connect, explain_error

__all__ = ["GDS_METHODS", "gds_available", "gds_scores"]

GDS_METHODS = ("degree", "pagerank", "betweenness")

# The weight of projection.edge_weight, written in Cypher: level * (1 + ln n_papers), the papers being
# the PMIDs and the DOIs of papers without one; identifier mappings weigh 1. GDS scores the nodes as
# stored, one per molecule (evgraph's target granularity merges products into their gene in memory). Distances are 1/weight in millionths, as in projection.to_distance.
_PROJECT = """
MATCH (s:Entity)-[r]->(t:Entity)
WHERE NOT s:BiomarkerClaim AND NOT t:BiomarkerClaim AND NOT s:BodyFluid AND NOT t:BodyFluid AND s <> t
  AND ($ids IS NULL OR (s.id IN $ids AND t.id IN $ids
       AND (r.records IS NULL OR any(x IN r.records WHERE x IN $records))))
WITH CASE WHEN elementId(s) < elementId(t) THEN s ELSE t END AS a,
     CASE WHEN elementId(s) < elementId(t) THEN t ELSE s END AS b,
     CASE WHEN type(r) = 'PRODUCT_OF' THEN 1.0 ELSE
       CASE r.evidence_level WHEN 'patient_samples' THEN 1.0 WHEN 'in_vivo' THEN 0.75
         WHEN 'in_vitro' THEN 0.5 ELSE 0.25 END
       * (1.0 + log(toFloat(CASE WHEN size(coalesce(r.pmids, [])) + size(coalesce(r.dois, [])) > 0
                                 THEN size(coalesce(r.pmids, [])) + size(coalesce(r.dois, [])) ELSE 1 END))) END AS w
WITH a, b, sum(w) AS weight
WITH a, b, weight, toFloat(CASE WHEN round(1000000.0 / weight) < 1 THEN 1 ELSE round(1000000.0 / weight) END) AS distance
RETURN gds.graph.project($name, a, b, {relationshipProperties: {weight: weight, distance: distance}},
                         {undirectedRelationshipTypes: ['*']}) AS g
"""

_STREAMS = {
    "degree": "CALL gds.degree.stream($name, {relationshipWeightProperty: 'weight', orientation: 'UNDIRECTED'}) "
              "YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score",
    "pagerank": "CALL gds.pageRank.stream($name, {relationshipWeightProperty: 'weight', dampingFactor: 0.85, "
                "maxIterations: 1000, tolerance: 1e-12}) "
                "YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score",
    "betweenness": "CALL gds.betweenness.stream($name, {relationshipWeightProperty: 'distance'}) "
                   "YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score",
    "betweenness_sampled": "CALL gds.betweenness.stream($name, {samplingSize: $k, samplingSeed: $seed}) "
                           "YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score",
}


def gds_available(settings: Settings) -> str | None:
    """The GDS version on the server, or ``None`` when the plugin is absent."""
    from neo4j import exceptions as ex

    with connect(settings) as driver:
        try:
            rec = driver.execute_query("RETURN gds.version() AS v", database_=settings.database).records
            return rec[0]["v"]
        except ex.ClientError:
            return None


def gds_scores(settings: Settings, methods, *, node_ids=None, k=100, seed=0) -> dict[str, dict[str, float]]:
    """``{method: {node id: score}}`` computed by GDS for ``degree``, ``pagerank`` and
    ``betweenness`` (exact or ``betweenness_sampled`` with ``k`` sources).

    ``node_ids`` restricts the projection to those nodes (a context): an edge is kept
    when both ends are in it and, if it lists supporting records, one of them is.
    Edge weights count all of an edge's PMIDs (in memory, a context keeps only
    the PMIDs of its records), so context ranks can differ slightly between engines.
    """
    from neo4j import exceptions as ex

    unsupported = [m for m in methods if m not in _STREAMS]
    if unsupported:
        raise DbError(f"the neo4j engine computes {', '.join(_STREAMS)}; not {', '.join(unsupported)}")
    name = f"evgraph_rank_{seed}_{abs(hash(tuple(methods))) % 10**8}"
    out: dict[str, dict[str, float]] = {}
    with connect(settings) as driver:
        with driver.session(database=settings.database) as session:
            try:
                session.run("RETURN gds.version()").consume()
            except ex.ClientError:
                raise DbError(f"the Neo4j server at {settings.uri} has no Graph Data Science plugin; "
                              "use --engine networkx or igraph, or install GDS") from None
            try:
                session.run("CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName", name=name).consume()
                ids = sorted(node_ids) if node_ids is not None else None
                records = [i for i in ids if i.startswith("EVC:")] if ids is not None else None
                session.run(_PROJECT, name=name, ids=ids, records=records).consume()
                for m in methods:
                    result = session.run(_STREAMS[m], name=name, k=k, seed=seed)
                    out[m] = {r["id"]: float(r["score"]) for r in result}
            except ex.Neo4jError as err:
                raise DbError(f"GDS failed: {getattr(err, 'message', None) or err}") from None
            except ex.DriverError as err:
                raise explain_error(err, settings) from None
            finally:
                try:
                    session.run("CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName",
                                name=name).consume()
                except ex.Neo4jError:
                    pass
    return out
