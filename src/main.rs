//! The `silkgraph` binary: the command line runs on a thread with a large stack, so deeply
//! nested queries are refused by the engine's own limits rather than by the operating system.

fn main() {
    const STACK: usize = 512 << 20;
    let code = std::thread::Builder::new()
        .name("silkgraph".into())
        .stack_size(STACK)
        .spawn(silkgraph::cli::main)
        .map(|h| h.join().unwrap_or(1))
        .unwrap_or_else(|_| silkgraph::cli::main());
    std::process::exit(code);
}
