//! Numbers as a village broadcaster reads them aloud (大喇叭): 八十五点二分, 二〇二五年,
//! 十二月一日, a phone number digit by digit with 幺 for 1. Small and exact enough that
//! a crate's general numeral forms would need the same special cases around them.

use jiff::civil::Date;
use rust_decimal::Decimal;

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// A whole number as spoken: 7 七, 15 十五, 105 一百零五, 2000 两千, 10010 一万零一十,
/// 20000 两万, 100000000 一亿.
pub fn integer(n: u64) -> String {
    grouped(n, true)
}

/// `n` in groups of 亿 and 万; `leading`: nothing is said before it (十五, not 一十五).
fn grouped(n: u64, leading: bool) -> String {
    for (size, unit) in [(100_000_000, '亿'), (10_000, '万')] {
        if n >= size {
            let (high, low) = (n / size, n % size);
            let mut out = if high == 2 {
                "两".to_string()
            } else {
                grouped(high, leading)
            };
            out.push(unit);
            if low > 0 {
                if low < size / 10 {
                    out.push('零');
                }
                out.push_str(&grouped(low, false));
            }
            return out;
        }
    }
    below_ten_thousand(n, leading)
}

fn below_ten_thousand(n: u64, leading: bool) -> String {
    if n < 10 {
        return DIGITS[n as usize].to_string();
    }
    let units = [(1000, '千'), (100, '百'), (10, '十')];
    let mut out = String::new();
    let mut rest = n;
    let mut gap = false;
    for (value, unit) in units {
        let d = rest / value;
        rest %= value;
        if d == 0 {
            gap = !out.is_empty();
            continue;
        }
        if gap {
            out.push('零');
            gap = false;
        }
        // 十五 rather than 一十五 at the start; 两千, 两百 as people say them.
        match (d, value) {
            (1, 10) if out.is_empty() && leading => {}
            (2, 1000 | 100) => out.push('两'),
            _ => out.push(DIGITS[d as usize]),
        }
        out.push(unit);
    }
    if rest > 0 {
        if gap {
            out.push('零');
        }
        out.push(DIGITS[rest as usize]);
    }
    out
}

/// A score as spoken: 85.20 八十五点二, 90.00 九十, 0.5 零点五.
pub fn decimal(value: Decimal) -> String {
    let value = value.normalize();
    let text = value.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = if value.is_sign_negative() && !value.is_zero() {
        "负".to_string()
    } else {
        String::new()
    };
    out.push_str(&integer(whole.parse().unwrap_or(0)));
    if !fraction.is_empty() {
        out.push('点');
        out.extend(
            fraction
                .chars()
                .filter_map(|c| c.to_digit(10).map(|d| DIGITS[d as usize])),
        );
    }
    out
}

/// A date as spoken: 二〇二五年十二月一日.
pub fn date(d: Date) -> String {
    format!(
        "{}{}月{}日",
        date_year(d.year()),
        integer(d.month().unsigned_abs().into()),
        integer(d.day().unsigned_abs().into())
    )
}

/// A year as spoken: 二〇二五年.
pub fn date_year(year: i16) -> String {
    let digits: String = year
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|n| if n == 0 { '〇' } else { DIGITS[n as usize] })
        .collect();
    format!("{digits}年")
}

/// A phone number digit by digit, 1 as 幺, a pause (,) where it has a dash or space.
pub fn phone(number: &str) -> String {
    let mut out = String::new();
    for c in number.chars() {
        match c {
            '1' => out.push('幺'),
            '0'..='9' => out.push(DIGITS[c as usize - '0' as usize]),
            '-' | ' ' | '(' | ')' | '\u{ff08}' | '\u{ff09}'
                if !out.is_empty() && !out.ends_with(',') =>
            {
                out.push(',');
            }
            '转' => out.push('转'),
            _ => {}
        }
    }
    out.trim_end_matches(',').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_broadcaster_says_them() {
        let cases = [
            (0, "零"),
            (7, "七"),
            (10, "十"),
            (15, "十五"),
            (20, "二十"),
            (105, "一百零五"),
            (110, "一百一十"),
            (2000, "两千"),
            (2005, "两千零五"),
            (1010, "一千零一十"),
            (250, "两百五十"),
            (12_000, "一万两千"),
            (10_050, "一万零五十"),
            (10_010, "一万零一十"),
            (20_000, "两万"),
            (100_000, "十万"),
            (100_000_000, "一亿"),
            (300_000_005, "三亿零五"),
        ];
        for (n, said) in cases {
            assert_eq!(integer(n), said, "{n}");
        }
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(decimal(d("85.20")), "八十五点二");
        assert_eq!(decimal(d("90.00")), "九十");
        assert_eq!(decimal(d("0.05")), "零点零五");
        assert_eq!(date(jiff::civil::date(2025, 12, 1)), "二〇二五年十二月一日");
        assert_eq!(phone("0349-1234567"), "零三四九,幺二三四五六七");
        assert_eq!(
            phone("(0349)1234567转801"),
            "零三四九,幺二三四五六七转八零幺"
        );
    }
}
