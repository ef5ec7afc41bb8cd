//! The one tolerant lexer: cuts any text into lexemes (whitespace, comments, strings, quoted
//! names, numbers, parameters, words, symbols) without ever failing. An unterminated string,
//! quoted name or comment runs to the end of the input and says so (`closed: false`).
//!
//! Everything that reads Cypher text before or beside the grammar is built on it: the checks
//! before parsing (`scan`), splitting a script into statements and telling whether REPL input is
//! complete (`crate::script`), highlighting (`highlight`), and the REPL's completion and
//! did-you-mean (`crate::assist::diagnose`).

use crate::error::Span;

/// What a stretch of text is, before any meaning is given to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lexeme {
    /// Whitespace, as the grammar has it (Unicode's `White_Space`, and a byte-order mark).
    Space,
    /// `// ...` to the end of the line, or `/* ... */`.
    Comment {
        /// False for a block comment the input ends inside.
        closed: bool,
    },
    /// `'...'` or `"..."`, with backslash escapes.
    Str {
        /// False when the input ends inside the string.
        closed: bool,
    },
    /// `` `...` ``, with doubled backticks inside.
    QuotedName {
        /// False when the input ends inside the name.
        closed: bool,
    },
    /// Digits (decimal, `0x`, `0o`, a fraction, an exponent) and any name characters glued on: a
    /// malformed number is still one lexeme.
    Number,
    /// `$name` or `` $`name` ``.
    Param,
    /// A bare name or keyword.
    Word,
    /// One character of punctuation or an operator, or one of `<>`, `<=`, `>=`, `=~`, `+=`,
    /// `!=`, `..`.
    Symbol,
}

impl Lexeme {
    /// Whitespace or a comment: nothing the grammar reads.
    pub fn is_trivia(self) -> bool {
        matches!(self, Lexeme::Space | Lexeme::Comment { .. })
    }
}

/// The lexemes of `text`, in order, covering every byte.
pub fn lexemes(text: &str) -> Lexemes<'_> {
    Lexemes { text, pos: 0, after_value: false }
}

/// See [`lexemes`].
pub struct Lexemes<'a> {
    text: &'a str,
    pos: usize,
    /// Whether the last lexeme that was not trivia ends a value (a name, a parameter, a closing
    /// bracket): then `.5` after it is a `.` and a number, not the number `.5`.
    after_value: bool,
}

/// Whether `c` is whitespace to the grammar.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Whether `c` can start a bare name.
pub fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Whether `c` can continue a bare name.
pub fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

const TWO_CHAR_SYMBOLS: [&str; 7] = ["<>", "<=", ">=", "=~", "+=", "!=", ".."];

impl Lexemes<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.rest().chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.rest().chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat_while(&mut self, f: impl Fn(char) -> bool) {
        while self.rest().chars().next().is_some_and(&f) {
            self.bump();
        }
    }

    /// After the opening quote: to the closing one; `false` if the input ends first.
    fn string(&mut self, quote: char) -> bool {
        while let Some(c) = self.bump() {
            if c == '\\' {
                self.bump();
            } else if c == quote {
                return true;
            }
        }
        false
    }

    /// After the opening backtick: to the closing one (a doubled backtick is one inside).
    fn quoted_name(&mut self) -> bool {
        while let Some(c) = self.bump() {
            if c == '`' {
                if self.rest().starts_with('`') {
                    self.bump();
                } else {
                    return true;
                }
            }
        }
        false
    }

    fn number(&mut self) {
        let r = self.rest();
        if r.starts_with("0x") || r.starts_with("0o") {
            self.pos += 2;
        } else {
            self.eat_while(|c| c.is_ascii_digit());
            if self.rest().starts_with('.') && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
                self.bump();
                self.eat_while(|c| c.is_ascii_digit());
            }
            if matches!(self.peek_at(0), Some('e' | 'E')) {
                let sign = usize::from(matches!(self.peek_at(1), Some('+' | '-')));
                if self.peek_at(1 + sign).is_some_and(|d| d.is_ascii_digit()) {
                    self.pos += 1 + sign;
                }
            }
        }
        self.eat_while(is_name_char);
    }
}

