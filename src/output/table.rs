//! Results as text for people: an aligned table whose widths are counted in screen columns
//! (so `日本` and `Кыргызстан` keep the borders straight), fitted to the terminal by cutting
//! long cells ([`Layout::Cut`]) or wrapping them ([`Layout::Wrap`]), or one value per line
//! ([`Layout::Vertical`], as `\G` in MySQL or `\x` in psql). A table whose columns cannot fit
//! even when cut turns vertical by itself: a header never wraps into garbage.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::to_cypher;
use crate::exec::QueryResult;
use crate::store::Graph;

/// How a result is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A table; cells too long for the width are cut with `…`.
    Cut,
    /// A table; long cells wrap onto more lines of their column.
    Wrap,
    /// One value per line, each row under a `row N` rule.
    Vertical,
}

/// The narrowest a column is made to fit the width; below it the table turns vertical.
const MIN_COLUMN: usize = 8;

/// A laid out result: the body (empty or ending with a line break), the footer (the row count
/// and what the statement changed), and whether cells were cut or the table turned vertical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The table or the vertical rows.
    pub body: String,
    /// `3 rows`, `1 row; nodes created 1`.
    pub footer: String,
    /// Some cell was cut to fit: the whole value is not on the screen.
    pub cut: bool,
    /// The columns did not fit the width even when cut, so the rows are shown vertically.
    pub turned: bool,
}

