//! A ranked text index over graph entities (tantivy: BM25 scoring, Lucene's query syntax), built
//! in memory from the graph as it is and kept by the store until the graph changes.

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value as _, STORED};
use tantivy::{Index, IndexReader, TantivyDocument};

/// How a field's text is split into terms.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Analyzer {
    /// Words, lower-cased (Neo4j's default full-text analyzer: no stemming, no stop words).
    Standard,
    /// Words, lower-cased and stemmed as English (`consultations` finds `consultation`).
    English,
}

impl Analyzer {
    fn tokenizer(self) -> &'static str {
        match self {
            Analyzer::Standard => "default",
            Analyzer::English => "en_stem",
        }
    }
}

/// One field of the index: its name (what a query writes before `:`), analyzer and weight.
pub struct Field {
    /// The name queries use (`name:Japan`).
    pub name: String,
    /// How its text is split.
    pub analyzer: Analyzer,
    /// How much a match in it counts against one in another field.
    pub boost: f32,
}

/// A built index: entity ids and their fields' terms.
pub struct TextIndex {
    index: Index,
    reader: IndexReader,
    id: tantivy::schema::Field,
    fields: Vec<tantivy::schema::Field>,
    boosts: Vec<f32>,
}

/// A field name tantivy takes (and a query can write): letters, digits and `_`.
fn field_name(name: &str, i: usize) -> String {
    let ok = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if ok && name != "_id" {
        name.to_string()
    } else {
        format!("field_{i}")
    }
}

