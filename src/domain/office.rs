//! The office's own details that every paper names (docs/files.md, "settings"): the
//! district, its organization department, and how the public reaches them. Unset ones
//! print as a blank to fill in by hand, never as a guess.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One of the office's details, by its Chinese key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Setting {
    District,
    Department,
    Phone,
    Address,
    Email,
}

impl Setting {
    pub const ALL: [Setting; 5] = [
        Setting::District,
        Setting::Department,
        Setting::Phone,
        Setting::Address,
        Setting::Email,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Setting::District => "区名",
            Setting::Department => "组织部名称",
            Setting::Phone => "联系电话",
            Setting::Address => "联系地址",
            Setting::Email => "电子邮箱",
        }
    }

    pub fn parse(key: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.key() == key.trim())
    }

    /// What a value looks like, for the message when it does not.
    fn example(self) -> &'static str {
        match self {
            Setting::District => "朔城区",
            Setting::Department => "中共朔城区委组织部",
            Setting::Phone => "0349-1234567",
            Setting::Address => "朔城区开发南路1号",
            Setting::Email => "zzb@example.gov.cn",
        }
    }

    /// The value as stored, or why it cannot be. An empty value unsets the key.
    pub fn check(self, value: &str) -> Result<String, String> {
        let value = value.trim();
        let bad = |why: &str| {
            Err(format!(
                "{}「{value}」{why};例如:xingji settings set {} {}",
                self.key(),
                self.key(),
                self.example()
            ))
        };
        if value.chars().any(char::is_control) {
            return bad("含有换行或控制字符");
        }
        let limit = match self {
            Setting::District => 20,
            Setting::Phone => 40,
            _ => 60,
        };
        if value.chars().count() > limit {
            return bad(&format!("太长(最多 {limit} 个字)"));
        }
        if value.is_empty() {
            return Ok(String::new());
        }
        let checked = match self {
            Setting::Phone => phone(value),
            Setting::Email => email(value).map(str::to_string),
            Setting::District => district(value).map(str::to_string),
            Setting::Department | Setting::Address => Ok(value.to_string()),
        };
        checked.or_else(|why| bad(&why))
    }
}

/// Full-width digits, brackets and dashes as the ASCII ones (an IME's output).
fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' => {
                char::from_u32(c as u32 - 0xff10 + u32::from(b'0')).unwrap_or(c)
            }
            '\u{ff08}' => '(',
            '\u{ff09}' => ')',
            '\u{ff0d}' | '\u{2014}' | '\u{2013}' => '-',
            '\u{ff0c}' | ',' | '/' => '、',
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// One or more phone numbers joined by 、: each an optional (area code) or area code
/// and dash, then the number, perhaps an extension (转 or a dash); 5 to 16 digits in
/// all (12380, the department's reporting line, has five).
fn phone(value: &str) -> Result<String, String> {
    let value = half_width(value);
    for part in value.split('、') {
        let part = part.trim();
        if part.is_empty() {
            return Err("有空的号码(、前后都要有号码)".to_string());
        }
        if let Some(c) = part
            .chars()
            .find(|c| !(c.is_ascii_digit() || "-() 转".contains(*c)))
        {
            return Err(format!("含有「{c}」;电话号码只能有数字、-、括号和“转”"));
        }
        let digits = part.chars().filter(char::is_ascii_digit).count();
        if !(5..=16).contains(&digits) {
            return Err(format!("「{part}」有 {digits} 位数字,不像电话号码"));
        }
        let opens = part.matches('(').count();
        let balanced = opens == part.matches(')').count()
            && opens <= 1
            && part.find('(').unwrap_or(0) <= part.find(')').unwrap_or(0);
        let doubled = ["--", "  ", "- ", " -", "转转"]
            .iter()
            .any(|d| part.contains(d));
        let ends = |c: char| "-(转".contains(c);
        if !balanced || doubled || part.starts_with(['-', ')', '转']) || part.ends_with(ends) {
            return Err(format!("「{part}」的写法不对(括号、-、“转”的位置)"));
        }
    }
    Ok(value)
}

