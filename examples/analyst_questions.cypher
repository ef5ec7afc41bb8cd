// Analyst questions over graphs/kyrgyz_japan.cypher (Kyrgyz-Japanese relations).
// Sources: 000_abeb9ff96c849685.txt (Kyrgyz foreign ministry page on Kyrgyz-Japan
// bilateral relations) and 001_52bc7c020066422b.txt (Times Tengri, 22 December 2025).
// Each question is a `// Q:` line followed by one query ending with `;`.
// Every query returns at least one row on the bundled graph, and every query that
// can return several rows orders them on its returned columns.

// Q: When were diplomatic relations between Kyrgyzstan and Japan established, and what is the evidence?
MATCH (k:Country {name: 'Kyrgyzstan'})-[r:ESTABLISHED_DIPLOMATIC_RELATIONS]->(j:Country {name: 'Japan'})
RETURN r.date AS established, r.quote AS evidence;

// Q: Who visited Japan in 2004, and which sentence says so?
MATCH (x)-[v:VISITED]->(:Country {name: 'Japan'})
WHERE v.year = 2004
RETURN x.name AS visitor, v.quote AS evidence
ORDER BY visitor;

// Q: How many times did each Kyrgyz office visit Japan?
MATCH (o:Office)-[v:VISITED]->(:Country {name: 'Japan'})
RETURN o.name AS office, count(v) AS visits
ORDER BY visits DESC, office;

// Q: How many times did each Japanese office or delegation visit Kyrgyzstan?
MATCH (x)-[v:VISITED]->(:Country {name: 'Kyrgyzstan'})
RETURN x.name AS visitor, count(v) AS visits
ORDER BY visits DESC, visitor;

// Q: How many visits went in each direction (each visit is stored once)?
MATCH (x)-[v:VISITED]->(c:Country)
RETURN c.name AS host_country, count(v) AS visits
ORDER BY host_country;

// Q: In which years (and months, where known) did the Prime Minister of the Kyrgyz Republic visit Japan?
MATCH (:Office {name: 'Prime Minister of the Kyrgyz Republic'})-[v:VISITED]->(:Country {name: 'Japan'})
RETURN v.year AS year, v.month AS month
ORDER BY year, month;

// Q: Which visits between the two countries took place in the 1990s?
MATCH (x)-[v:VISITED]->(c:Country)
WHERE v.year >= 1990 AND v.year < 2000
RETURN v.year AS year, v.month AS month, x.name AS visitor, c.name AS destination
ORDER BY year, month, visitor;

// Q: Which visits are described as official visits of heads of state?
MATCH (x)-[v:VISITED]->(c:Country)
WHERE v.official = true
RETURN x.name AS visitor, c.name AS destination, v.year AS year
ORDER BY year, visitor;

// Q: Who visited Japan in March 2017, in what capacity, and what was signed during that visit?
// The visit is the office's; the person acting in it HELD the office then.
MATCH (p:Person)-[h:HELD]->(o:Office)-[v:VISITED]->(:Country {name: 'Japan'}), (a:Agreement)
WHERE v.year = h.year AND v.month = h.month AND a.year = v.year AND a.month = v.month
RETURN p.name AS visitor, o.name AS capacity, a.name AS signed, a.agreements AS number_of_agreements, v.date_quote AS evidence;

// Q: Which named people held which offices, and when does the source show them in office?
MATCH (p:Person)-[h:HELD]->(o:Office)
RETURN p.name AS person, o.name AS office, h.year AS year, h.month AS month
ORDER BY person, year, month;

// Q: Who met whom, and when?
MATCH (a)-[m:MET]->(b)
RETURN m.year AS year, m.month AS month, a.name AS side_a, b.name AS side_b, m.quote AS evidence
ORDER BY year, month, side_a;

