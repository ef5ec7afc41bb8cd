UNWIND range(1, 20) AS i CREATE (:N {i: i, s: toString(i)}) WITH count(*) AS c MATCH (a:N), (b:N) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT {w: a.i * 0.5}]->(b)
