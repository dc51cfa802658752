// name: summary_counts
// description: How many nodes of each label and relationships of each type the database holds.
// example: evgraph db query summary_counts
MATCH (n:Entity)
WITH n.category AS kind, count(*) AS n
RETURN 'node' AS element, kind, n
UNION ALL
MATCH ()-[r]->()
RETURN 'relationship' AS element, type(r) AS kind, count(*) AS n
