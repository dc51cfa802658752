// name: gds_betweenness
// description: Betweenness centrality computed inside Neo4j with Graph Data Science on the undirected projection (sampled from a number of source nodes for large graphs).
// requires: gds
// param limit: int = 20            how many nodes to return
// param sampling_size: int? = null  number of sampled source nodes, or null for exact betweenness
// param category: string? = null   only nodes of this category, or null for all
// example: evgraph db query gds_betweenness --param sampling_size=200
MATCH (s:Entity)-[r]->(t:Entity)
WHERE NOT s:BiomarkerClaim AND NOT t:BiomarkerClaim AND NOT s:BodyFluid AND NOT t:BodyFluid AND s <> t
WITH DISTINCT s, t
WITH gds.graph.project('evgraph_betweenness_' + toString(rand()), s, t, {}, {undirectedRelationshipTypes: ['*']}) AS g
CALL gds.betweenness.stream(g.graphName, CASE WHEN $sampling_size IS NULL THEN {} ELSE
                                         {samplingSize: $sampling_size, samplingSeed: 42} END)
YIELD nodeId, score
WITH g, gds.util.asNode(nodeId) AS n, score
WHERE $category IS NULL OR n.category = $category
WITH g, n, score ORDER BY score DESC, n.id LIMIT $limit
WITH g, collect({id: n.id, name: n.name, category: n.category, score: score}) AS rows
CALL gds.graph.drop(g.graphName, false) YIELD graphName
UNWIND rows AS row
RETURN row.id AS id, row.name AS name, row.category AS category, row.score AS score
