//! The little XML the exporters need: escaping for text and attribute values.

/// Escapes text for XML content or a double-quoted attribute. Characters XML 1.0 cannot carry
/// (control characters other than tab, line feed and carriage return) become U+FFFD; line
/// breaks and tabs in attributes are written as character references so they survive.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Text for inside an XML comment: no `--` (a run of dashes is spaced out), no `-` at the end.
pub fn comment(s: &str) -> String {
    let mut t = escape(s);
    while t.contains("--") {
        t = t.replace("--", "- -");
    }
    if t.ends_with('-') {
        t.push(' ');
    }
    t
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape("a<b & \"c\"\n\u{1}"), "a&lt;b &amp; &quot;c&quot;&#10;\u{FFFD}");
        assert_eq!(super::comment("a--b-"), "a- -b- ");
        assert_eq!(super::comment("c --- d ----"), "c - - - d - - - - ");
    }
}
