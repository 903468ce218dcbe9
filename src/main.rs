//! The command line only: parse, dispatch, exit code.

use std::io::Write;

use clap::Parser;

fn main() {
    let cli = xingji::cli::Cli::parse();
    if let Err(e) = xingji::cli::run(cli) {
        // A closed standard error (`2>&1 | head`) ends the program quietly.
        let _ = writeln!(std::io::stderr(), "{e}");
        std::process::exit(1);
    }
}
