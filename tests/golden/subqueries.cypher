// CALL subqueries, EXISTS/COUNT/COLLECT subqueries and FOREACH, on the Neo4j Cypher manual's
// example graph of the CALL subquery page (each result as the manual gives it).
CREATE (a:Person:Child {age: 20, name: 'Alice'}), (b:Person {age: 27, name: 'Bob'}),
       (c:Person:Parent {age: 65, name: 'Charlie'}), (d:Person {age: 30, name: 'Dora'}),
       (a)-[:FRIEND_OF]->(b), (a)-[:CHILD_OF]->(c), (:Counter {count: 0});
// Each row runs the subquery once and sees what the rows before it wrote.
UNWIND [0, 1, 2] AS x CALL () { MATCH (n:Counter) SET n.count = n.count + 1 RETURN n.count AS innerCount }
WITH innerCount MATCH (n:Counter) RETURN innerCount, n.count AS totalCount;
// Importing with the scope clause, and with a leading WITH.
UNWIND [0, 1, 2] AS x CALL (x) { RETURN x * 10 AS y } RETURN x, y;
UNWIND [0, 1, 2] AS x CALL { WITH x RETURN x * 10 AS y } RETURN x, y;
// UNION inside: the youngest and the oldest person.
CALL () { MATCH (p:Person) RETURN p ORDER BY p.age ASC LIMIT 1
          UNION MATCH (p:Person) RETURN p ORDER BY p.age DESC LIMIT 1 }
RETURN p.name, p.age ORDER BY p.name;
// Aggregation per outer row: a subquery that finds nothing still counts zero.
MATCH (p:Person) CALL (p) { MATCH (p)-[:FRIEND_OF]->(f) RETURN count(f) AS friends } RETURN p.name, friends ORDER BY p.name;
// A subquery that returns no row drops the outer row.
MATCH (p:Person) CALL (p) { MATCH (p)-[:CHILD_OF]->(c) RETURN c.name AS parent } RETURN p.name, parent;
// A unit subquery (no RETURN) passes each outer row on once.
MATCH (p:Person) CALL (p) { UNWIND range(1, 5) AS i CREATE (:Clone {name: p.name}) } RETURN count(*) AS people;
MATCH (c:Clone) RETURN c.name, count(*) AS clones ORDER BY c.name;
// EXISTS, COUNT and COLLECT subqueries see the outer variables.
MATCH (p:Person) WHERE EXISTS { MATCH (p)-[:FRIEND_OF]->(f) WHERE f.age > 25 } RETURN p.name;
MATCH (p:Person) RETURN p.name, COUNT { (p)-->() } AS out ORDER BY p.name;
MATCH (p:Person) WHERE COUNT { (p)-->(:Person) } > 1 RETURN p.name;
MATCH (p:Person) RETURN p.name, COLLECT { MATCH (p)-->(x) RETURN x.name ORDER BY x.name } AS knows ORDER BY p.name;
MATCH (p:Person) WHERE EXISTS { MATCH (p)-->(x) RETURN x.name UNION MATCH (x)-->(p) RETURN x.name } RETURN p.name ORDER BY p.name;
// FOREACH: updates for each element; what it binds stays inside.
MATCH (p:Person {name: 'Alice'}) FOREACH (tag IN ['a', 'b'] | CREATE (p)-[:TAGGED]->(:Tag {v: tag})) RETURN p.name;
MATCH (p:Person) FOREACH (i IN CASE WHEN p.age > 25 THEN [1] ELSE [] END | SET p:Grown) RETURN p.name, p:Grown AS grown ORDER BY p.name;
MATCH (:Person {name: 'Alice'})-[:TAGGED]->(t) WITH t ORDER BY t.v RETURN collect(t.v) AS tags;
// IN TRANSACTIONS: batches; a failed batch with ON ERROR CONTINUE is rolled back and reported.
UNWIND [1, 0, 2] AS x CALL (x) { CREATE (t:Ratio {v: 10 / x}) RETURN t.v AS v }
IN TRANSACTIONS OF 1 ROW ON ERROR CONTINUE REPORT STATUS AS s RETURN x, v, s.started, s.committed, s.errorMessage;
MATCH (r:Ratio) RETURN collect(r.v) AS kept;
UNWIND [1, 0, 2] AS x CALL (x) { CREATE (:Broken {v: 10 / x}) } IN TRANSACTIONS OF 1 ROW ON ERROR BREAK REPORT STATUS AS s RETURN x, s.started, s.committed;
MATCH (b:Broken) RETURN count(b) AS kept;
