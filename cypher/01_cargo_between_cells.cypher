// name: cargo_between_cells
// description: EV cargo that a donor cell type sends to a recipient cell type, optionally in one cancer, with the records and papers that show it.
// param donor: id<CellType> = "CL:0001064"       donor cell type (Cell Ontology id; CL:0001064 = malignant cell)
// param recipient: id<CellType> = "CL:0000115"   recipient cell type (CL:0000115 = endothelial cell)
// param cancer: id<Cancer>? = null               a cancer (MONDO id), or null for every cancer
// example: evgraph db query cargo_between_cells --param donor=CL:0000057 --param recipient=CL:0001064
MATCH (d:CellType {id: $donor})-[:RELEASES]->(r:CommunicationRecord)-[:TAKEN_UP_BY]->(:CellType {id: $recipient})
MATCH (r)-[:IN_CONTEXT_OF]->(c:Cancer)
WHERE $cancer IS NULL OR c.id = $cancer
MATCH (r)-[:CARRIES]->(x)
RETURN x.id AS cargo, x.name AS name, x.category AS cargo_type, c.name AS cancer,
       r.id AS record, r.ev_subtype AS ev_subtype, r.pmids AS pmids
ORDER BY cargo, record
