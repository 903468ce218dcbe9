//! The command line only: parse, dispatch, exit code.

use clap::Parser;

fn main() {
    let cli = xingji::cli::Cli::parse();
    if let Err(e) = xingji::cli::run(cli) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
