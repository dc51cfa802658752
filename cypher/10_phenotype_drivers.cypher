// name: phenotype_drivers
// description: EV cargo that drives a phenotype (directly through a record, or through a target gene and pathway), ranked by the number of supporting papers.
// param phenotype: id<Phenotype> = "GO:0001525"   phenotype id (GO:0001525 = angiogenesis)
// param cancer: id<Cancer>? = null                restrict to one cancer (MONDO id)
// example: evgraph db query phenotype_drivers --param phenotype=evgraph:pre_metastatic_niche
MATCH (f:Phenotype {id: $phenotype})<-[c:CAUSES]-(r:CommunicationRecord)-[:CARRIES]->(x)
MATCH (r)-[:IN_CONTEXT_OF]->(k:Cancer)
WHERE ($cancer IS NULL OR k.id = $cancer) AND c.effect = 'promotes'
WITH x, collect(DISTINCT r.id) AS records, collect(DISTINCT k.name) AS cancers, collect(r.pmids) AS pmid_lists
// aggregate first, then flatten: FalkorDB allows no aggregation inside reduce()
UNWIND reduce(s = [], p IN pmid_lists | s + p) AS pmid
WITH x, records, cancers, collect(DISTINCT pmid) AS pmids
RETURN x.id AS cargo, x.name AS name, x.category AS cargo_type, size(pmids) AS n_pmids, records, cancers
ORDER BY n_pmids DESC, cargo
