// name: drugs_on_ev_network
// description: Drugs and inhibitors that act on EV cargo, cargo targets or EV machinery, with the cancers in which their targets take part in EV communication.
// example: evgraph db query drugs_on_ev_network
MATCH (d:Drug)-[t:TARGETS]->(x)
OPTIONAL MATCH (x)<-[:PRODUCT_OF]-(cargo)<-[:CARRIES]-(r1:CommunicationRecord)
OPTIONAL MATCH (x)<-[:CARRIES]-(r2:CommunicationRecord)
OPTIONAL MATCH (x)<-[:REGULATES]-()<-[:CARRIES]-(r3:CommunicationRecord)
WITH d, t, x, [r IN collect(DISTINCT r1) + collect(DISTINCT r2) + collect(DISTINCT r3) WHERE r IS NOT NULL] AS recs
UNWIND (CASE WHEN size(recs) = 0 THEN [null] ELSE recs END) AS r
OPTIONAL MATCH (r)-[:IN_CONTEXT_OF]->(k:Cancer)
RETURN d.name AS drug, t.action AS action, x.name AS target, x.category AS target_kind,
       collect(DISTINCT k.name) AS cancers, t.pmids AS pmids
ORDER BY drug, target
