//! The year's steps (`year …`) and the rectifications (`rectify …`).

use std::io::Write;

use super::{CliError, YearStep, find_secretary, message, need_year, say};
use crate::domain::{RectifyStatus, parse_date};
use crate::service::Service;
use crate::text::pad;

/// The options of `xingji year STEP`.
pub struct Args {
    pub township: Option<String>,
    pub from: Option<String>,
    pub days: Option<u32>,
    pub reason: Option<String>,
    pub secretary: Option<String>,
    pub village: Option<String>,
    /// The district has seen which published figures a publication moves.
    pub confirm: bool,
    /// `year new --scheme FILE`.
    pub scheme: Option<std::path::PathBuf>,
    /// `year object --by NAME --contact PHONE`.
    pub by: Option<String>,
    pub contact: Option<String>,
}

/// `xingji year status|submit|publish|approve|reopen|object|resolve`.
pub fn step(
    service: &Service,
    year: Option<i16>,
    step: YearStep,
    args: Args,
) -> Result<(), CliError> {
    let year = need_year(year, "年度流程")?;
    let targets = service.townships(args.township.as_deref())?;
    let reason = args.reason.unwrap_or_default();
    let lines = match step {
        YearStep::Status => return status(service, year, &targets),
        YearStep::New => {
            let text = match &args.scheme {
                Some(path) => Some(
                    std::fs::read(path)
                        .ok()
                        .and_then(|b| crate::exchange::decode_text(&b))
                        .ok_or_else(|| message(format!("无法读取考核方案 {}", path.display())))?,
                ),
                None => None,
            };
            vec![service.new_year(year, text.as_deref())?]
        }
        YearStep::Submit => service.submit(year, &targets)?,
        YearStep::Publish => {
            let from = match &args.from {
                Some(f) => parse_date(f).map_err(|e| message(format!("--from:{e}")))?,
                None => service.today(),
            };
            service
                .publish(
                    year,
                    &targets,
                    &crate::service::Publication {
                        from,
                        days: args.days,
                        reason: Some(reason.clone()).filter(|r| !r.trim().is_empty()),
                        confirm: args.confirm,
                        from_given: args.from.is_some(),
                    },
                )
                .map_err(|e| match e {
                    crate::service::Refusal::Confirm(list) => message(format!(
                        "{list}\n没有任何改动;确认照此公示,请加 --confirm 再运行一次"
                    )),
                    e => e.into(),
                })?
        }
        YearStep::Approve => service.approve(year, &targets)?,
        YearStep::Reopen => service.reopen(year, &targets, &reason)?,
        YearStep::Object | YearStep::Resolve => {
            let book = service.book(year)?;
            let id = find_secretary(
                &book,
                args.secretary.as_deref(),
                args.township.as_deref(),
                args.village.as_deref(),
            )?;
            if step == YearStep::Object {
                let mut typed = reason.clone();
                if let Some(by) = args.by.as_deref().filter(|b| !b.trim().is_empty()) {
                    typed.push_str(&format!(
                        " 反映人:{}",
                        by.split_whitespace().collect::<String>()
                    ));
                }
                if let Some(c) = args.contact.as_deref().filter(|c| !c.trim().is_empty()) {
                    typed.push_str(&format!(
                        " 电话:{}",
                        c.split_whitespace().collect::<String>()
                    ));
                }
                vec![service.object(year, id, &typed)?]
            } else {
                vec![service.resolve(year, id, &reason)?]
            }
        }
    };
    for l in lines {
        say!("{l}");
    }
    Ok(())
}

/// `xingji year status`: each township's stage and progress.
fn status(service: &Service, year: i16, targets: &[u32]) -> Result<(), CliError> {
    for s in service
        .statuses(year)?
        .into_iter()
        .filter(|s| targets.contains(&s.township))
    {
        let publicity = s
            .publicity
            .map_or(String::new(), |(a, b)| format!(" 公示 {a} 至 {b}"));
        let approved = s
            .approved_on
            .map_or(String::new(), |d| format!(" 审定 {d}"));
        let objections = if s.open_objections > 0 {
            format!(" 未处理异议 {}", s.open_objections)
        } else {
            String::new()
        };
        say!(
            "{} {} 完成 {}/{}{publicity}{approved}{objections}",
            pad(&s.name, 12),
            pad(s.stage_label(), 10),
            s.complete,
            s.people
        );
    }
    Ok(())
}

/// `xingji rectify list [--overdue] [--township T]`.
pub fn rectify_list(
    service: &Service,
    year: Option<i16>,
    overdue: bool,
    township: Option<&str>,
) -> Result<(), CliError> {
    let today = service.today();
    let district = service.district()?;
    let mut count = 0;
    for (y, id, r) in service.rectifications(year)? {
        let status = r.status(today);
        if overdue && status != RectifyStatus::Overdue {
            continue;
        }
        let (Some((t, v)), Some(s)) = (district.place(id), district.secretary(id)) else {
            continue;
        };
        if township.is_some_and(|n| n.trim() != t.name) {
            continue;
        }
        count += 1;
        say!(
            "{y}  {}  {}  {}  {}  期限 {}  {}{}",
            pad(&t.name, 12),
            pad(&v.name, 12),
            pad(&s.name, 16),
            pad(r.consequence.label(), 8),
            r.deadline,
            status.label(),
            match (&r.withdrawn, r.done_on) {
                (Some((d, why)), _) => format!("({d},{why})"),
                (None, Some(d)) => format!("({d})"),
                (None, None) => String::new(),
            }
        );
    }
    if count == 0 {
        say!(
            "{}",
            if overdue {
                "没有逾期的整改"
            } else {
                "没有整改记录"
            }
        );
    }
    Ok(())
}

/// `xingji rectify update --year Y --secretary NAME [--measures TEXT] [--done]
/// [--undo --reason TEXT]`.
pub fn rectify_update(
    service: &Service,
    year: Option<i16>,
    [secretary, township, village]: [Option<String>; 3],
    change: &crate::service::RectifyChange,
) -> Result<(), CliError> {
    let year = need_year(year, "更新整改")?;
    let book = service.book(year)?;
    let id = find_secretary(
        &book,
        secretary.as_deref(),
        township.as_deref(),
        village.as_deref(),
    )?;
    let line = service.update_rectification(year, id, change)?;
    say!("{line}");
    Ok(())
}
