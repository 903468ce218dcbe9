//! The fields of a secretary's form, in the order of the scores file (docs/files.md §5),
//! and how a typed value becomes part of an assessment (validation through the domain parsers).

use rust_decimal::Decimal;

use crate::domain::{Assessment, Grade, parse_ballots, parse_points, parse_score};
use crate::scoring::Scheme;
use crate::text::{clean_line, clean_multiline};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Item(usize),
    Grade,
    Satisfied,
    Basically,
    Dissatisfied,
    Bonus,
    BonusReason,
    Penalty,
    PenaltyReason,
    VetoReason,
    Notes,
}

/// How a field is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Digits; typing replaces the value.
    Number,
    /// 1–4 or the word.
    Grade,
    /// One line of text; typing appends.
    Text,
    /// Multi-line text in an editor.
    Notes,
}

pub fn fields(scheme: &Scheme) -> Vec<Field> {
    let mut f: Vec<Field> = (0..scheme.items().count()).map(Field::Item).collect();
    f.extend([
        Field::Grade,
        Field::Satisfied,
        Field::Basically,
        Field::Dissatisfied,
        Field::Bonus,
        Field::BonusReason,
        Field::Penalty,
        Field::PenaltyReason,
        Field::VetoReason,
        Field::Notes,
    ]);
    f
}

fn item(scheme: &Scheme, i: usize) -> &crate::scoring::Item {
    scheme
        .items()
        .nth(i)
        .expect("field index within the scheme's items")
}

impl Field {
    pub fn kind(self) -> Kind {
        match self {
            Field::Grade => Kind::Grade,
            Field::BonusReason | Field::PenaltyReason | Field::VetoReason => Kind::Text,
            Field::Notes => Kind::Notes,
            _ => Kind::Number,
        }
    }

    pub fn label(self, scheme: &Scheme) -> String {
        match self {
            Field::Item(i) => {
                let it = item(scheme, i);
                format!("{}({})", it.name, it.max.normalize())
            }
            Field::Grade => "组织评价".into(),
            Field::Satisfied => "满意(票)".into(),
            Field::Basically => "基本满意(票)".into(),
            Field::Dissatisfied => "不满意(票)".into(),
            Field::Bonus => format!("加分(上限{})", scheme.bonus.cap.normalize()),
            Field::BonusReason => "加分事由".into(),
            Field::Penalty => "减分".into(),
            Field::PenaltyReason => "减分事由".into(),
            Field::VetoReason => "否决事由".into(),
            Field::Notes => "备注".into(),
        }
    }

    /// The stored value as the form shows it (empty when not entered).
    pub fn value(self, scheme: &Scheme, a: &Assessment) -> String {
        let points = |d: Decimal| {
            if d.is_zero() {
                String::new()
            } else {
                d.normalize().to_string()
            }
        };
        match self {
            Field::Item(i) => a
                .items
                .get(&item(scheme, i).name)
                .map(|d| d.normalize().to_string())
                .unwrap_or_default(),
            Field::Grade => a.grade.map(|g| g.label().to_string()).unwrap_or_default(),
            // No ballots at all: not entered yet, shown empty rather than as three zeros.
            Field::Satisfied | Field::Basically | Field::Dissatisfied if a.ballots.valid() == 0 => {
                String::new()
            }
            Field::Satisfied => a.ballots.satisfied.to_string(),
            Field::Basically => a.ballots.basically.to_string(),
            Field::Dissatisfied => a.ballots.dissatisfied.to_string(),
            Field::Bonus => points(a.bonus),
            Field::BonusReason => a.bonus_reason.clone(),
            Field::Penalty => points(a.penalty),
            Field::PenaltyReason => a.penalty_reason.clone(),
            Field::VetoReason => a.veto_reason.clone(),
            Field::Notes => a.notes.clone(),
        }
    }