// Q: When and where were the embassies established, and which country does each represent?
MATCH (e:Embassy)-[r:ESTABLISHED_IN]->(c:City), (e)-[:REPRESENTS]->(k:Country)
RETURN e.name AS embassy, k.name AS country, c.name AS city, r.year AS year, r.month AS month
ORDER BY year, month;

// Q: Which Japanese companies signed memorandums with the Ministry of Education?
MATCH (m:Ministry {name: 'Ministry of Education'})-[:SIGNED]->(a:Agreement)<-[:SIGNED]-(c:Company)-[:LOCATED_IN]->(:Country {name: 'Japan'})
RETURN c.name AS company, a.name AS document
ORDER BY company;

// Q: How is the Ministry of Energy connected to the National Grid Company through the documents they signed?
MATCH (m:Ministry {name: 'Ministry of Energy'})-[:SIGNED]->(a1:Agreement)<-[:SIGNED]-(x:Company)-[:SIGNED]->(a2:Agreement)<-[:SIGNED]-(g:Company {name: 'National Grid Company'})
RETURN m.name AS start, a1.name AS first_document, x.name AS shared_partner, a2.name AS second_document, g.name AS finish;

// Q: How many SIGNED hops separate the Ministry of Energy from the National Grid Company on the shortest path?
MATCH p = shortestPath((m:Ministry {name: 'Ministry of Energy'})-[:SIGNED*..6]-(g:Company {name: 'National Grid Company'}))
RETURN length(p) AS hops;

// Q: What is the total assistance stated in US dollars, and over how many items?
MATCH (n)
WHERE n.amount_usd IS NOT NULL
RETURN sum(n.amount_usd) AS total_usd, count(n) AS items;

// Q: Which items carry a US dollar amount, and is the amount approximate?
MATCH (n)
WHERE n.amount_usd IS NOT NULL
RETURN n.name AS item, n.amount_usd AS amount_usd, n.approximate AS approximate, n.year AS year
ORDER BY amount_usd DESC;

// Q: What did Japan fund, when, and on what evidence?
MATCH (:Country {name: 'Japan'})-[f:FUNDED]->(p)
RETURN p.name AS funded, p.amount_usd AS amount_usd, f.date AS date, f.quote AS evidence
ORDER BY funded;

// Q: Which bodies did the technical assistance of May 2015 equip?
MATCH (:Country {name: 'Japan'})-[:FUNDED]->(p:Project)-[:CONCERNS]->(b)
RETURN p.name AS assistance, b.name AS beneficiary, p.electoral_cycle AS electoral_cycle
ORDER BY beneficiary;

// Q: Which projects were the 2017 grant agreements signed for?
MATCH (a:Agreement)-[:CONCERNS]->(p:Project)
WHERE a.document_type = 'grant agreement'
RETURN a.name AS agreements, a.amount_usd AS amount_usd, a.approximate AS approximate, p.name AS project
ORDER BY project;

// Q: Which documents were signed at the December 2025 forum, and by whom?
MATCH (a:Agreement)-[:SIGNED_AT]->(:Event)-[:PART_OF]->(:Event {name: 'Central Asia + Japan Business Forum'})
OPTIONAL MATCH (s)-[:SIGNED]->(a)
RETURN a.name AS document, s.name AS signatory
ORDER BY document, signatory;

// Q: How many documents does the article say were signed at the ceremony, and how many are named individually?
MATCH (c:Event {name: 'Bilateral document signing ceremony'})<-[:SIGNED_AT]-(a:Agreement)
RETURN c.documents_signed AS stated, count(a) AS named_in_graph;

// Q: Which Kyrgyz state bodies signed documents at the ceremony, and how many each?
MATCH (b)-[:PART_OF]->(:Country {name: 'Kyrgyzstan'}), (b)-[:SIGNED]->(a:Agreement)-[:SIGNED_AT]->(:Event {name: 'Bilateral document signing ceremony'})
RETURN b.name AS body, count(a) AS documents
ORDER BY body;

