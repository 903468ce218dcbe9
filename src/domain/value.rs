//! Parsing what a clerk types or a file holds into domain values, with a Chinese reason
//! when it is not acceptable. The caller adds where the value came from.

use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;
use thiserror::Error;

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ValueError {
    #[error("{0} 不是数字")]
    NotANumber(String),
    #[error("{0} 最多一位小数")]
    TooManyDecimals(String),
    #[error("{0} 不能为负数")]
    Negative(String),
    #[error("{0} 超出满分 {1}")]
    OverMax(String, Decimal),
    #[error("{0} 应为非负整数(票数)")]
    NotCount(String),
    #[error("{0} 不是有效日期,应为 2019-03-01、2019/3/1 或 2019年3月1日")]
    NotADate(String),
}

/// Words that mean "no veto" when written into 否决事由. The column vetoes whenever
/// it is not empty, so such a word would silently fail the secretary: it is refused.
pub fn means_no_veto(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    matches!(
        t.as_str(),
        "无" | "没有"
            | "否"
            | "不"
            | "无否决"
            | "不否决"
            | "未否决"
            | "0"
            | "-"
            | "—"
            | "/"
            | "／"
            | "none"
            | "no"
            | "n/a"
    )
}

/// The reason a 否决事由 is refused when it means "no veto".
pub fn no_veto_message(text: &str) -> String {
    format!(
        "「{}」会被当作否决事由(一票否决);没有否决请留空",
        text.trim()
    )
}

/// Full-width digits and punctuation (what a Chinese IME types) become ASCII; spaces
/// around the number go. A space inside it stays, so that `2 5` is refused rather than
/// read as 25.
fn ascii_number(text: &str) -> String {
    text.trim()
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '．' | '。' => Some('.'),
            '－' => Some('-'),
            '／' => Some('/'),
            c => Some(c),
        })
        .collect()
}

/// A number with at most one decimal place, not negative (scores, bonus and penalty points).
pub fn parse_points(text: &str) -> Result<Decimal, ValueError> {
    let shown = text.trim().to_string();
    let t = ascii_number(text);
    let plain = t.strip_prefix('+').unwrap_or(&t);
    let well_formed = !plain.is_empty()
        && plain
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && !plain.starts_with('.')
        && !plain.ends_with('.');
    if !well_formed {
        return Err(ValueError::NotANumber(shown));
    }
    let value = Decimal::from_str(plain).map_err(|_| ValueError::NotANumber(shown.clone()))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(ValueError::Negative(shown));
    }
    let value = value.normalize();
    if value.scale() > 1 {
        return Err(ValueError::TooManyDecimals(shown));
    }
    Ok(value.abs())
}

/// An item score: `0 ≤ score ≤ max`, at most one decimal place.
pub fn parse_score(text: &str, max: Decimal) -> Result<Decimal, ValueError> {
    let value = parse_points(text)?;
    if value > max {
        return Err(ValueError::OverMax(
            text.trim().to_string(),
            max.normalize(),
        ));
    }
    Ok(value)
}

/// A ballot count; empty means 0.
pub fn parse_ballots(text: &str) -> Result<u32, ValueError> {
    let t = ascii_number(text);
    if t.is_empty() {
        return Ok(0);
    }
    // Excel may hand over `25.0` for a whole number.
    let digits = t.strip_suffix(".0").unwrap_or(&t);
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(ValueError::NotCount(text.trim().to_string()));
    }
    digits
        .parse::<u32>()
        .map_err(|_| ValueError::NotCount(text.trim().to_string()))
}

/// A date in one of the forms of §5: `2019-03-01`, `2019/3/1`, `2019年3月1日`
/// (an Excel date cell reaches here already as `2019-03-01`).
pub fn parse_date(text: &str) -> Result<Date, ValueError> {
    let bad = || ValueError::NotADate(text.trim().to_string());
    let t = ascii_number(text);
    let parts: Vec<&str> = if let Some(rest) = t.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
        let (m, d) = rest.split_once('月').ok_or_else(bad)?;
        vec![y, m, d]
    } else if t.contains('-') {
        t.split('-').collect()
    } else {
        t.split('/').collect()
    };
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    if !(all_digits(y)
        && y.len() == 4
        && all_digits(m)
        && m.len() <= 2
        && all_digits(d)
        && d.len() <= 2)
    {
        return Err(bad());
    }
    let (y, m, d) = (
        y.parse::<i16>().map_err(|_| bad())?,
        m.parse::<i8>().map_err(|_| bad())?,
        d.parse::<i8>().map_err(|_| bad())?,
    );
    Date::new(y, m, d).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_space_inside_a_number_is_refused_not_closed_up() {
        assert_eq!(parse_ballots(" 25 "), Ok(25));
        assert_eq!(
            parse_ballots("2 5"),
            Err(ValueError::NotCount("2 5".into()))
        );
        assert_eq!(
            parse_points("5.5 6"),
            Err(ValueError::NotANumber("5.5 6".into()))
        );
    }

    #[test]
    fn scores_accept_one_decimal_and_refuse_more() {
        assert_eq!(parse_score("6.5", dec("7")), Ok(dec("6.5")));
        assert_eq!(parse_score("７", dec("7")), Ok(dec("7")));
        assert_eq!(parse_score("5.50", dec("7")), Ok(dec("5.5")));
        assert_eq!(
            parse_score("5.25", dec("7")),
            Err(ValueError::TooManyDecimals("5.25".into()))
        );
        assert_eq!(
            parse_score("8.5", dec("7")).unwrap_err().to_string(),
            "8.5 超出满分 7"
        );
        assert!(matches!(
            parse_score("-1", dec("7")),
            Err(ValueError::Negative(_))
        ));
        assert!(matches!(
            parse_score("abc", dec("7")),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            parse_score("", dec("7")),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            parse_score("1e2", dec("7")),
            Err(ValueError::NotANumber(_))
        ));
    }

    #[test]
    fn ballots_are_whole_counts() {
        assert_eq!(parse_ballots(""), Ok(0));
        assert_eq!(parse_ballots("25"), Ok(25));
        assert_eq!(parse_ballots("25.0"), Ok(25));
        assert!(parse_ballots("2.5").is_err());
        assert!(parse_ballots("-3").is_err());
    }

    #[test]
    fn the_three_date_forms_of_section_5() {
        let d = Date::new(2019, 3, 1).unwrap();
        assert_eq!(parse_date("2019-03-01"), Ok(d));
        assert_eq!(parse_date("2019/3/1"), Ok(d));
        assert_eq!(parse_date("2019年3月1日"), Ok(d));
        assert_eq!(parse_date(" 2019-3-1 "), Ok(d));
        assert!(parse_date("2019-02-30").is_err());
        assert!(parse_date("19/3/1").is_err());
        assert!(parse_date("2019.3.1").is_err());
        assert!(parse_date("").is_err());
    }
}