impl TextIndex {
    /// Indexes `docs`: an entity id and, per field (by position in `fields`), its texts.
    /// `check` is called now and then with the bytes the index grew by since its last call, so
    /// that a long or large build obeys the statement's time and memory limits.
    pub fn build(
        fields: &[Field],
        docs: &mut dyn Iterator<Item = (u64, Vec<Vec<String>>)>,
        check: &dyn Fn(u64) -> crate::error::Result<()>,
    ) -> crate::error::Result<TextIndex> {
        let err = |e: tantivy::TantivyError| super::failed(format!("the text index failed: {e}"));
        let mut schema = Schema::builder();
        let id = schema.add_u64_field("_id", STORED);
        let mut handles = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(f.analyzer.tokenizer())
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            handles.push(
                schema.add_text_field(&field_name(&f.name, i), TextOptions::default().set_indexing_options(indexing)),
            );
        }
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000).map_err(err)?;
        // What the index will hold, told to `check` as it grows (a document's postings and
        // positions take about twice its text, and a little for the document itself).
        let mut bytes = 0u64;
        for (n, (entity, texts)) in docs.enumerate() {
            if n.is_multiple_of(4096) {
                check(std::mem::take(&mut bytes))?;
            }
            let mut doc = TantivyDocument::default();
            doc.add_u64(id, entity);
            bytes += 64;
            for (h, values) in handles.iter().zip(texts) {
                for v in values {
                    bytes += 2 * v.len() as u64;
                    doc.add_text(*h, &v);
                }
            }
            writer.add_document(doc).map_err(err)?;
        }
        check(bytes)?;
        writer.commit().map_err(err)?;
        let reader = index.reader().map_err(err)?;
        Ok(TextIndex { index, reader, id, fields: handles, boosts: fields.iter().map(|f| f.boost).collect() })
    }

    /// The entities matching a query in Lucene's syntax (`word`, `"a phrase"`, `a AND b`,
    /// `name:Japan`, `consult*`), best first: `(id, score)`. A query that does not parse is an
    /// error that says where.
    pub fn query(&self, text: &str, skip: usize, limit: usize) -> crate::error::Result<Vec<(u64, f64)>> {
        let mut parser = QueryParser::for_index(&self.index, self.fields.clone());
        for (f, b) in self.fields.iter().zip(&self.boosts) {
            parser.set_field_boost(*f, *b);
        }
        // The query parser recurses on brackets: a deep nest is refused, not a crashed stack.
        let mut depth = 0usize;
        for c in text.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth > 32 {
                return Err(super::failed("the full-text query nests brackets more than 32 deep"));
            }
        }
        let text = &self.expand(text);
        let query = parser
            .parse_query(text)
            .map_err(|e| super::failed(format!("the full-text query {text:?} does not parse: {e}")))?;
        self.run(&*query, skip, limit)
    }

    /// Lucene's `term*` (prefix) and `term~` / `term~N` (at most N edits, 2 by default), which
    /// tantivy's parser lacks, rewritten as the terms of the index they stand for:
    /// `(name:japarov OR name:japan)`; a word that stands for none is left as written.
    fn expand(&self, query: &str) -> String {
        let names: Vec<String> =
            self.fields.iter().map(|f| self.index.schema().get_field_name(*f).to_string()).collect();
        let mut out = String::with_capacity(query.len());
        let mut quoted = false;
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            out.push_str(&self.expand_word(word, &names).unwrap_or_else(|| word.clone()));
            word.clear();
        };
        for c in query.chars() {
            if c == '"' {
                quoted = !quoted;
            }
            if quoted || c == '"' || c.is_whitespace() || c == '(' || c == ')' {
                flush(&mut word, &mut out);
                out.push(c);
            } else {
                word.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    fn expand_word(&self, word: &str, names: &[String]) -> Option<String> {
        let (sign, word) = match word.strip_prefix(['+', '-']) {
            Some(rest) => (&word[..1], rest),
            None => ("", word),
        };
        let (field, term) = match word.split_once(':') {
            Some((f, t)) if names.iter().any(|n| n == f) => (Some(f), t),
            _ => (None, word),
        };
        let (stem, fuzzy) = if let Some(s) = term.strip_suffix('*') {
            (s, None)
        } else if let Some((s, n)) = term.rsplit_once('~') {
            (s, Some(if n.is_empty() { 2 } else { n.parse::<usize>().ok()?.min(2) }))
        } else {
            return None;
        };
        if stem.is_empty() || !stem.chars().all(char::is_alphanumeric) {
            return None;
        }
        let stem = stem.to_lowercase();
        let searcher = self.reader.searcher();
        let mut found: Vec<String> = Vec::new();
        for (f, name) in self.fields.iter().zip(names) {
            if field.is_some_and(|x| x != name) {
                continue;
            }
            for segment in searcher.segment_readers() {
                let Ok(inverted) = segment.inverted_index(*f) else { continue };
                let Ok(mut terms) = inverted.terms().stream() else { continue };
                while terms.advance() && found.len() < 64 {
                    let Ok(t) = std::str::from_utf8(terms.key()) else { continue };
                    let hit = match fuzzy {
                        None => t.starts_with(&stem),
                        Some(n) => crate::similar::edit_distance(t, &stem) <= n,
                    };
                    let item = format!("{name}:{t}");
                    if hit && !found.contains(&item) {
                        found.push(item);
                    }
                }
            }
        }
        if found.is_empty() {
            return None;
        }
        Some(format!("{sign}({})", found.join(" OR ")))
    }

    /// The entities matching any of the words of plain text (no query syntax), best first.
    pub fn words(&self, text: &str, limit: usize) -> crate::error::Result<Vec<(u64, f64)>> {
        let plain: String = text.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
        if plain.trim().is_empty() {
            return Ok(Vec::new());
        }
        self.query(&plain.to_lowercase(), 0, limit)
    }

    fn run(
        &self,
        query: &dyn tantivy::query::Query,
        skip: usize,
        limit: usize,
    ) -> crate::error::Result<Vec<(u64, f64)>> {
        let err = |e: tantivy::TantivyError| super::failed(format!("the full-text search failed: {e}"));
        let searcher = self.reader.searcher();
        // The collector sets room aside for `limit` hits: never more than there are documents.
        let docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let limit = limit.min(docs.saturating_sub(skip));
        if limit == 0 {
            return Ok(Vec::new());
        }
        let top = searcher.search(query, &TopDocs::with_limit(limit).and_offset(skip).order_by_score()).map_err(err)?;
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            if let Some(id) = doc.get_first(self.id).and_then(|v| v.as_u64()) {
                out.push((id, f64::from(score)));
            }
        }
        Ok(out)
    }
}

/// The English analyzer on its own (lower-cased, stemmed words), to tell which of several
/// sentences a query matches best; made once and used for every sentence.
pub struct English(tantivy::tokenizer::TextAnalyzer);

impl English {
    /// The analyzer `Analyzer::English` indexes with.
    pub fn new() -> English {
        English(
            tantivy::tokenizer::TokenizerManager::default().get(Analyzer::English.tokenizer()).unwrap_or_else(|| {
                tantivy::tokenizer::TextAnalyzer::from(tantivy::tokenizer::SimpleTokenizer::default())
            }),
        )
    }

    /// The words of a text as it keeps them.
    pub fn terms(&mut self, text: &str) -> Vec<String> {
        let mut stream = self.0.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }
}

impl Default for English {
    fn default() -> English {
        English::new()
    }
}
