// name: stroma_to_tumour
// description: Records in which EVs from non-malignant cells (CAFs, macrophages, MSCs, astrocytes...) act on tumour cells, and what they change.
// param cancer: id<Cancer>? = null   restrict to one cancer (MONDO id)
// example: evgraph db query stroma_to_tumour --param cancer=MONDO:0005575
MATCH (d:CellType)-[:RELEASES]->(r:CommunicationRecord)-[:TAKEN_UP_BY]->(:CellType {id: 'CL:0001064'})
WHERE d.id <> 'CL:0001064'
MATCH (r)-[:IN_CONTEXT_OF]->(k:Cancer)
WHERE $cancer IS NULL OR k.id = $cancer
MATCH (r)-[:CARRIES]->(x)
OPTIONAL MATCH (r)-[:CAUSES]->(f:Phenotype)
RETURN d.name AS donor, x.name AS cargo, k.name AS cancer, collect(DISTINCT f.name) AS phenotypes,
       r.id AS record, r.pmids AS pmids
ORDER BY donor, cargo, record
