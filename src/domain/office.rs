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
        let phone_like = value.chars().any(|c| c.is_ascii_digit())
            && value
                .chars()
                .all(|c| c.is_ascii_digit() || " -()\u{ff08}\u{ff09}、,\u{ff0c}/转".contains(c));
        let email_like = !value.contains(char::is_whitespace)
            && value
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'));
        match self {
            _ if value.is_empty() => Ok(String::new()),
            Setting::Phone if !phone_like => {
                bad("不是电话号码(只能有数字、-、括号;几个号码用、分开)")
            }
            Setting::Email if !email_like => bad("不是电子邮箱地址"),
            _ => Ok(value.to_string()),
        }
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
        assert!(Setting::Email.check("zzb").is_err());
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
