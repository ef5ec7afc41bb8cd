//! Tokens for syntax highlighting (the REPL): the lexer's lexemes, with names classified by
//! their neighbours rather than by parsing (a label after `:`, a property after `.`, a function
//! before `(`), so that incomplete input is coloured too.

use super::lexer::{is_name_char, lexemes, Lexeme};
use crate::error::Span;

/// What a token is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A keyword (`MATCH`, `WHERE`, `AND`, ...).
    Keyword,
    /// A string literal.
    String,
    /// A number literal.
    Number,
    /// A label: a name after `:` in a node pattern or a label test.
    Label,
    /// A relationship type: a name after `:` or `|` in a relationship pattern.
    RelType,
    /// `$name`.
    Parameter,
    /// A comment.
    Comment,
    /// Any other name.
    Variable,
    /// A name called like a function, or the namespace before one.
    Function,
    /// A name after `.`, or a key before `:` in a map.
    Property,
    /// An operator (`=`, `<>`, `+`, ...).
    Operator,
    /// Brackets, commas, `:`, `.`, `|`, `;`, `..`.
    Punct,
    /// Anything else.
    Other,
}

/// Tokens of `text` with byte spans; whitespace is skipped, everything else is covered.
pub fn tokens(text: &str) -> Vec<(Span, TokenKind)> {
    let mut h = Highlighter { text, pos: 0, out: Vec::new(), brackets: Vec::new() };
    for (span, lexeme) in lexemes(text) {
        h.pos = span.end;
        let word = &text[span.start..span.end];
        let kind = match lexeme {
            Lexeme::Space => continue,
            Lexeme::Comment { .. } => TokenKind::Comment,
            Lexeme::Str { .. } => TokenKind::String,
            Lexeme::Number => TokenKind::Number,
            Lexeme::Param => TokenKind::Parameter,
            Lexeme::QuotedName { .. } => h.classify_name(None),
            Lexeme::Word => h.classify_name(Some(word)),
            Lexeme::Symbol => h.symbol(word),
        };
        h.out.push((span, kind));
    }
    h.out
}

struct Highlighter<'a> {
    text: &'a str,
    /// The end of the lexeme being classified.
    pos: usize,
    out: Vec<(Span, TokenKind)>,
    /// Open brackets; `true` for a relationship detail `-[`.
    brackets: Vec<(char, bool)>,
}

impl Highlighter<'_> {
    /// The text of the last token that is not a comment.
    fn prev_text(&self) -> Option<&str> {
        self.out.iter().rev().find(|(_, k)| *k != TokenKind::Comment).map(|(s, _)| &self.text[s.start..s.end])
    }

    /// The next character after the current lexeme that is not whitespace or in a comment.
    fn next_significant(&self) -> Option<char> {
        let rest = &self.text[self.pos..];
        lexemes(rest).find(|(_, k)| !k.is_trivia()).and_then(|(s, _)| rest[s.start..].chars().next())
    }

    fn classify_name(&self, word: Option<&str>) -> TokenKind {
        let prev = self.prev_text();
        let next = self.next_significant();
        let in_brace = matches!(self.brackets.last(), Some(('{', _)));
        let in_rel = matches!(self.brackets.last(), Some(('[', true)));
        if prev == Some(".") {
            return if next == Some('(') { TokenKind::Function } else { TokenKind::Property };
        }
        if matches!(prev, Some(":")) && !in_brace {
            return if in_rel { TokenKind::RelType } else { TokenKind::Label };
        }
        if matches!(prev, Some("|")) && in_rel {
            return TokenKind::RelType;
        }
        if let Some(w) = word {
            match super::keywords::highlight(w) {
                Some(true) => return TokenKind::Keyword,
                Some(false) if next != Some('(') => return TokenKind::Keyword,
                _ => {}
            }
        }
        if next == Some('(') {
            return TokenKind::Function;
        }
        if next == Some('.') {
            // `ns.fn(`: a namespace; `n.key`: a variable. Look past the dotted name.
            let rest = &self.text[self.pos..];
            let after = rest.trim_start_matches(|c: char| is_name_char(c) || c == '.');
            if after.trim_start().starts_with('(') {
                return TokenKind::Function;
            }
        }
        if in_brace && next == Some(':') {
            return TokenKind::Property;
        }
        TokenKind::Variable
    }

    fn symbol(&mut self, s: &str) -> TokenKind {
        match s {
            ".." => TokenKind::Punct,
            "=~" | "<>" | "<=" | ">=" | "+=" | "!=" => TokenKind::Operator,
            "(" | "{" => {
                self.brackets.push((s.chars().next().unwrap_or('('), false));
                TokenKind::Punct
            }
            "[" => {
                let rel = self.prev_text().is_some_and(|t| t == "-" || t.ends_with('-'));
                self.brackets.push(('[', rel));
                TokenKind::Punct
            }
            ")" | "]" | "}" => {
                self.brackets.pop();
                TokenKind::Punct
            }
            "," | ";" | ":" | "." | "|" => TokenKind::Punct,
            "=" | "<" | ">" | "+" | "-" | "*" | "/" | "%" | "^" | "!" => TokenKind::Operator,
            _ => TokenKind::Other,
        }
    }
}
