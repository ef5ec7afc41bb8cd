// Neo4j 5 syntax: label expressions, WHERE inside patterns, ORDER BY/SKIP/LIMIT as clauses,
// OPTIONAL CALL, CASE with several values and comparisons, trim(... FROM ...), NODETACH DELETE,
// dynamic property keys (SET n[key] = value, REMOVE n[key]; a key that is not a string refused).
CREATE (a:Person:Author {name: 'Ann', age: 31}), (b:Person {name: 'Bo', age: 12}), (c:Robot {name: 'R2'}),
       (d:Thing {name: 'Rock'}), (a)-[:KNOWS {since: 2010}]->(b), (b)-[:KNOWS {since: 2020}]->(c);
MATCH (n:Person|Robot) RETURN n.name ORDER BY n.name;
MATCH (n:Person&!Author) RETURN n.name;
MATCH (n:!(Person|Robot)) RETURN n.name;
MATCH (n:%) RETURN count(n) AS labelled;
MATCH (p:Person WHERE p.age > 20)-[k:KNOWS WHERE k.since < 2015]->(x) RETURN p.name, x.name;
MATCH (p:Person) RETURN p.name, [(p)-[k WHERE k.since > 2015]->(x) | x.name] AS recent ORDER BY p.name;
MATCH (n) ORDER BY n.name DESC SKIP 1 LIMIT 2 RETURN n.name;
MATCH (p:Person) OPTIONAL CALL (p) { MATCH (p)-[:KNOWS]->(r:Robot) RETURN r.name AS robot } RETURN p.name, robot ORDER BY p.name;
MATCH (p:Person) RETURN p.name, CASE p.age WHEN 0, 1, 2 THEN 'baby' WHEN < 13 THEN 'child' WHEN IS NULL THEN 'unknown' ELSE 'adult' END AS stage ORDER BY p.name;
RETURN trim(BOTH 'x' FROM 'xxhixx') AS both, trim(LEADING 'x' FROM 'xxhixx') AS leading, trim(TRAILING FROM '  hi  ') AS trailing;
MATCH (p:Person) FOREACH (k IN keys(p) | SET p[k + 'Copy'] = p[k]) RETURN p.name, keys(p) ORDER BY p.name;
MATCH (p:Person)-[k:KNOWS]->() SET k['since' + 'Year'] = k.since, p['a' + 'ge'] = null RETURN p.name, p.age, k.sinceYear;
MATCH (p:Person) WITH p, [k IN keys(p) WHERE k ENDS WITH 'Copy'] AS copies FOREACH (k IN copies | REMOVE p[k]) RETURN p.name, keys(p);
MATCH (n:Thing) NODETACH DELETE n RETURN count(*) AS deleted;
MATCH (n:Person {name: 'Bo'}) NODETACH DELETE n;