/// A mailbox: one @, a local part and a domain of dot-separated labels.
fn email(value: &str) -> Result<&str, String> {
    let why = || "不是电子邮箱地址(如 zzb@example.gov.cn;只能写一个)".to_string();
    let (local, domain) = value.split_once('@').ok_or_else(why)?;
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if local_ok && domain_ok {
        Ok(value)
    } else {
        Err(why())
    }
}

/// A county-level name: 朔城区, 应县, 怀仁市, 额济纳旗 (the department's default name is
/// made from it: 朔城区委组织部).
fn district(value: &str) -> Result<&str, String> {
    let ends = ['区', '县', '市', '旗'];
    let plausible = value.chars().count() >= 2
        && value.ends_with(ends)
        && !value.ends_with("委")
        && value
            .chars()
            .all(|c| !c.is_ascii_punctuation() && !c.is_whitespace());
    if plausible {
        Ok(value)
    } else {
        Err("应是区、县、市或旗的全称(以“区”“县”“市”“旗”结尾)".to_string())
    }
}

/// The office's details as set (a key not set is absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    pub values: BTreeMap<Setting, String>,
}

/// A blank line to fill in by hand, as wide as a typical value.
fn blank(cells: usize) -> String {
    "_".repeat(cells)
}

impl Office {
    pub fn get(&self, s: Setting) -> Option<&str> {
        self.values.get(&s).map(String::as_str)
    }

    /// The district's name, or a blank.
    pub fn district(&self) -> String {
        self.get(Setting::District)
            .map_or_else(|| blank(8), str::to_string)
    }

    /// The organization department: as set; else named after the district
    /// (朔城区委组织部); else a blank before 组织部.
    pub fn department(&self) -> String {
        match (self.get(Setting::Department), self.get(Setting::District)) {
            (Some(d), _) => d.to_string(),
            (None, Some(district)) => format!("{district}委组织部"),
            (None, None) => format!("{}组织部", blank(8)),
        }
    }

    /// A contact detail, or a blank.
    pub fn contact(&self, s: Setting) -> String {
        self.get(s).map_or_else(|| blank(16), str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_unset_ones_print_blank() {
        assert_eq!(Setting::parse(" 联系电话 "), Some(Setting::Phone));
        assert_eq!(Setting::parse("电话"), None);
        assert_eq!(
            Setting::Phone
                .check("0349-1234567、0349-7654321")
                .as_deref(),
            Ok("0349-1234567、0349-7654321")
        );
        assert!(Setting::Phone.check("朔城区").is_err());
        assert_eq!(Setting::Phone.check("12380").as_deref(), Ok("12380"));
        assert_eq!(
            Setting::Phone.check("(0349)1234567转801").as_deref(),
            Ok("(0349)1234567转801")
        );
        assert_eq!(
            Setting::Phone.check("\u{ff10}349-1234567").as_deref(),
            Ok("0349-1234567"),
            "full-width digits read as they are meant"
        );
        for bad in [
            "0349-1234567、",
            "0349--1234567",
            "(0349-1234567",
            "1",
            "0349-123 4567-",
        ] {
            assert!(Setting::Phone.check(bad).is_err(), "{bad}");
        }
        assert!(Setting::Email.check("zzb").is_err());
        for bad in [
            "a@b..cn",
            "a@.cn",
            "a@b.cn.",
            "a@@b.cn",
            "<a@b.cn>",
            "a@b.cn,c@d.cn",
        ] {
            assert!(Setting::Email.check(bad).is_err(), "{bad}");
        }
        assert!(Setting::Email.check("zzb.sc@example.gov.cn").is_ok());
        for bad in ["朔城区委", "朔城", "123", "区"] {
            assert!(Setting::District.check(bad).is_err(), "{bad}");
        }
        assert!(Setting::District.check("额济纳旗").is_ok());
        assert!(Setting::Address.check("一\n二").is_err());
        assert_eq!(Setting::Address.check("  ").as_deref(), Ok(""));
        let mut office = Office::default();
        assert_eq!(office.district(), "________");
        assert!(office.department().ends_with("组织部"));
        office
            .values
            .insert(Setting::District, "朔城区".to_string());
        assert_eq!(office.department(), "朔城区委组织部");
        assert_eq!(office.contact(Setting::Phone), "________________");
    }
}
