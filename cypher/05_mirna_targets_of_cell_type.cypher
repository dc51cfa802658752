// name: mirna_targets_of_cell_type
// description: Target genes of the EV miRNAs a cell type releases, with the direction of effect and the recipient cells.
// param donor: id<CellType> = "CL:0000057"   donor cell type (CL id; fibroblast, where CAFs are mapped)
// example: evgraph db query mirna_targets_of_cell_type --param donor=macrophage
MATCH (:CellType {id: $donor})-[:RELEASES]->(r:CommunicationRecord)-[:CARRIES]->(m:MiRNA)-[g:REGULATES]->(t:Gene)
WHERE r.id IN g.records
MATCH (r)-[:TAKEN_UP_BY]->(c:CellType)
RETURN m.id AS mirna, t.symbol AS target, g.effect AS effect, collect(DISTINCT c.name) AS recipients,
       g.pmids AS pmids
ORDER BY mirna, target
