// name: gds_pagerank
// description: PageRank computed inside Neo4j with Graph Data Science on the evidence-weighted, undirected projection evgraph ranks on (biomarker claims left out).
// requires: gds
// param limit: int = 20        how many nodes to return
// param category: string? = null   only nodes of this category (e.g. MiRNA), or null for all
// example: evgraph db query gds_pagerank --param category=MiRNA
MATCH (s:Entity)-[r]->(t:Entity)
WHERE NOT s:BiomarkerClaim AND NOT t:BiomarkerClaim AND NOT s:BodyFluid AND NOT t:BodyFluid AND s <> t
WITH s, t, sum(CASE WHEN type(r) = 'PRODUCT_OF' THEN 1.0 ELSE
       CASE r.evidence_level WHEN 'patient_samples' THEN 1.0 WHEN 'in_vivo' THEN 0.75 WHEN 'in_vitro' THEN 0.5
       ELSE 0.25 END * (1.0 + log(toFloat(CASE WHEN size(r.pmids) + size(coalesce(r.dois, [])) > 0
         THEN size(r.pmids) + size(coalesce(r.dois, [])) ELSE 1 END))) END) AS w
WITH gds.graph.project('evgraph_pagerank_' + toString(rand()), s, t,
       {relationshipProperties: {weight: w}}, {undirectedRelationshipTypes: ['*']}) AS g
CALL gds.pageRank.stream(g.graphName, {relationshipWeightProperty: 'weight', dampingFactor: 0.85,
                                       maxIterations: 100, tolerance: 1e-10})
YIELD nodeId, score
WITH g, gds.util.asNode(nodeId) AS n, score
WHERE $category IS NULL OR n.category = $category
WITH g, n, score ORDER BY score DESC, n.id LIMIT $limit
WITH g, collect({id: n.id, name: n.name, category: n.category, score: score}) AS rows
CALL gds.graph.drop(g.graphName, false) YIELD graphName
UNWIND rows AS row
RETURN row.id AS id, row.name AS name, row.category AS category, row.score AS score
