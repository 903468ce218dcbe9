//! The command line only: parse, dispatch, exit code.

use std::io::Write;

fn main() {
    // An empty XINGJI_SOCKET or XINGJI_DB means unset, not a path that is missing.
    for name in ["XINGJI_SOCKET", "XINGJI_DB"] {
        if std::env::var_os(name).is_some_and(|v| v.is_empty()) {
            // SAFETY: no other thread runs yet.
            unsafe { std::env::remove_var(name) };
        }
    }
    let cli = match xingji::cli::usage::parse() {
        Ok(cli) => cli,
        Err((text, code)) => {
            // Help and version go to standard output; a mistake to standard error.
            if code == 0 {
                let _ = write!(std::io::stdout(), "{text}");
            } else {
                let _ = writeln!(std::io::stderr(), "{text}");
            }
            std::process::exit(code);
        }
    };
    // A panic is caught here, never an abort: redb can panic on a damaged page, and the
    // user then reads which file is damaged and what to do. The hook only notes where
    // it happened (the TUI's hook restores the terminal first).
    std::panic::set_hook(Box::new(|info| {
        let inside_redb = info
            .location()
            .is_some_and(|l| l.file().contains("/redb-") || l.file().contains("\\redb-"));
        let detail = match info.payload().downcast_ref::<&str>() {
            Some(s) => (*s).to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default(),
        };
        // A panic of another thread (a server's connection) ends only that thread:
        // say so for the log; the main thread's is told after catch_unwind.
        if std::thread::current().name() != Some("main") {
            let at = info.location().map(ToString::to_string).unwrap_or_default();
            let _ = writeln!(
                std::io::stderr(),
                "xingji: 一个线程出错并结束:{detail}({at})"
            );
            return;
        }
        let _ = PANIC.set((inside_redb, detail));
    }));
    let message = match std::panic::catch_unwind(move || xingji::cli::run(cli)) {
        Ok(Ok(())) => return,
        Ok(Err(e)) => e.to_string(),
        Err(_) => {
            let (inside_redb, detail) = PANIC.get().cloned().unwrap_or_default();
            xingji::store::panic_message(inside_redb, &detail)
        }
    };
    // A closed standard error (`2>&1 | head`) ends the program quietly.
    let _ = writeln!(std::io::stderr(), "{message}");
    std::process::exit(1);
}

/// Where the first panic happened (inside redb?) and what it said.
static PANIC: std::sync::OnceLock<(bool, String)> = std::sync::OnceLock::new();