// Q: Which projects concern hydropower, and which document concerns them?
MATCH (p:Project)
WHERE p.name CONTAINS 'hydropower'
OPTIONAL MATCH (a:Agreement)-[:CONCERNS]->(p)
OPTIONAL MATCH (p)-[:LOCATED_IN]->(r:River)
RETURN p.name AS project, a.name AS document, r.name AS river
ORDER BY project, document;

// Q: What is the healthcare memorandum about, and on what model are the centres based?
MATCH (m:Ministry {name: 'Ministry of Health'})-[:SIGNED]->(a:Agreement)-[:CONCERNS]->(p:Project)-[:MODELED_ON]->(c:Concept)-[:LOCATED_IN]->(k:Country)
RETURN a.name AS document, p.name AS project, c.name AS model, k.name AS model_country;

// Q: Which sectors did the Central Asia + Japan Business Forum cover?
MATCH (:Event {name: 'Central Asia + Japan Business Forum'})-[:COVERS]->(s:Sector)
RETURN s.name AS sector
ORDER BY sector;

// Q: Which priority areas did the forum agenda focus on?
MATCH (:Event {name: 'Central Asia + Japan Business Forum'})-[:FOCUSES_ON]->(s:Sector)
RETURN s.name AS area
ORDER BY area;

// Q: Which fields do the signed documents cover according to the Kyrgyz Presidential Press Service?
MATCH (:Agency {name: 'Presidential Press Service'})-[:REPORTED]->(c:Event)-[:COVERS]->(s:Sector)
RETURN c.name AS ceremony, s.name AS field
ORDER BY field;

// Q: Which sectors appear both among the forum's sectors and among the fields of the signed documents?
MATCH (:Event {name: 'Central Asia + Japan Business Forum'})-[:COVERS]->(s:Sector)<-[:COVERS]-(:Event {name: 'Bilateral document signing ceremony'})
RETURN s.name AS sector
ORDER BY sector;

// Q: Who attended the December 2025 signing ceremony, and where and when was the forum held?
MATCH (x)-[:ATTENDED]->(c:Event {name: 'Bilateral document signing ceremony'})-[:PART_OF]->(f:Event)-[:HELD_IN]->(city:City)
RETURN x.name AS attendee, f.name AS forum, city.name AS city, f.date AS date, f.participants AS participants
ORDER BY attendee;

// Q: Which events took place in Tokyo?
MATCH (e:Event)-[:HELD_IN]->(:City {name: 'Tokyo'})
RETURN e.name AS event, e.date AS date
ORDER BY date;

// Q: Who attended the June 2018 political consultations, and who initiated them?
MATCH (x)-[:ATTENDED]->(e:Event)<-[:INITIATED]-(k:Country)
WHERE e.year = 2018
RETURN e.name AS event, e.date AS date, x.name AS attendee, k.name AS initiated_by
ORDER BY attendee;

// Q: What happened in 2015, according to the graph?
MATCH (a)-[r]->(b)
WHERE r.year = 2015
RETURN a.name AS subject, type(r) AS relation, b.name AS object, r.month AS month
ORDER BY subject, relation, object;

// Q: Who proposed the Silk Road Diplomacy concept, when, and which regions did it target?
MATCH (c:Cabinet)-[p:PROPOSED]->(k:Concept {name: 'Silk Road Diplomacy'})-[:TARGETS]->(r:Region)
RETURN c.name AS proposer, p.year AS year, r.name AS target_region
ORDER BY target_region;

// Q: Which dialogue mechanism did Japan promote in 2004, and whom does it engage?
MATCH (:Country {name: 'Japan'})-[p:PROMOTED]->(i:Initiative)-[:TARGETS]->(r:Region)
WHERE p.year = 2004
RETURN i.name AS initiative, r.name AS region, r.country_count AS countries, p.quote AS evidence;

// Q: Which leaders confirmed support for the planned 2024 summit, and when?
MATCH (p:Person)-[s:SUPPORTS]->(e:Event)
WHERE e.year = 2024
RETURN p.name AS leader, e.name AS summit, s.year AS year, s.month AS month
ORDER BY leader;

