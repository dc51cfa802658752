// name: edge_evidence
// description: The evidence behind one edge: its type, PMIDs, evidence level, source and the claims of the records that support it.
// param source: id = "hsa-miR-105-5p"     source node id
// param target: id = "hgnc.symbol:TJP1"   target node id
// example: evgraph db query edge_evidence --param source=CL:0000127 --param target=EVC:0005
MATCH (a:Entity {id: $source})-[e]->(b:Entity {id: $target})
OPTIONAL MATCH (r:CommunicationRecord) WHERE r.id IN coalesce(e.records, []) OR r.id IN [a.id, b.id]
RETURN type(e) AS type, e.pmids AS pmids, e.evidence_level AS evidence_level, e.knowledge_source AS source,
       e.source_version AS version, e.license AS license, e.effect AS effect,
       collect(DISTINCT r.claim) AS claims
ORDER BY type
