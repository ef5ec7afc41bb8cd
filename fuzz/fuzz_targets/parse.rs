//! The query parser on arbitrary text: it must answer with statements or an error, never panic,
//! overflow its stack or run away. Errors are rendered too (spans must fall on the text), and
//! what parses must print (`Display`) as text that parses back to the same statement.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match silkgraph::syntax::parse(text) {
        Ok(stmts) => {
            for s in &stmts {
                let _ = silkgraph::semantic::check(s);
                // The printer's text parses back to a statement that prints the same.
                let printed = s.to_string();
                let again = silkgraph::syntax::parse(&printed)
                    .unwrap_or_else(|e| panic!("the printed form does not parse: {printed}\n{e}"));
                assert_eq!(again.len(), 1, "{printed}");
                assert_eq!(again[0].to_string(), printed);
            }
        }
        Err(e) => {
            let _ = silkgraph::error::render(&e, text);
        }
    }
    // The highlighter's lexer sees every keystroke of the REPL.
    let _ = silkgraph::syntax::tokens(text);
});
