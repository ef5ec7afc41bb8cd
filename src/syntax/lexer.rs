//! A tolerant lexer for syntax highlighting (the REPL): never fails, copes with incomplete input
//! (an unterminated string or comment runs to the end), and classifies names by their
//! neighbours rather than by parsing.

use crate::error::Span;

/// What a token is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    String,
    Number,
    Label,
    RelType,
    Parameter,
    Comment,
    Variable,
    Function,
    Property,
    Operator,
    Punct,
    Other,
}

/// Tokens of `text` with byte spans; whitespace is skipped, everything else is covered.
pub fn tokens(text: &str) -> Vec<(Span, TokenKind)> {
    let mut lx = Lexer { text, pos: 0, out: Vec::new(), brackets: Vec::new() };
    lx.run();
    lx.out
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    out: Vec<(Span, TokenKind)>,
    /// Open brackets; `true` for a relationship detail `-[`.
    brackets: Vec<(char, bool)>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, start: usize, kind: TokenKind) {
        self.out.push((Span::new(start, self.pos), kind));
    }

    /// The text of the last token that is not a comment.
    fn prev_text(&self) -> Option<&str> {
        self.out.iter().rev().find(|(_, k)| *k != TokenKind::Comment).map(|(s, _)| &self.text[s.start..s.end])
    }

    /// The next non-space character after the current position, skipping comments.
    fn next_significant(&self) -> Option<char> {
        let mut rest = &self.text[self.pos..];
        loop {
            rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix("//") {
                rest = r.find('\n').map_or("", |i| &r[i..]);
            } else if let Some(r) = rest.strip_prefix("/*") {
                rest = r.find("*/").map_or("", |i| &r[i + 2..]);
            } else {
                return rest.chars().next();
            }
        }
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if c.is_whitespace() {
                self.bump();
            } else if c == '/' && self.peek_at(1) == Some('/') {
                while matches!(self.peek(), Some(ch) if ch != '\n' && ch != '\r') {
                    self.bump();
                }
                self.push(start, TokenKind::Comment);
            } else if c == '/' && self.peek_at(1) == Some('*') {
                self.pos += 2;
                match self.text[self.pos..].find("*/") {
                    Some(i) => self.pos += i + 2,
                    None => self.pos = self.text.len(),
                }
                self.push(start, TokenKind::Comment);
            } else if c == '\'' || c == '"' {
                self.bump();
                while let Some(ch) = self.bump() {
                    if ch == '\\' {
                        self.bump();
                    } else if ch == c {
                        break;
                    }
                }
                self.push(start, TokenKind::String);
            } else if c == '`' {
                self.quoted_name();
                let kind = self.classify_name(None);
                self.push(start, kind);
            } else if c.is_ascii_digit()
                || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) && !self.after_value())
            {
                self.number();
                self.push(start, TokenKind::Number);
            } else if c == '$' {
                self.bump();
                if self.peek() == Some('`') {
                    self.quoted_name();
                } else {
                    while self.peek().is_some_and(is_ident_char) {
                        self.bump();
                    }
                }
                self.push(start, TokenKind::Parameter);
            } else if is_ident_start(c) {
                while self.peek().is_some_and(is_ident_char) {
                    self.bump();
                }
                let word = &self.text[start..self.pos];
                let kind = self.classify_name(Some(word));
                self.push(start, kind);
            } else {
                self.symbol(c);
            }
        }
    }

    /// Whether the previous token ends a value (so `.5` after it is a property-ish `.`).
    fn after_value(&self) -> bool {
        match self.out.iter().rev().find(|(_, k)| *k != TokenKind::Comment) {
            Some((s, k)) => {
                matches!(k, TokenKind::Variable | TokenKind::Property | TokenKind::Parameter)
                    || matches!(&self.text[s.start..s.end], ")" | "]" | "}")
            }
            None => false,
        }
    }

    fn quoted_name(&mut self) {
        self.bump();
        while let Some(ch) = self.bump() {
            if ch == '`' {
                if self.peek() == Some('`') {
                    self.bump();
                } else {
                    break;
                }
            }
        }
    }

    fn number(&mut self) {
        let hex_or_octal = self.peek() == Some('0') && matches!(self.peek_at(1), Some('x' | 'o'));
        if hex_or_octal {
            self.pos += 2;
        } else {
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
            if self.peek() == Some('.') && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) {
                self.bump();
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
            }
            if matches!(self.peek(), Some('e' | 'E')) {
                let sign = usize::from(matches!(self.peek_at(1), Some('+' | '-')));
                if self.peek_at(1 + sign).is_some_and(|d| d.is_ascii_digit()) {
                    self.pos += 1 + sign;
                }
            }
        }
        // Digits and any identifier characters glued on (an invalid literal is still one token).
        while self.peek().is_some_and(is_ident_char) {
            self.bump();
        }
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
        if next == Some('.') && self.text[self.pos..].trim_start().starts_with('.') {
            // `ns.fn(`: a namespace; `n.key`: a variable. Look past the dotted name.
            let rest = &self.text[self.pos..];
            let after = rest.trim_start_matches(|c: char| is_ident_char(c) || c == '.');
            if after.trim_start().starts_with('(') {
                return TokenKind::Function;
            }
        }
        if in_brace && next == Some(':') {
            return TokenKind::Property;
        }
        TokenKind::Variable
    }

    fn symbol(&mut self, c: char) {
        let start = self.pos;
        let two: String = self.text[self.pos..].chars().take(2).collect();
        if matches!(two.as_str(), "=~" | "<>" | "<=" | ">=" | "+=" | "!=" | "..") {
            self.pos += 2;
            let kind = if two == ".." { TokenKind::Punct } else { TokenKind::Operator };
            self.push(start, kind);
            return;
        }
        self.bump();
        let kind = match c {
            '(' | '{' => {
                self.brackets.push((c, false));
                TokenKind::Punct
            }
            '[' => {
                let rel = self.prev_text().is_some_and(|t| t == "-" || t.ends_with('-'));
                self.brackets.push(('[', rel));
                TokenKind::Punct
            }
            ')' | ']' | '}' => {
                self.brackets.pop();
                TokenKind::Punct
            }
            ',' | ';' | ':' | '.' | '|' => TokenKind::Punct,
            '=' | '<' | '>' | '+' | '-' | '*' | '/' | '%' | '^' | '!' => TokenKind::Operator,
            _ => TokenKind::Other,
        };
        self.push(start, kind);
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}