/// Width of `s` on a screen, in columns: East Asian wide characters take two, combining marks none.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// `s` cut to at most `max` screen columns, ending with `…` when cut.
pub fn cut(s: &str, max: usize) -> String {
    if width(s) <= max || max < 2 {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` broken into lines of at most `max` screen columns, at a space where there is one.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut rest = s;
    while width(rest) > max {
        // The longest prefix that fits, in bytes.
        let mut used = 0;
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            let w = char_width(c);
            if used + w > max {
                break;
            }
            used += w;
            end = i + c.len_utf8();
        }
        if end == 0 {
            // A character wider than the column: it goes alone on its line.
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let at_space = rest[..end].rfind(' ').filter(|&i| i > 0 && !rest[end..].starts_with(' '));
        let (line, next) = match at_space {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (&rest[..end], &rest[end..]),
        };
        lines.push(line.to_string());
        rest = next.strip_prefix(' ').filter(|_| at_space.is_none()).unwrap_or(next);
    }
    lines.push(rest.to_string());
    lines
}

/// `s` padded with spaces to `w` screen columns.
fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The cap on column widths that makes a table of these natural column widths fit `total`
/// screen columns: `None` when it fits as it is, `Some(MIN_COLUMN - 1)` when it cannot fit.
fn fit(natural: &[usize], total: usize) -> Option<usize> {
    let needed = |m: usize| natural.iter().map(|n| (*n).min(m) + 3).sum::<usize>() + 1;
    let widest = natural.iter().copied().max().unwrap_or(0);
    if needed(widest) <= total {
        return None;
    }
    if needed(MIN_COLUMN) > total {
        return Some(MIN_COLUMN - 1);
    }
    let (mut lo, mut hi) = (MIN_COLUMN, widest);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if needed(mid) <= total {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Some(lo)
}

/// Lays `r` out in `layout`, fitted to `screen` columns when given (a terminal); without a
/// width nothing is cut or wrapped.
pub fn render(graph: &Graph, r: &QueryResult, layout: Layout, screen: Option<usize>) -> Rendered {
    let columns: Vec<String> = r.columns.iter().map(|c| crate::error::printable(c).into_owned()).collect();
    let cells: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|row| row.iter().map(|v| crate::error::printable(&to_cypher(graph, v)).into_owned()).collect())
        .collect();
    let footer = footer(r);
    if columns.is_empty() {
        return Rendered { body: String::new(), footer, cut: false, turned: false };
    }
    let mut natural: Vec<usize> = columns.iter().map(|c| width(c)).collect();
    for row in &cells {
        for (n, c) in natural.iter_mut().zip(row) {
            *n = (*n).max(width(c));
        }
    }
    let cap = screen.and_then(|s| fit(&natural, s));
    let turned = layout != Layout::Vertical && cap.is_some_and(|m| m < MIN_COLUMN);
    if layout == Layout::Vertical || turned {
        let body = vertical(&columns, &cells, screen);
        return Rendered { body, footer, cut: false, turned };
    }
    let widths: Vec<usize> = natural.iter().map(|n| cap.map_or(*n, |m| (*n).min(m))).collect();
    let mut cut_any = false;
    let mut body = String::new();
    let rule = |l: &str, m: &str, r_: &str| {
        let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
        format!("{l}{}{r_}\n", parts.join(m))
    };
    // One table row, as many lines as its tallest cell takes.
    let row_lines = |vals: &[String], cut_any: &mut bool| -> (String, usize) {
        let parts: Vec<Vec<String>> = vals
            .iter()
            .zip(&widths)
            .map(|(v, w)| match layout {
                Layout::Wrap => wrap(v, *w),
                _ => {
                    let c = cut(v, *w);
                    *cut_any |= c != *v;
                    vec![c]
                }
            })
            .collect();
        let height = parts.iter().map(Vec::len).max().unwrap_or(1);
        let mut text = String::new();
        for i in 0..height {
            let line: Vec<String> = parts
                .iter()
                .zip(&widths)
                .map(|(p, w)| format!(" {} ", pad(p.get(i).map_or("", String::as_str), *w)))
                .collect();
            text.push_str(&format!("│{}│\n", line.join("│")));
        }
        (text, height)
    };
    body.push_str(&rule("╭", "┬", "╮"));
    let (head, _) = row_lines(&columns, &mut cut_any);
    body.push_str(&head);
    body.push_str(&rule("├", "┼", "┤"));
    let rendered: Vec<(String, usize)> = cells.iter().map(|row| row_lines(row, &mut cut_any)).collect();
    // Rows of several lines are told apart by a rule between them.
    let tall = rendered.iter().any(|(_, h)| *h > 1);
    for (i, (text, _)) in rendered.iter().enumerate() {
        if tall && i > 0 {
            body.push_str(&rule("├", "┼", "┤"));
        }
        body.push_str(text);
    }
    body.push_str(&rule("╰", "┴", "╯"));
    Rendered { body, footer, cut: cut_any, turned: false }
}

/// Each row under a `row N` rule, a line per column: its name, then its value whole (wrapped to
/// the screen when there is one).
fn vertical(columns: &[String], cells: &[Vec<String>], screen: Option<usize>) -> String {
    let name_w = columns.iter().map(|c| width(c)).max().unwrap_or(0);
    let value_w = screen.map(|s| s.saturating_sub(name_w + 3).max(MIN_COLUMN));
    let rule_w = screen.unwrap_or(40).min(80);
    let mut out = String::new();
    for (i, row) in cells.iter().enumerate() {
        let title = format!("─[ row {} ]", i + 1);
        out.push_str(&format!("{title}{}\n", "─".repeat(rule_w.saturating_sub(width(&title)))));
        for (name, value) in columns.iter().zip(row) {
            let lines = match value_w {
                Some(w) => wrap(value, w),
                None => vec![value.clone()],
            };
            for (j, line) in lines.iter().enumerate() {
                let label = if j == 0 { pad(name, name_w) } else { " ".repeat(name_w) };
                out.push_str(&format!("{label} │ {line}\n"));
            }
        }
    }
    out
}

/// An `EXPLAIN` result (a `plan` column of lines) as the plan's text, a line each.
pub fn plan(r: &QueryResult) -> String {
    r.rows
        .iter()
        .filter_map(|row| match row.first() {
            Some(crate::value::Value::String(s)) => Some(format!("{s}\n")),
            _ => None,
        })
        .collect()
}

/// A `PROFILE`'s operator rows as the plan tree with each operator's rows and own time beside
/// it, under an empty line.
pub fn profile(ops: &[crate::exec::Row]) -> String {
    use crate::value::Value;
    let cell = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Float(f)) => format!("{f:.3}"),
        _ => String::new(),
    };
    let rows: Vec<[String; 3]> = ops.iter().map(|r| [0, 1, 2].map(|i| cell(r.get(i)))).collect();
    let w = rows.iter().map(|r| width(&r[0])).max().unwrap_or(0).max(8);
    let mut out = format!("\n{}  {:>10}  {:>10}\n", pad("operator", w), "rows", "ms");
    for [op, n, ms] in rows {
        out.push_str(&format!("{}  {n:>10}  {ms:>10}\n", pad(&op, w)));
    }
    out
}

/// `3 rows`, `1 row; nodes created 1, properties set 2`.
pub fn footer(r: &QueryResult) -> String {
    let n = r.rows.len();
    let mut out = format!("{n} row{}", if n == 1 { "" } else { "s" });
    if !r.stats.is_empty() {
        let changes: Vec<String> = r
            .stats
            .fields()
            .iter()
            .chain(&r.stats.schema_fields())
            .filter(|(_, v)| *v > 0)
            .map(|(k, v)| format!("{} {v}", k.replace('_', " ")))
            .collect();
        out.push_str(&format!("; {}", changes.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn result(columns: &[&str], rows: Vec<Vec<Value>>) -> QueryResult {
        QueryResult { columns: columns.iter().map(|c| c.to_string()).collect(), rows, ..Default::default() }
    }

    #[test]
    fn wide_characters_keep_the_borders_straight() {
        let r = result(&["country"], vec![vec![Value::str("日本")], vec![Value::str("Кыргызстан")]]);
        let t = render(&Graph::new(), &r, Layout::Cut, None);
        let widths: Vec<usize> = t.body.lines().map(width).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{}", t.body);
        assert_eq!(cut("日本語のテキスト", 7), "日本語…");
        assert_eq!(width(&cut("日本語のテキスト", 7)), 7);
    }

    #[test]
    fn long_cells_are_cut_wrapped_or_shown_vertically_within_the_screen() {
        let long = "The two sides signed an agreement on cooperation in the field of energy and mining.";
        let r = result(&["who", "quote"], vec![vec![Value::str("Japarov"), Value::str(long)]]);
        let g = Graph::new();
        let c = render(&g, &r, Layout::Cut, Some(50));
        assert!(c.cut && !c.turned);
        assert!(c.body.lines().all(|l| width(l) <= 50), "{}", c.body);
        let w = render(&g, &r, Layout::Wrap, Some(50));
        assert!(!w.cut && w.body.lines().count() > 5, "{}", w.body);
        assert!(w.body.lines().all(|l| width(l) <= 50), "{}", w.body);
        let words: String =
            w.body.lines().filter_map(|l| l.split('│').nth(2)).map(str::trim).collect::<Vec<_>>().join(" ");
        assert!(words.contains("cooperation in the field"), "{words}");
        let v = render(&g, &r, Layout::Vertical, None);
        assert!(v.body.contains(&format!("quote │ '{long}'")), "{}", v.body);
        // Too many columns for the screen even when cut: one value per line, never a broken header.
        let many: Vec<String> = (0..20).map(|i| format!("column_{i}")).collect();
        let names: Vec<&str> = many.iter().map(String::as_str).collect();
        let r = result(&names, vec![(0..20).map(Value::Int).collect()]);
        let t = render(&g, &r, Layout::Cut, Some(80));
        assert!(t.turned && t.body.contains("column_19 │ 19"), "{}", t.body);
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("日本語", 4), ["日本", "語"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
