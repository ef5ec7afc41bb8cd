// Writes: MERGE, SET, REMOVE, DELETE, and their statistics.
MERGE (a:City {name: 'Bishkek'}) ON CREATE SET a.created = true RETURN a;
MERGE (a:City {name: 'Bishkek'}) ON MATCH SET a.seen = 1 RETURN a;
MATCH (a:City) SET a += {population: 1000000, created: null}, a:Capital RETURN a;
MATCH (a:City) REMOVE a.seen, a:Capital RETURN a, labels(a);
MATCH (a:City) SET a = {name: 'Osh'} RETURN properties(a);
CREATE (x:T)-[:R]->(y:T);
MATCH (x:T) DETACH DELETE x RETURN count(*) AS deleted;
MATCH (n) RETURN count(n);
UNWIND [1, 2, 2] AS i MERGE (n:N {i: i}) RETURN count(n);
MATCH (n:N) RETURN n.i ORDER BY n.i;
// Deleting a node that still has relationships fails, and changes nothing.
CREATE (x:T)-[:R]->(y:T);
MATCH (x:T) DELETE x;