impl Iterator for Lexemes<'_> {
    type Item = (Span, Lexeme);

    fn next(&mut self) -> Option<(Span, Lexeme)> {
        let start = self.pos;
        let c = self.bump()?;
        let kind = if is_space(c) {
            self.eat_while(is_space);
            Lexeme::Space
        } else if c == '/' && self.rest().starts_with('/') {
            self.eat_while(|c| c != '\n' && c != '\r');
            Lexeme::Comment { closed: true }
        } else if c == '/' && self.rest().starts_with('*') {
            match self.text[self.pos + 1..].find("*/") {
                Some(i) => {
                    self.pos += 1 + i + 2;
                    Lexeme::Comment { closed: true }
                }
                None => {
                    self.pos = self.text.len();
                    Lexeme::Comment { closed: false }
                }
            }
        } else if c == '\'' || c == '"' {
            Lexeme::Str { closed: self.string(c) }
        } else if c == '`' {
            Lexeme::QuotedName { closed: self.quoted_name() }
        } else if c.is_ascii_digit()
            || (c == '.' && !self.after_value && self.peek_at(0).is_some_and(|d| d.is_ascii_digit()))
        {
            self.pos = start;
            self.number();
            Lexeme::Number
        } else if c == '$' {
            if self.rest().starts_with('`') {
                self.bump();
                self.quoted_name();
            } else {
                self.eat_while(is_name_char);
            }
            Lexeme::Param
        } else if is_name_start(c) {
            self.eat_while(is_name_char);
            Lexeme::Word
        } else {
            if TWO_CHAR_SYMBOLS.iter().any(|s| self.text[start..].starts_with(s)) {
                self.bump();
            }
            Lexeme::Symbol
        };
        if !kind.is_trivia() {
            let text = &self.text[start..self.pos];
            self.after_value = match kind {
                Lexeme::Word => super::keywords::highlight(text).is_none(),
                Lexeme::QuotedName { .. } | Lexeme::Param => true,
                Lexeme::Symbol => matches!(text, ")" | "]" | "}"),
                _ => false,
            };
        }
        Some((Span::new(start, self.pos), kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(text: &str) -> Vec<(&str, Lexeme)> {
        lexemes(text).filter(|(_, k)| !k.is_trivia()).map(|(s, k)| (&text[s.start..s.end], k)).collect()
    }

    #[test]
    fn every_byte_is_covered_and_nothing_fails() {
        for text in
            ["", "RETURN 'a", "/* open", "`x``y", "MATCH (n)-[:R*1..2]->(m) RETURN n.x <> .5", "中文 😀 \u{3000}"]
        {
            let mut end = 0;
            for (s, _) in lexemes(text) {
                assert_eq!(s.start, end, "{text}");
                assert!(s.end > s.start, "{text}");
                end = s.end;
            }
            assert_eq!(end, text.len(), "{text}");
        }
    }

    #[test]
    fn lexemes_of_a_statement() {
        use Lexeme::*;
        let closed = true;
        assert_eq!(
            lex("MATCH (n:`A``B` {x: $p}) WHERE n.y <> .5 AND n.z = 1..2 // c"),
            [
                ("MATCH", Word),
                ("(", Symbol),
                ("n", Word),
                (":", Symbol),
                ("`A``B`", QuotedName { closed }),
                ("{", Symbol),
                ("x", Word),
                (":", Symbol),
                ("$p", Param),
                ("}", Symbol),
                (")", Symbol),
                ("WHERE", Word),
                ("n", Word),
                (".", Symbol),
                ("y", Word),
                ("<>", Symbol),
                (".5", Number),
                ("AND", Word),
                ("n", Word),
                (".", Symbol),
                ("z", Word),
                ("=", Symbol),
                ("1", Number),
                ("..", Symbol),
                ("2", Number),
            ]
        );
        assert_eq!(lex("RETURN 'it\\'s"), [("RETURN", Word), ("'it\\'s", Str { closed: false })]);
        assert_eq!(lex("x /* a"), [("x", Word)]);
        assert_eq!(lexemes("/* a").next().map(|(_, k)| k), Some(Comment { closed: false }));
        assert_eq!(lex("1.5e-3x 0x1F"), [("1.5e-3x", Number), ("0x1F", Number)]);
    }
}
