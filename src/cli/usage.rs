//! The command line's own words in Chinese: help pages and usage errors. clap writes
//! English (`Usage:`, `Options:`, `error: unexpected argument`); a township clerk reads
//! the same in Chinese here, with the exit code 2 of a usage error kept.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use super::Cli;

const TEMPLATE: &str = "{about-with-newline}\n用法:{usage}\n\n{all-args}{after-help}";

/// The command tree with Chinese headings and help texts, every subcommand too.
pub fn command() -> Command {
    localize(Cli::command())
}

fn localize(cmd: Command) -> Command {
    cmd.mut_args(|a| a.help_heading("选项"))
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .next_help_heading("选项")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("帮助")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示这份说明"),
        )
        .mut_subcommands(localize)
}

/// Parse the command line: the options, or the help, the version, or a usage error in
/// Chinese (exit 0 for help and version, 2 for a mistake).
pub fn parse() -> Result<Cli, (String, i32)> {
    let cmd = command().arg(
        Arg::new("版本")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("显示版本"),
    );
    let matches = cmd.try_get_matches().map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            (chinese(&e.render().to_string()), 0)
        }
        _ => (explain(&e), 2),
    })?;
    Cli::from_arg_matches(&matches).map_err(|e| (explain(&e), 2))
}

/// The few words clap puts into a help page itself.
fn chinese(help: &str) -> String {
    help.replace("[OPTIONS]", "[选项]")
        .replace("[default: ", "[默认:")
        .replace("[possible values: ", "[可选:")
        .replace("Possible values:", "可选值:")
        .replace("[env: ", "[环境变量:")
        .replace("[aliases: ", "[别名:")
}

/// A usage error in Chinese: what is wrong, what was meant, where to read more.
pub fn explain(e: &clap::Error) -> String {
    let text = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的选项或参数「{arg}」"),
        ErrorKind::InvalidSubcommand => {
            format!("没有「{}」这个命令", text(ContextKind::InvalidSubcommand))
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} 后面缺少值"),
        ErrorKind::InvalidValue => {
            let valid = text(ContextKind::ValidValue);
            if valid.is_empty() {
                format!("{arg} 的值「{value}」不对")
            } else {
                format!("{arg} 的值「{value}」不对;可以是:{valid}")
            }
        }
        ErrorKind::ValueValidation if arg.contains("--year") => {
            format!("{arg} 的值「{value}」不对:应为 2000 到 2100 之间的年份")
        }
        ErrorKind::ValueValidation => format!("{arg} 的值「{value}」不对"),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数:{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::ArgumentConflict => {
            format!("{arg} 不能与 {} 同时使用", text(ContextKind::PriorArg))
        }
        ErrorKind::NoEquals | ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 的值的个数不对")
        }
        _ => "命令行有误".to_string(),
    };
    let suggested = [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand]
        .into_iter()
        .map(text)
        .find(|s| !s.is_empty())
        .map_or(String::new(), |s| format!(";是不是要写 {s}?"));
    format!("命令行有误:{what}{suggested}\n用法见 xingji --help,或 xingji 命令 --help")
}
