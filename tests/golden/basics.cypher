// Creating, matching, projecting, ordering.
CREATE (a:Person {name: 'Ann', age: 31}), (b:Person {name: 'Bo', age: 25}), (c:Person:Admin {name: 'Cy'}),
       (a)-[:KNOWS {since: 2010}]->(b), (b)-[:KNOWS {since: 2015}]->(c), (a)-[:LIKES]->(c);
MATCH (p:Person) RETURN p.name AS name, p.age AS age ORDER BY age DESC, name;
MATCH (a {name: 'Ann'})-[r]->(x) RETURN type(r) AS t, x.name ORDER BY t;
MATCH (a)-[:KNOWS*1..2]->(x) RETURN a.name, collect(x.name) AS reach ORDER BY a.name;
MATCH (n) RETURN labels(n) AS l, count(*) AS c ORDER BY c DESC, l;
MATCH (p:Person) OPTIONAL MATCH (p)-[:LIKES]->(q) RETURN p.name, q.name ORDER BY p.name;
MATCH (p:Person) WHERE p.age IS NULL RETURN p;
UNWIND [3, 1, 2, null] AS x RETURN x ORDER BY x;
WITH [1, 2, 3, 4] AS xs RETURN [x IN xs WHERE x % 2 = 0 | x * 10] AS evens, reduce(s = 0, x IN xs | s + x) AS total, xs[1..3] AS mid, xs[-1] AS last;
RETURN 1 + 2 * 3 ^ 2 AS a, 7 / 2 AS b, 7.0 / 2 AS c, 7 % 3 AS d, -2 ^ 2 AS e, 'x' + 1 AS f;
RETURN null = null AS a, null IS NULL AS b, 1 IN [1, null] AS c, 2 IN [1, null] AS d, true XOR null AS e, [1, 2] = [1, 2] AS f;
RETURN CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END AS simple, CASE WHEN 1 > 2 THEN 'yes' ELSE 'no' END AS searched;
RETURN toUpper('abc') AS u, substring('hello', 1, 3) AS s, split('a,b,c', ',') AS parts, replace('aaa', 'a', 'b') AS r, trim('  x ') AS t, left('hello', 2) AS l, right('hello', 2) AS rt, reverse('abc') AS rv;
RETURN toInteger('42') AS i, toFloat('1.5') AS f, toString(2.0) AS s, toBoolean('true') AS b, coalesce(null, 3) AS c, size([1, 2]) AS n, range(1, 10, 3) AS r, abs(-3) AS a, sign(-2.5) AS sg, round(2.5) AS rd, sqrt(16) AS sq;
RETURN date('2015-05-20') AS d, date('2015-05-20').year AS y, date('2015-05-20') < date('2016-01-01') AS before;
MATCH p = (a {name: 'Ann'})-[:KNOWS]->()-[:KNOWS]->(c) RETURN length(p) AS len, [n IN nodes(p) | n.name] AS names;
MATCH (a:Person {name: 'Ann'}), (c:Person {name: 'Cy'}) MATCH p = shortestPath((a)-[*]->(c)) RETURN length(p);
MATCH (n:Person) WITH n ORDER BY n.name SKIP 1 LIMIT 1 RETURN n.name;
MATCH (n:Person) RETURN count(n) AS n, sum(n.age) AS total, avg(n.age) AS mean, min(n.age) AS lo, max(n.age) AS hi, collect(DISTINCT n.age) AS ages;
RETURN 1 AS x UNION RETURN 1 AS x UNION ALL RETURN 2 AS x;
