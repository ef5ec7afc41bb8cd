//! The terminal: its size, the notice under a table whose cells were cut, and the pager that
//! long results, `:schema` and `:help` go through on a terminal (`less -FRX` unless
//! `SILKGRAPH_PAGER` or `PAGER` names another; an empty one turns it off).

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

use crate::output::table::Rendered;

/// Standard output's terminal width in columns, when it is a terminal.
pub fn width() -> Option<usize> {
    size().map(|(w, _)| w)
}

/// Standard output's terminal size (columns, rows), when it is a terminal of a known size.
pub fn size() -> Option<(usize, usize)> {
    let out = std::io::stdout();
    if !out.is_terminal() {
        return None;
    }
    let (w, h) = terminal_size::terminal_size_of(&out)?;
    (w.0 > 0 && h.0 > 0).then_some((usize::from(w.0), usize::from(h.0)))
}

/// What to say after a table's footer: that cells were cut and how to see them whole (`how`
/// names the formats as the front end spells them), or that the rows turned vertical.
pub fn cut_notice(t: &Rendered, how: &str) -> String {
    if t.turned {
        "  (too many columns for the terminal: one value per line)".to_string()
    } else if t.cut {
        format!("  (long values cut to fit the terminal; {how} shows them whole)")
    } else {
        String::new()
    }
}

/// The program long output is shown through, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// A shell command that reads the text on its standard input.
    pub command: String,
}

impl Pager {
    /// The pager of the environment: `SILKGRAPH_PAGER`, else `PAGER`, else `less -FRX` when
    /// `less` is installed; `None` when standard output is no terminal or the variable is empty.
    pub fn from_env() -> Option<Pager> {
        if !std::io::stdout().is_terminal() {
            return None;
        }
        let named = std::env::var("SILKGRAPH_PAGER").or_else(|_| std::env::var("PAGER")).ok();
        match named {
            Some(c) if c.trim().is_empty() => None,
            Some(c) => Some(Pager { command: c }),
            None => Pager::default_less(),
        }
    }

    /// `less -FRX` (leave at once when the text fits a screen, keep colours, leave the text on
    /// the screen afterwards), when `less` is on the `PATH`.
    pub fn default_less() -> Option<Pager> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path).any(|d| d.join("less").is_file()).then(|| Pager { command: "less -FRX".into() })
    }

    /// Shows `text` through the pager when it is longer than the terminal (`rows` lines), else
    /// writes it to `out`. A pager that cannot start leaves the text to `out`.
    pub fn show(&self, text: &[u8], rows: usize, out: &mut dyn Write) -> std::io::Result<()> {
        let lines = text.iter().filter(|b| **b == b'\n').count();
        if lines + 1 < rows {
            return out.write_all(text);
        }
        out.flush()?;
        let child = Command::new("sh").arg("-c").arg(&self.command).stdin(Stdio::piped()).spawn();
        let Ok(mut child) = child else { return out.write_all(text) };
        if let Some(mut stdin) = child.stdin.take() {
            // The reader may leave before the end (`q` in less): that is not an error.
            match stdin.write_all(text) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e),
                _ => {}
            }
        }
        child.wait().map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_written_as_it_is() {
        let p = Pager { command: "exit 3".into() };
        let mut out = Vec::new();
        p.show(b"a\nb\n", 24, &mut out).unwrap();
        assert_eq!(out, b"a\nb\n");
    }

    #[test]
    fn long_text_goes_through_the_pager_and_not_to_the_output() {
        let dir = std::env::temp_dir().join(format!("silkgraph-pager-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("paged.txt");
        let p = Pager { command: format!("cat > '{}'", file.display()) };
        let text: String = (1..=100).map(|i| format!("line {i}\n")).collect();
        let mut out = Vec::new();
        p.show(text.as_bytes(), 24, &mut out).unwrap();
        assert!(out.is_empty());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
