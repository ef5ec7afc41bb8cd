// silkgraph TEST export; query: MATCH (n) RETURN n; graph: sha256:de12c9024dc0755a3489628c8dad3806ef521eb9109bee2f53ee18233a88e772
// 4 nodes, 5 relationships
CREATE (n0:Person:Official {name: 'Sadyr Japarov', born: 1968, height: 1.8, active: true, aliases: ['S. Japarov', 'Japarov'], since: date('2021-01-28'), big: 9007199254740993})
CREATE (n1:Country {name: 'Japan', note: 'He said "hi"\nthen <left> & went'})
CREATE (n2:Agreement {name: 'MoU', amount_usd: 1500000000.5, scores: [1, 2, 3], ratio: 0.1})
CREATE (n3)
CREATE (n0)-[:VISITED {year: 2023, source: 'doc.txt', quote: 'He visited Japan.'}]->(n1)
CREATE (n0)-[:VISITED {year: 2024, source: 'doc.txt', quote: 'He visited again.'}]->(n1)
CREATE (n0)-[:SIGNED {date: date('2025-12-20'), official: false}]->(n2)
CREATE (n2)-[:MENTIONS]->(n2)
CREATE (n1)-[:HOSTS {nan: (0.0 / 0.0), inf: (1.0 / 0.0)}]->(n3)
;
