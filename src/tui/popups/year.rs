//! `y`: the years that have data, newest first; Enter switches the screens to one. A
//! short list to choose from, like the open objections of `v`.

use super::ChoosePopup;
use crate::tui::context::Context;
use crate::tui::keys::Action;

/// What Enter does in the list of years.
pub const ENTER: &str = "切换到该年度";

/// The years with data and the working one, newest first, the working one selected.
pub fn years(ctx: &mut Context) -> ChoosePopup {
    let mut years = ctx.service.years().unwrap_or_else(|e| {
        ctx.error(format!("读取年度失败:{e}"));
        Vec::new()
    });
    if !years.contains(&ctx.year()) {
        years.push(ctx.year());
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    let selected = years.iter().position(|y| *y == ctx.year()).unwrap_or(0);
    ChoosePopup {
        title: "考核年度".to_string(),
        items: years
            .into_iter()
            .map(|y| {
                let now = if y == ctx.year() { "(当前)" } else { "" };
                (format!("{y} 年度{now}"), Action::SwitchYear(y))
            })
            .collect(),
        selected,
        enter: ENTER,
        width: 30,
    }
}
