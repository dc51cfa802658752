// name: paths_cargo_to_phenotype
// description: Every evidence path from an EV cargo through its target genes and pathways to a phenotype, with the PMIDs of each step.
// param cargo: id = "hsa-miR-105-5p"       cargo node id
// param phenotype: id<Phenotype>? = null   a phenotype id (GO or evgraph:), or null for all
// param max_steps: int = 3                 longest path (REGULATES, ALTERS, CAUSES steps)
// example: evgraph db query paths_cargo_to_phenotype --param cargo=hsa-miR-122 --param phenotype=evgraph:metastasis
MATCH (x:Entity {id: $cargo})<-[:CARRIES]-(r:CommunicationRecord)
MATCH p = (x)-[:REGULATES|ALTERS|CAUSES*1..5]->(f:Phenotype)
WHERE length(p) <= $max_steps AND ($phenotype IS NULL OR f.id = $phenotype)
  AND all(rel IN relationships(p) WHERE rel.records IS NULL OR r.id IN rel.records)
RETURN DISTINCT [n IN nodes(p) | n.name] AS path,
       [rel IN relationships(p) | type(rel)] AS steps,
       [rel IN relationships(p) | rel.pmids] AS pmids, r.id AS record
UNION
MATCH (x:Entity {id: $cargo})<-[:CARRIES]-(r:CommunicationRecord)-[c:CAUSES]->(f:Phenotype)
WHERE $phenotype IS NULL OR f.id = $phenotype
RETURN DISTINCT [x.name, r.name, f.name] AS path, ['CARRIED_BY', 'CAUSES'] AS steps, [r.pmids, c.pmids] AS pmids,
       r.id AS record
