// name: shared_cargo_between_cancers
// description: EV cargo molecules reported in two cancers, with the records of each.
// param cancer_a: id<Cancer> = "MONDO:0007254"   first cancer (MONDO id; breast cancer)
// param cancer_b: id<Cancer> = "MONDO:0005233"   second cancer (non-small cell lung carcinoma)
// example: evgraph db query shared_cargo_between_cancers --param cancer_a=MONDO:0007256 --param cancer_b=MONDO:0001056
MATCH (:Cancer {id: $cancer_a})<-[:IN_CONTEXT_OF]-(ra:CommunicationRecord)-[:CARRIES]->(x)
MATCH (:Cancer {id: $cancer_b})<-[:IN_CONTEXT_OF]-(rb:CommunicationRecord)-[:CARRIES]->(x)
RETURN x.id AS cargo, x.name AS name, collect(DISTINCT ra.id) AS records_a, collect(DISTINCT rb.id) AS records_b
ORDER BY cargo
