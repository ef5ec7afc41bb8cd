CREATE (a:P {name: 'x', n: 1, f: 1.5, l: [1,2], m: null})-[:R {w: -2}]->(b:Q:`odd label` {s: "q'uote\n"});
CREATE (c);