// Q: Through which places does the new Japan-Europe route pass, in order?
MATCH (:Route {name: 'Japan-Europe route'})-[r:PASSES_THROUGH]->(x)
RETURN r.order AS stop, x.name AS place
ORDER BY stop;

// Q: What does the Caspian Sea route bypass, what is it an alternative to, and who dominates that alternative?
MATCH (c:Route {name: 'Caspian Sea route'})-[:ALTERNATIVE_TO]->(r:Route)-[:DOMINATED_BY]->(d:Country), (c)-[:BYPASSES]->(b:Country)
RETURN r.name AS alternative_to, d.name AS dominated_by, b.name AS bypasses;

// Q: Which Japanese ministry launched tests of new logistics routes, when, and which routes were tested?
MATCH (m:Ministry)-[i:INITIATED]->(e:Event)-[:CONCERNS]->(r:Route)
RETURN m.name AS ministry, i.year AS year, i.month AS month, r.name AS route
ORDER BY route;

// Q: Which resources does Central Asia have that Japan needs?
MATCH (:Region {name: 'Central Asia'})-[:HAS_RESOURCE]->(r:Resource)<-[:NEEDS]-(:Country {name: 'Japan'})
RETURN r.name AS resource
ORDER BY resource;

// Q: Who are the Central Asian region's partners?
MATCH (:Region {name: 'Central Asia'})-[:COOPERATES_WITH]->(p)
RETURN p.name AS partner
ORDER BY partner;

// Q: How large is Japan's One Village, One Product programme in Kyrgyzstan, and where does it run?
MATCH (:Country {name: 'Japan'})-[:IMPLEMENTS]->(p:Programme)-[:LOCATED_IN]->(x)
RETURN p.name AS programme, p.production_teams AS production_teams, p.people AS people, x.name AS location
ORDER BY location;

// Q: What are Kyrgyzstan's key areas of cooperation with Japan, and where does Japan have technological advantages?
MATCH (c:Country)-[r]->(s:Sector)
WHERE (c.name = 'Kyrgyzstan' AND type(r) = 'FOCUSES_ON') OR (c.name = 'Japan' AND type(r) = 'HAS_ADVANTAGE_IN')
RETURN c.name AS country, type(r) AS relation, s.name AS area
ORDER BY country, area;

// Q: In which sectors does JICA cooperate with Kyrgyzstan?
MATCH (j:Agency)-[c:COOPERATES_WITH]->(k:Country {name: 'Kyrgyzstan'})
WHERE 'JICA' IN j.aliases
RETURN j.name AS agency, c.sectors AS sectors, c.quote AS evidence;

// Q: What did Sadyr Japarov say Kyrgyzstan needs, and in which year?
MATCH (k:Country {name: 'Kyrgyzstan'})-[n:NEEDS]->(i:Initiative)
RETURN i.name AS initiative, n.stated_by AS stated_by, n.year AS year, n.quote AS evidence;

// Q: Which bodies belong to the Kyrgyz state, directly or through the parliament?
MATCH (x)-[:PART_OF*1..2]->(:Country {name: 'Kyrgyzstan'})
RETURN DISTINCT x.name AS body
ORDER BY body;

// Q: What lies within two hops of the Chom-Kmin River small hydropower station (documents, signatories, sector, events)?
MATCH (p:Project {name: 'Chom-Kmin River small hydropower station'})-[*1..2]-(x)
WHERE x <> p
RETURN DISTINCT x.name AS neighbour
ORDER BY neighbour;

// Q: How many relationships does each source document support?
MATCH ()-[r]->()
RETURN r.source AS source, count(r) AS facts
ORDER BY source;

// Q: What are the two source documents, and who published them?
MATCH (s:Source)
RETURN s.name AS source, s.title AS title, s.publisher AS publisher, s.date AS date
ORDER BY source;
