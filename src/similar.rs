//! How alike two names are, in one place: the parser's "did you mean MATCH?", the REPL's
//! did-you-mean for labels, keys and functions and its nearest value under an empty result, and
//! `db.search` all compare text the same way, so they never disagree.

/// Edit distance over chars, counting a swap of two neighbours as one edit (optimal string
/// alignment), so `MACTH` is one edit from `MATCH`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// The candidate a misspelt name most likely meant: the same name in another case, or one within
/// a third of its length in edits (case ignored). Never the word itself.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let n = w.chars().count();
    if n == 0 {
        return None;
    }
    let limit = (n / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = edit_distance(&w, &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Lowercase, common diacritics off, punctuation to single spaces: the form names are compared
/// in (`Ош` stays `ош`; `Bishkék` becomes `bishkek`).
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = fold_accent(c);
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'ç' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ñ' | 'ń' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ý' | 'ÿ' => 'y',
        'š' => 's',
        'ž' => 'z',
        c => c,
    }
}

/// How well the text `query` matches `name`, in [0, 1], both as they are written: the same
/// after [`normalize`] scores 1; a name that contains the query at least 0.8; else the edit
/// distance of the whole, or of the best run of the name's words as long as the query.
pub fn score(query: &str, name: &str) -> f64 {
    normalized_score(&normalize(query), &normalize(name))
}

/// [`score`] of texts already normalized (a search normalizes its query once).
pub fn normalized_score(q: &str, name: &str) -> f64 {
    if q.is_empty() || name.is_empty() {
        return 0.0;
    }
    if q == name {
        return 1.0;
    }
    let ratio = |a: &str, b: &str| edit_distance(a, b) as f64 / a.chars().count().max(b.chars().count()) as f64;
    let whole = 1.0 - ratio(q, name);
    if name.contains(q) {
        return (0.8 + 0.15 * q.len() as f64 / name.len() as f64).max(whole);
    }
    let words: Vec<&str> = name.split(' ').collect();
    let qn = q.split(' ').count();
    let mut best = whole;
    if words.len() >= qn {
        for w in words.windows(qn) {
            best = best.max(0.75 * (1.0 - ratio(q, &w.join(" "))) + 0.05);
        }
    }
    best
}

/// How alike two texts are, in [0, 1], whichever is taken as the query.
pub fn similarity(a: &str, b: &str) -> f64 {
    similarity_to(&normalize(a), b)
}

/// [`similarity`] of a text already normalized (one compared with many is normalized once).
pub fn similarity_to(normalized: &str, b: &str) -> f64 {
    let b = normalize(b);
    normalized_score(normalized, &b).max(normalized_score(&b, normalized))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_a_swap_as_one_edit() {
        assert_eq!(edit_distance("MACTH", "MATCH"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(did_you_mean("Persn", ["Person", "Country"]), Some("Person"));
        assert_eq!(did_you_mean("person", ["Person"]), Some("Person"));
        assert_eq!(did_you_mean("Zzz", ["Person"]), None);
    }

    #[test]
    fn names_are_compared_without_case_accents_or_punctuation() {
        assert_eq!(normalize("  Bishkék—City! "), "bishkek city");
        assert_eq!(normalize("Žilina, Šiauliai, Ýdalir"), "zilina siauliai ydalir");
        assert_eq!(score("bishkek", "Bishkék"), 1.0);
        assert!(score("Japan", "Embassy of Japan") >= 0.8);
        assert!(score("Kyrgyz Republc", "the Kyrgyz Republic") > 0.6);
        assert!(score("Japan", "Kenya") < 0.6);
        assert_eq!(similarity("Embassy of Japan", "japan"), similarity("japan", "Embassy of Japan"));
        // db.search's cases.
        assert_eq!(normalize("Chom-Kmin  (HPP)"), "chom kmin hpp");
        assert_eq!(normalize("Café"), "cafe");
        assert!(normalized_score("chom kemin", "chom kmin") > 0.85);
        assert!(normalized_score("chom kmin", "chom kmin river small hydropower station") > 0.8);
        assert!(normalized_score("tokyo", "bishkek") < 0.6);
    }
}