    /// Put a typed value into the assessment, or say in Chinese why it is refused.
    /// An empty value clears the field.
    pub fn apply(self, scheme: &Scheme, a: &mut Assessment, input: &str) -> Result<(), String> {
        let text = input.trim();
        let points = |t: &str| {
            if t.is_empty() {
                Ok(Decimal::ZERO)
            } else {
                parse_points(t).map_err(|e| e.to_string())
            }
        };
        match self {
            Field::Item(i) => {
                let it = item(scheme, i);
                if text.is_empty() {
                    a.items.remove(&it.name);
                } else {
                    a.items.insert(
                        it.name.clone(),
                        parse_score(text, it.max).map_err(|e| e.to_string())?,
                    );
                }
            }
            Field::Grade => {
                a.grade = match text {
                    "" => None,
                    "1" | "１" => Some(Grade::Good),
                    "2" | "２" => Some(Grade::FairlyGood),
                    "3" | "３" => Some(Grade::Average),
                    "4" | "４" => Some(Grade::Poor),
                    t => Some(
                        Grade::parse(t)
                            .ok_or_else(|| format!("{t} 应为 1 好、2 较好、3 一般 或 4 差"))?,
                    ),
                }
            }
            Field::Satisfied => {
                a.ballots.satisfied = parse_ballots(text).map_err(|e| e.to_string())?
            }
            Field::Basically => {
                a.ballots.basically = parse_ballots(text).map_err(|e| e.to_string())?
            }
            Field::Dissatisfied => {
                a.ballots.dissatisfied = parse_ballots(text).map_err(|e| e.to_string())?
            }
            Field::Bonus => a.bonus = points(text)?,
            Field::Penalty => a.penalty = points(text)?,
            Field::BonusReason => a.bonus_reason = clean_line(text).trim().to_string(),
            Field::PenaltyReason => a.penalty_reason = clean_line(text).trim().to_string(),
            Field::VetoReason => {
                let reason = clean_line(text).trim().to_string();
                if crate::domain::means_no_veto(&reason) {
                    return Err(crate::domain::no_veto_message(&reason));
                }
                a.veto_reason = reason;
            }
            Field::Notes => a.notes = clean_multiline(input).trim_end().to_string(),
        }
        Ok(())
    }

    /// The value shown for the grade field while typing `1`–`4`.
    pub fn preview(self, input: &str) -> Option<&'static str> {
        (self == Field::Grade).then(|| match input.trim() {
            "1" | "１" => Some("好"),
            "2" | "２" => Some("较好"),
            "3" | "３" => Some("一般"),
            "4" | "４" => Some("差"),
            _ => None,
        })?
    }
}

/// The fields that differ between `old` and `new`: (label, before, after), in the form's
/// order. Items the scheme does not have are compared by name as well.
pub fn changes(
    scheme: &Scheme,
    old: &Assessment,
    new: &Assessment,
) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = fields(scheme)
        .into_iter()
        .filter_map(|f| {
            let (before, after) = (f.value(scheme, old), f.value(scheme, new));
            (before != after).then(|| (f.label(scheme), before, after))
        })
        .collect();
    // 不了解 is no field of the form (it is not counted) but comes with a scores file:
    // a change to it is a change to the record all the same.
    let (before, after) = (old.ballots.unknown, new.ballots.unknown);
    if before != after {
        out.push(("不了解".to_string(), before.to_string(), after.to_string()));
    }
    let foreign = |a: &Assessment, name: &str| {
        a.items
            .get(name)
            .map(|d| d.normalize().to_string())
            .unwrap_or_default()
    };
    let known = |name: &str| scheme.items().any(|i| i.name == name);
    let mut others: Vec<&str> = old.items.keys().chain(new.items.keys()).collect();
    others.sort();
    others.dedup();
    for name in others.into_iter().filter(|n| !known(n)) {
        let (before, after) = (foreign(old, name), foreign(new, name));
        if before != after {
            out.push((name.to_string(), before, after));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_difference_is_a_change_not_unknown_ballots_excepted() {
        let s = Scheme::default_scheme();
        let old = Assessment::default();
        let mut new = old.clone();
        new.ballots.unknown = 9;
        assert_eq!(
            changes(&s, &old, &new),
            vec![("不了解".to_string(), "0".to_string(), "9".to_string())]
        );
        assert!(changes(&s, &new, &new.clone()).is_empty());
    }

    #[test]
    fn the_form_order_is_the_scores_file_order() {
        let s = Scheme::default_scheme();
        let f = fields(&s);
        assert_eq!(f.len(), 12 + 10);
        assert_eq!(f[12], Field::Grade);
        assert_eq!(f[15], Field::Dissatisfied);
        assert_eq!(f.last(), Some(&Field::Notes));
        assert_eq!(f[0].label(&s), "政治素质(6)");
    }

    #[test]
    fn values_are_validated_like_the_import() {
        let s = Scheme::default_scheme();
        let mut a = Assessment::default();
        assert_eq!(
            Field::Item(2).apply(&s, &mut a, "8.5"),
            Err("8.5 超出满分 7".to_string())
        );
        assert!(a.items.is_empty(), "a refused value is not kept");
        Field::Item(2).apply(&s, &mut a, "6.5").unwrap();
        assert_eq!(Field::Item(2).value(&s, &a), "6.5");
        Field::Grade.apply(&s, &mut a, "2").unwrap();
        assert_eq!(a.grade, Some(Grade::FairlyGood));
        assert!(Field::Grade.apply(&s, &mut a, "5").is_err());
        assert!(Field::Satisfied.apply(&s, &mut a, "2.5").is_err());
        Field::VetoReason
            .apply(&s, &mut a, "违反\u{7}纪律")
            .unwrap();
        assert_eq!(a.veto_reason, "违反纪律");
        Field::Item(2).apply(&s, &mut a, "").unwrap();
        assert!(a.items.is_empty(), "an empty value clears the item");
    }
}
