// name: machinery_with_inhibitors
// description: EV machinery genes (biogenesis, loading, secretion, uptake), where they act, what targeting them changed, and drugs that hit them.
// example: evgraph db query machinery_with_inhibitors
MATCH (g:Gene)-[m:EV_MACHINERY_IN]->(c:CellType)
OPTIONAL MATCH (g)-[:MACHINERY_DRIVES]->(f:Phenotype)
OPTIONAL MATCH (d:Drug)-[t:TARGETS]->(g)
RETURN g.symbol AS gene, m.roles AS roles, c.name AS cell_type, m.cancers AS cancers,
       collect(DISTINCT f.name) AS phenotypes, collect(DISTINCT d.name) AS drugs, m.pmids AS pmids
ORDER BY gene, cell_type
