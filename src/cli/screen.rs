//! The terminal interface: `xingji` and `xingji demo`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::{CliError, Out, emit, message};
use crate::exchange::report;
use crate::service::Service;
use crate::tui;

/// `xingji demo`: the demo district (made on first use); its report when not on a
/// terminal.
pub fn demo(path: &Path, user: &str, year: Option<i16>, size: Option<u32>) -> Result<(), CliError> {
    let service = match size {
        None => crate::demo::open(path, user)?,
        Some(n) => {
            if !path.exists() {
                let _ = writeln!(
                    std::io::stderr(),
                    "正在生成 {n} 名书记的示范区(两个年度)到 {} …",
                    path.display()
                );
            }
            crate::demo::open_generated(path, user, n as usize)?
        }
    };
    if !std::io::stdout().is_terminal() {
        // Not a terminal (a pipe, a file): the demo district's report instead.
        let year = service.working_year(year)?;
        let mut buffer = Vec::new();
        report::write_text(&service.book(year)?, &mut buffer).map_err(message)?;
        let stdout = Out {
            file: None,
            force: false,
            db: path,
        };
        return emit(&buffer, stdout);
    }
    tui(service.for_screens()?, year)
}

/// The screens need a terminal: said before the file is opened, which an open without
/// screens would only write to (redb's close).
pub fn in_a_terminal() -> Result<(), CliError> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(message(
            "xingji 界面需要在终端中运行;报表请用 xingji report",
        ));
    }
    Ok(())
}

/// `xingji`: the TUI on the working year.
pub fn tui(service: Service, year: Option<i16>) -> Result<(), CliError> {
    in_a_terminal()?;
    let year = service.working_year(year)?;
    tui::run(service, year).map_err(|stopped| match stopped {
        tui::Stopped::Terminal(e) => message(format!("界面出错:{e}")),
        tui::Stopped::Refused(reason) => message(reason),
    })
}
