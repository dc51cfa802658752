// name: most_reprogrammed_recipients
// description: Recipient cell types ranked by how many EV records, distinct cargo and phenotypes act on them.
// param cancer: id<Cancer>? = null   restrict to one cancer (MONDO id), or null for all
// param limit: int = 10              how many cell types
// example: evgraph db query most_reprogrammed_recipients --param cancer=MONDO:0007254
MATCH (r:CommunicationRecord)-[:TAKEN_UP_BY]->(t:CellType)
MATCH (r)-[:IN_CONTEXT_OF]->(c:Cancer)
WHERE $cancer IS NULL OR c.id = $cancer
OPTIONAL MATCH (r)-[:CARRIES]->(x)
OPTIONAL MATCH (r)-[:CAUSES]->(f:Phenotype)
RETURN t.id AS cell_type, t.name AS name, count(DISTINCT r) AS records, count(DISTINCT x) AS cargo,
       count(DISTINCT f) AS phenotypes, count(DISTINCT c) AS cancers
ORDER BY records DESC, cargo DESC, cell_type
LIMIT $limit
