//! The command line only: parse, dispatch, exit code.

use std::io::Write;

use clap::Parser;

fn main() {
    // An empty XINGJI_SOCKET or XINGJI_DB means unset, not a path that is missing.
    for name in ["XINGJI_SOCKET", "XINGJI_DB"] {
        if std::env::var_os(name).is_some_and(|v| v.is_empty()) {
            // SAFETY: no other thread runs yet.
            unsafe { std::env::remove_var(name) };
        }
    }
    let cli = xingji::cli::Cli::parse();
    if let Err(e) = xingji::cli::run(cli) {
        // A closed standard error (`2>&1 | head`) ends the program quietly.
        let _ = writeln!(std::io::stderr(), "{e}");
        std::process::exit(1);
    }
}
