fn main() {
    std::process::exit(silkgraph::cli::main());
}
