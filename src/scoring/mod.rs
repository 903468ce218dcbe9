//! The rules of docs/rules.md ("3 + X + Y"), pure and exact.
//!
//! Every figure is a `Decimal` (no binary floating point); rounding is half-up.
//! [`evaluate`] scores one assessment; [`rate_year`] adds what needs the whole
//! district (quotas) and the previous year (star change, 建议调整).

mod explain;
mod scheme;

pub use explain::{ExplainLine, explain, rating_stars_label, remarks, show, years};
pub use scheme::{DEFAULT_SCHEME, Indicator, Item, Scheme, SchemeError};

use std::cmp::Ordering;
use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::{Assessment, Consequence, Outcome};

/// Round half-up (for the non-negative figures of §3, half away from zero is half-up).
pub fn round_half_up(value: Decimal, dp: u32) -> Decimal {
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// `numerator / denominator` rounded half-up to `dp` places, computed on integers so
/// that no intermediate rounding can move a value across a half.
fn div_half_up(numerator: Decimal, denominator: u64, dp: u32) -> Decimal {
    debug_assert!(denominator > 0 && !numerator.is_sign_negative());
    let n = numerator.mantissa() * 10i128.pow(dp);
    let d = i128::from(denominator) * 10i128.pow(numerator.scale());
    let q = (2 * n + d) / (2 * d);
    Decimal::from_i128_with_scale(q, dp)
}

/// Why an assessment has no figures yet (未完成).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Missing {
    Item(String),
    Grade,
    Ballots { valid: u64, min: u32 },
}

impl Missing {
    pub fn describe(&self) -> String {
        match self {
            Missing::Item(name) => format!("缺「{name}」"),
            Missing::Grade => "缺组织评价".to_string(),
            Missing::Ballots { valid, min } => format!("有效票 {valid} 张,少于 {min} 张"),
        }
    }
}

/// The rule that set the stars before quotas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StarBasis {
    /// 任职未满一年: 未定星.
    NotEligible,
    /// 一票否决: 0★.
    Veto,
    /// 考核结果 不合格: 0★.
    Fail,
    /// The total reached the threshold of this level.
    Threshold(u8),
    /// The total reached no threshold: 0★.
    BelowAll,
}

/// The figures of one complete assessment (§3 steps 1–8, 10).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Figures {
    /// Q: the sum of the item scores.
    pub quantitative: Decimal,
    /// O: the grade's points.
    pub organizational: Decimal,
    /// M: the ballots' mean value, rounded half-up to 2 decimals.
    pub mass: Decimal,
    /// wQ·Q/100, wO·O/100, wM·M/100, exact: they add up to `base`.
    pub weighted: [Decimal; 3],
    pub base: Decimal,
    /// Σ bonus before the cap.
    pub bonus_claimed: Decimal,
    /// X: the bonus after the cap.
    pub bonus: Decimal,
    /// Y: the penalty total.
    pub penalty: Decimal,
    /// max(0, base + X − Y), rounded half-up to 2 decimals.
    pub total: Decimal,
    pub outcome: Outcome,
    pub vetoed: bool,
    pub eligible: bool,
    /// Stars by the total alone (None: 未定星).
    pub stars: Option<u8>,
    pub basis: StarBasis,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Evaluation {
    Incomplete(Vec<Missing>),
    Complete(Figures),
}

impl Evaluation {
    pub fn figures(&self) -> Option<&Figures> {
        match self {
            Evaluation::Complete(f) => Some(f),
            Evaluation::Incomplete(_) => None,
        }
    }
}

/// §3.10: in post `years_in_post` whole years by 31 December of the assessment year.
pub fn eligible(scheme: &Scheme, took_office: Date, year: i16) -> bool {
    let years = i16::try_from(scheme.eligibility.years_in_post).unwrap_or(i16::MAX);
    match Date::new(year.saturating_sub(years), 12, 31) {
        Ok(last_day) => took_office <= last_day,
        Err(_) => false,
    }
}

/// Score one assessment against the year's scheme (§3 steps 1–8 and 10).
pub fn evaluate(
    scheme: &Scheme,
    assessment: &Assessment,
    took_office: Date,
    year: i16,
) -> Evaluation {
    // Each item looked up once: a province rates millions of them.
    let mut quantitative = Decimal::ZERO;
    let mut missing: Vec<Missing> = Vec::new();
    for item in scheme.items() {
        match assessment.items.get(&item.name) {
            Some(score) => quantitative += score,
            None => missing.push(Missing::Item(item.name.clone())),
        }
    }
    if assessment.grade.is_none() {
        missing.push(Missing::Grade);
    }
    let b = assessment.ballots;
    let valid = b.valid();
    if valid < u64::from(scheme.ballots.min_ballots) {
        missing.push(Missing::Ballots {
            valid,
            min: scheme.ballots.min_ballots,
        });
    }
    let Some(grade) = assessment.grade else {
        return Evaluation::Incomplete(missing);
    };
    if !missing.is_empty() {
        return Evaluation::Incomplete(missing);
    }

    let organizational = scheme.grade_points(grade);
    let v = scheme.ballots;
    let ballot_sum = Decimal::from(b.satisfied) * v.satisfied
        + Decimal::from(b.basically) * v.basically
        + Decimal::from(b.dissatisfied) * v.dissatisfied;
    let mass = div_half_up(ballot_sum, valid, 2);

    let w = scheme.weights;
    let hundred = Decimal::ONE_HUNDRED;
    let weighted = [
        Decimal::from(w.quantitative) * quantitative / hundred,
        Decimal::from(w.organizational) * organizational / hundred,
        Decimal::from(w.mass) * mass / hundred,
    ];
    let base = weighted.iter().sum::<Decimal>();
    let bonus_claimed = assessment.bonus;
    let bonus = bonus_claimed.min(scheme.bonus.cap);
    let penalty = assessment.penalty;
    let total = round_half_up((base + bonus - penalty).max(Decimal::ZERO), 2);

    let vetoed = assessment.vetoed();
    let r = scheme.result;
    let outcome = if vetoed {
        Outcome::Fail
    } else if total >= r.excellent {
        Outcome::Excellent
    } else if total >= r.pass {
        Outcome::Pass
    } else if total >= r.basic_pass {
        Outcome::BasicPass
    } else {
        Outcome::Fail
    };

    let eligible = eligible(scheme, took_office, year);
    let basis = if !eligible {
        StarBasis::NotEligible
    } else if vetoed {
        StarBasis::Veto
    } else if outcome == Outcome::Fail {
        StarBasis::Fail
    } else {
        (1..=5u8)
            .rev()
            .zip(&scheme.stars.thresholds)
            .find(|(_, threshold)| total >= **threshold)
            .map_or(StarBasis::BelowAll, |(level, _)| {
                StarBasis::Threshold(level)
            })
    };
    let stars = match basis {
        StarBasis::NotEligible => None,
        StarBasis::Threshold(level) => Some(level),
        StarBasis::Veto | StarBasis::Fail | StarBasis::BelowAll => Some(0),
    };

    Evaluation::Complete(Figures {
        quantitative,
        organizational,
        mass,
        weighted,
        base,
        bonus_claimed,
        bonus,
        penalty,
        total,
        outcome,
        vetoed,
        eligible,
        stars,
        basis,
    })
}

/// One secretary's assessment in a year, as [`rate_year`] takes it.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<'a> {
    pub secretary: u32,
    pub took_office: Date,
    pub assessment: &'a Assessment,
}

/// A quota demotion (§3.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuotaDrop {
    pub from: u8,
    pub to: u8,
}

/// 星级变化 (§3.13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StarChange {
    /// 新评: no rated previous year.
    New,
    Delta(i8),
}

impl StarChange {
    pub fn label(self) -> String {
        match self {
            StarChange::New => "新评".to_string(),
            StarChange::Delta(0) => "0".to_string(),
            StarChange::Delta(d) => format!("{d:+}"),
        }
    }
}

/// Everything §3 says of one secretary in one year.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rating {
    pub secretary: u32,
    pub evaluation: Evaluation,
    /// Final stars after quotas; None for 未定星 and for an incomplete assessment.
    pub stars: Option<u8>,
    pub quota_drop: Option<QuotaDrop>,
    /// Pay coefficient and pay (whole yuan); None when incomplete.
    pub coefficient: Option<Decimal>,
    pub pay: Option<Decimal>,
    /// Low (≤ low_max_stars or 不合格) this year.
    pub low: bool,
    pub consequence: Option<Consequence>,
    /// None for 未定星 and incomplete.
    pub change: Option<StarChange>,
}

impl Rating {
    /// The rating of an assessment with no figures: 未完成, no stars, no pay.
    pub fn unrated(secretary: u32) -> Rating {
        Rating {
            secretary,
            evaluation: Evaluation::Incomplete(Vec::new()),
            stars: None,
            quota_drop: None,
            coefficient: None,
            pay: None,
            low: false,
            consequence: None,
            change: None,
        }
    }

    /// Rated: eligible with a complete assessment (counted in N).
    pub fn rated(&self) -> bool {
        self.evaluation.figures().is_some_and(|f| f.eligible)
    }
}

/// A secretary's figures as published (公示) and approved: frozen at the start of
/// publication, read from then on instead of recomputed, until the district reopens
/// the township and a new publication replaces them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Frozen {
    /// The assessment the figures were computed from (the explanation is made from it).
    pub assessment: Assessment,
    pub rating: Rating,
    /// What stood before, when this publication corrects it (更正公示); None otherwise.
    pub replaced: Option<Rating>,
}

impl Frozen {
    /// Does `now` differ from these figures in what a secretary is told: result, stars,
    /// pay or consequence?
    pub fn moved(&self, now: &Rating) -> bool {
        let seen = |r: &Rating| {
            (
                r.evaluation.figures().map(|f| (f.total, f.outcome)),
                r.stars,
                r.pay,
                r.consequence,
            )
        };
        seen(&self.rating) != seen(now)
    }
}

/// The quota lines of a year over `n` rated secretaries: (5★, 4★ and 5★ together).
pub fn quota_limits(scheme: &Scheme, n: usize) -> (usize, usize) {
    let of = |pct: Decimal| {
        let limit = (Decimal::from(n) * pct / Decimal::ONE_HUNDRED).floor();
        usize::try_from(limit.mantissa() / 10i128.pow(limit.scale())).unwrap_or(0)
    };
    (
        of(scheme.quota.five_pct),
        of(scheme.quota.four_and_five_pct),
    )
}

/// What is kept of another year's rating: the stars (star change, the star history),
/// whether it was low (建议调整) and complete (the history). A province's other years
/// are kept as this, not as whole ratings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Past {
    pub stars: Option<u8>,
    pub low: bool,
    /// Complete (the star history's 未完成; not used by the rating).
    pub complete: bool,
}

impl Past {
    /// What [`finish`] would keep of a rating, without making it: `stars` after quotas.
    pub fn of(scheme: &Scheme, evaluation: &Evaluation, stars: Option<u8>) -> Past {
        match evaluation.figures() {
            None => Past {
                stars: None,
                low: false,
                complete: false,
            },
            Some(figures) => Past {
                stars,
                low: is_low(scheme, figures.outcome, stars),
                complete: true,
            },
        }
    }
}

/// Low (§3.12): 不合格, or no more stars than the scheme's low line.
fn is_low(scheme: &Scheme, outcome: Outcome, stars: Option<u8>) -> bool {
    outcome == Outcome::Fail || stars.is_some_and(|s| s <= scheme.consequences.low_max_stars)
}

impl From<&Rating> for Past {
    fn from(r: &Rating) -> Past {
        Past {
            stars: r.stars,
            low: r.low,
            complete: r.evaluation.figures().is_some(),
        }
    }
}

/// A last year's rating, whole or as [`Past`].
pub trait PastRating {
    fn past(&self) -> Past;
}

/// The ratings of the year before, by secretary: what a rating's star change and
/// 建议调整 look at.
pub trait Previous {
    fn past_of(&self, secretary: u32) -> Option<Past>;
}

impl<P: PastRating> Previous for HashMap<u32, P> {
    fn past_of(&self, secretary: u32) -> Option<Past> {
        self.get(&secretary).map(PastRating::past)
    }
}

impl Previous for Pasts {
    fn past_of(&self, secretary: u32) -> Option<Past> {
        self.get(&secretary)
    }
}

/// A year's [`Past`] by secretary. Where the ids run with few gaps (a roster's, handed
/// out in a row), each in its place from the first id: a byte an id (a province's in
/// pairs took 8 each, in a hash map 20). Else (id, past) sorted by id. What a kept year
/// holds of the year before, and the star history. Sent as the pairs.
#[derive(Clone, Debug, Default)]
pub struct Pasts(PastsBy);

#[derive(Clone, Debug)]
enum PastsBy {
    Sorted(Vec<(u32, Past)>),
    /// The past of id `first + k` at `k`, as [`Past::byte`] makes it (0: none);
    /// `len` of them are some.
    Dense {
        first: u32,
        pasts: Vec<u8>,
        len: usize,
    },
}

impl Past {
    /// The past in a byte, never 0: set, complete, low, then the stars (7: none).
    /// None for stars no rating gives (above 5, which only an altered file holds).
    fn byte(self) -> Option<u8> {
        let stars = match self.stars {
            Some(s) if s > 5 => return None,
            Some(s) => s,
            None => 7,
        };
        Some(0x80 | u8::from(self.complete) << 4 | u8::from(self.low) << 3 | stars)
    }

    fn of_byte(byte: u8) -> Option<Past> {
        (byte & 0x80 != 0).then(|| Past {
            stars: Some(byte & 7).filter(|s| *s != 7),
            low: byte & 0x08 != 0,
            complete: byte & 0x10 != 0,
        })
    }
}

impl Default for PastsBy {
    fn default() -> PastsBy {
        PastsBy::Sorted(Vec::new())
    }
}

impl Pasts {
    /// Of pairs sorted by id, each id once.
    fn of_sorted(all: Vec<(u32, Past)>) -> Pasts {
        let (Some(&(first, _)), Some(&(last, _))) = (all.first(), all.last()) else {
            return Pasts::default();
        };
        let span = (last - first) as usize + 1;
        if span > 8 * all.len() || all.iter().any(|(_, p)| p.byte().is_none()) {
            return Pasts(PastsBy::Sorted(all));
        }
        let mut pasts = vec![0; span];
        for (id, past) in &all {
            pasts[(id - first) as usize] = past.byte().unwrap_or(0);
        }
        Pasts(PastsBy::Dense {
            first,
            pasts,
            len: all.len(),
        })
    }

    pub fn get(&self, secretary: &u32) -> Option<Past> {
        match &self.0 {
            PastsBy::Sorted(all) => {
                let at = all.binary_search_by_key(secretary, |(s, _)| *s).ok()?;
                Some(all[at].1)
            }
            PastsBy::Dense { first, pasts, .. } => {
                Past::of_byte(*pasts.get(secretary.checked_sub(*first)? as usize)?)
            }
        }
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            PastsBy::Sorted(all) => all.len(),
            PastsBy::Dense { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every secretary's, by id.
    pub fn iter(&self) -> impl Iterator<Item = (u32, Past)> + '_ {
        let (sorted, dense) = match &self.0 {
            PastsBy::Sorted(all) => (Some(all.iter().copied()), None),
            PastsBy::Dense { first, pasts, .. } => {
                let first = *first;
                let some = (0u32..)
                    .zip(pasts)
                    .filter_map(move |(k, past)| Some((first + k, Past::of_byte(*past)?)));
                (None, Some(some))
            }
        };
        sorted
            .into_iter()
            .flatten()
            .chain(dense.into_iter().flatten())
    }
}

impl PartialEq for Pasts {
    fn eq(&self, other: &Pasts) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Pasts {}

impl serde::Serialize for Pasts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        // With its length first (the pairs held by place do not know it as they go).
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for pair in self.iter() {
            seq.serialize_element(&pair)?;
        }
        seq.end()
    }
}

impl<'de> serde::Deserialize<'de> for Pasts {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Pasts, D::Error> {
        Vec::<(u32, Past)>::deserialize(deserializer).map(|all| all.into_iter().collect())
    }
}

impl FromIterator<(u32, Past)> for Pasts {
    /// In any order; of a secretary given twice, the last.
    fn from_iter<I: IntoIterator<Item = (u32, Past)>>(pasts: I) -> Pasts {
        let mut all: Vec<(u32, Past)> = pasts.into_iter().collect();
        all.reverse();
        all.sort_by_key(|(s, _)| *s);
        all.dedup_by_key(|(s, _)| *s);
        all.shrink_to_fit();
        Pasts::of_sorted(all)
    }
}

impl PastRating for Past {
    fn past(&self) -> Past {
        *self
    }
}

impl PastRating for Rating {
    fn past(&self) -> Past {
        Past::from(self)
    }
}

/// Rate a year of one district: every candidate's figures, the quotas over the
/// district, pay, consequences and star change against `previous` (the ratings of
/// the year before, by secretary).
pub fn rate_year(
    scheme: &Scheme,
    year: i16,
    candidates: &[Candidate<'_>],
    previous: &(impl Previous + ?Sized),
) -> Vec<Rating> {
    rate_year_with(scheme, year, candidates, &|_| None, previous)
}

/// [`rate_year`] where some secretaries are scored on their township's own items:
/// `own(secretary)` is that township's scheme ([`Scheme::with_items`]), None for the
/// district's. Quotas, pay and consequences are the district's for everyone.
pub fn rate_year_with<'s>(
    scheme: &'s Scheme,
    year: i16,
    candidates: &[Candidate<'_>],
    own: &dyn Fn(u32) -> Option<&'s Scheme>,
    previous: &(impl Previous + ?Sized),
) -> Vec<Rating> {
    finish_year(
        scheme,
        candidates,
        evaluate_year(scheme, year, candidates, own),
        previous,
    )
}

/// The first half of [`rate_year_with`], which needs nothing of the year before: each
/// candidate's figures and stars after the quotas.
pub fn evaluate_year<'s>(
    scheme: &'s Scheme,
    year: i16,
    candidates: &[Candidate<'_>],
    own: &dyn Fn(u32) -> Option<&'s Scheme>,
) -> Vec<(Evaluation, Option<u8>)> {
    let evaluations: Vec<Evaluation> = candidates
        .iter()
        .map(|c| {
            let items = own(c.secretary).unwrap_or(scheme);
            evaluate(items, c.assessment, c.took_office, year)
        })
        .collect();
    let keys: Vec<Option<QuotaKey>> = evaluations.iter().map(QuotaKey::of).collect();
    let stars = quota_stars(scheme, keys.as_slice());
    evaluations.into_iter().zip(stars).collect()
}

/// The second half of [`rate_year_with`]: pay, consequences and star change against
/// `previous`, for `evaluated` as [`evaluate_year`] made it of `candidates`.
pub fn finish_year(
    scheme: &Scheme,
    candidates: &[Candidate<'_>],
    evaluated: Vec<(Evaluation, Option<u8>)>,
    previous: &(impl Previous + ?Sized),
) -> Vec<Rating> {
    candidates
        .iter()
        .zip(evaluated)
        .map(|(candidate, (evaluation, stars))| {
            finish(
                scheme,
                candidate.secretary,
                evaluation,
                stars,
                previous.past_of(candidate.secretary),
            )
        })
        .collect()
}

/// What the quotas (§3.9) look at of one secretary: the figures' rank (total, Q, M)
/// and the stars before quotas, for the rated (eligible, complete) only. A province
/// keeps one for each secretary: 16 bytes, the rank in hundredths (`Hundredths`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaKey {
    rank: [Hundredths; 3],
    stars: Option<u8>,
    eligible: bool,
}

/// A figure the quotas rank by, in hundredths of a point: the total and M are rounded
/// to two places (steps 6 and 8), Q adds item scores of at most one place (§5), and
/// every one of them lies within a few hundred thousand points, so each is held
/// exactly. (A figure that is not, which only an altered file could hold and
/// `xingji check` reports, is ranked as its nearest hundredth.)
///
/// A kept year's briefs hold their totals so (4 bytes where a `Decimal` takes 16).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hundredths(i32);

impl Hundredths {
    pub fn of(figure: Decimal) -> Hundredths {
        let exact = |d: Decimal| {
            let places = 2u32.checked_sub(d.scale())?;
            let value = d.mantissa().checked_mul(10i128.checked_pow(places)?)?;
            i32::try_from(value).ok()
        };
        let nearest = || {
            let d = round_half_up(figure, 2);
            exact(d).unwrap_or(if d.is_sign_negative() {
                i32::MIN
            } else {
                i32::MAX
            })
        };
        Hundredths(exact(figure).unwrap_or_else(nearest))
    }

    pub fn value(self) -> Decimal {
        Decimal::new(i64::from(self.0), 2)
    }

    /// The figure as a count of hundredths.
    pub fn raw(self) -> i32 {
        self.0
    }

    pub fn from_raw(hundredths: i32) -> Hundredths {
        Hundredths(hundredths)
    }
}

impl QuotaKey {
    pub fn of(evaluation: &Evaluation) -> Option<QuotaKey> {
        evaluation.figures().map(|f| QuotaKey {
            rank: [f.total, f.quantitative, f.mass].map(Hundredths::of),
            stars: f.stars,
            eligible: f.eligible,
        })
    }

    /// The key of figures kept in a rated year's line: rank (total, Q, M), stars
    /// before the quotas, eligible.
    pub fn kept(rank: (Decimal, Decimal, Decimal), stars: Option<u8>, eligible: bool) -> QuotaKey {
        let (total, quantitative, mass) = rank;
        QuotaKey {
            rank: [total, quantitative, mass].map(Hundredths::of),
            stars,
            eligible,
        }
    }

    pub fn rated(&self) -> bool {
        self.eligible
    }

    /// What the quotas rank by: total, Q, M.
    pub fn rank(&self) -> (Decimal, Decimal, Decimal) {
        let [total, quantitative, mass] = self.rank.map(Hundredths::value);
        (total, quantitative, mass)
    }

    /// The stars by the total alone, before the quotas.
    pub fn stars_before(&self) -> Option<u8> {
        self.stars
    }
}

/// Quota keys read one by one: a list of them, or a year's [`QuotaKeys`].
pub trait Keys {
    /// How many keys there are.
    fn count(&self) -> usize;
    fn key(&self, i: usize) -> Option<QuotaKey>;
}

impl Keys for [Option<QuotaKey>] {
    fn count(&self) -> usize {
        self.len()
    }

    fn key(&self, i: usize) -> Option<QuotaKey> {
        self[i]
    }
}

/// The quota keys of a year's entries, one each (None: incomplete): 8 bytes a key
/// while every figure lies within ±327.67 points (a year's do: a total is at most
/// 100 and the bonus), 16 once one does not (an altered file's).
#[derive(Clone, Debug)]
pub enum QuotaKeys {
    Narrow(Vec<u64>),
    Wide(Vec<Option<QuotaKey>>),
}

impl Default for QuotaKeys {
    fn default() -> QuotaKeys {
        QuotaKeys::Narrow(Vec::new())
    }
}

impl PartialEq for QuotaKeys {
    fn eq(&self, other: &QuotaKeys) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// A key in 53 bits: held (1), eligible (1), stars before the quotas (3, 7 for none),
/// then total, Q and M in hundredths (16 each); 0 is no key.
fn narrow(key: Option<QuotaKey>) -> Option<u64> {
    let Some(key) = key else {
        return Some(0);
    };
    let stars = match key.stars {
        Some(s) if s >= 7 => return None,
        Some(s) => s,
        None => 7,
    };
    let mut bits = (1u64 << 52) | (u64::from(key.eligible) << 51) | (u64::from(stars) << 48);
    for (k, figure) in key.rank.iter().enumerate() {
        let figure = i16::try_from(figure.0).ok()?;
        bits |= u64::from(figure as u16) << (32 - 16 * k);
    }
    Some(bits)
}

fn widen(bits: u64) -> Option<QuotaKey> {
    ((bits >> 52) & 1 == 1).then(|| {
        let figure = |k: usize| Hundredths(i32::from((bits >> (32 - 16 * k)) as u16 as i16));
        QuotaKey {
            rank: [figure(0), figure(1), figure(2)],
            stars: Some(((bits >> 48) & 7) as u8).filter(|s| *s != 7),
            eligible: (bits >> 51) & 1 == 1,
        }
    })
}

impl Keys for QuotaKeys {
    fn count(&self) -> usize {
        match self {
            QuotaKeys::Narrow(keys) => keys.len(),
            QuotaKeys::Wide(keys) => keys.len(),
        }
    }

    fn key(&self, i: usize) -> Option<QuotaKey> {
        match self {
            QuotaKeys::Narrow(keys) => widen(keys[i]),
            QuotaKeys::Wide(keys) => keys[i],
        }
    }
}

impl FromIterator<Option<QuotaKey>> for QuotaKeys {
    fn from_iter<I: IntoIterator<Item = Option<QuotaKey>>>(keys: I) -> QuotaKeys {
        let mut all = QuotaKeys::default();
        for key in keys {
            all.push(key);
        }
        all.shrink_to_fit();
        all
    }
}

impl QuotaKeys {
    pub fn with_capacity(room: usize) -> QuotaKeys {
        QuotaKeys::Narrow(Vec::with_capacity(room))
    }

    pub fn len(&self) -> usize {
        self.count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<QuotaKey> {
        self.key(i)
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<QuotaKey>> + '_ {
        (0..self.len()).map(|i| self.key(i))
    }

    fn wide(&mut self) -> &mut Vec<Option<QuotaKey>> {
        if let QuotaKeys::Narrow(keys) = self {
            let mut wide = Vec::with_capacity(keys.capacity());
            wide.extend(keys.iter().map(|bits| widen(*bits)));
            *self = QuotaKeys::Wide(wide);
        }
        match self {
            QuotaKeys::Wide(keys) => keys,
            QuotaKeys::Narrow(_) => unreachable!("made wide above"),
        }
    }

    pub fn push(&mut self, key: Option<QuotaKey>) {
        match (&mut *self, narrow(key)) {
            (QuotaKeys::Narrow(keys), Some(bits)) => keys.push(bits),
            _ => self.wide().push(key),
        }
    }

    pub fn set(&mut self, i: usize, key: Option<QuotaKey>) {
        match (&mut *self, narrow(key)) {
            (QuotaKeys::Narrow(keys), Some(bits)) => keys[i] = bits,
            _ => self.wide()[i] = key,
        }
    }

    pub fn insert(&mut self, i: usize, key: Option<QuotaKey>) {
        match (&mut *self, narrow(key)) {
            (QuotaKeys::Narrow(keys), Some(bits)) => keys.insert(i, bits),
            _ => self.wide().insert(i, key),
        }
    }

    pub fn clear(&mut self) {
        *self = QuotaKeys::default();
    }

    pub fn shrink_to_fit(&mut self) {
        match self {
            QuotaKeys::Narrow(keys) => keys.shrink_to_fit(),
            QuotaKeys::Wide(keys) => keys.shrink_to_fit(),
        }
    }
}

/// The stars after the district's quotas, one per key (None: incomplete or 未定星).
pub fn quota_stars(scheme: &Scheme, keys: &(impl Keys + ?Sized)) -> Vec<Option<u8>> {
    let mut stars: Vec<Option<u8>> = (0..keys.count())
        .map(|i| keys.key(i).and_then(|k| k.stars))
        .collect();
    let rated: Vec<usize> = (0..keys.count())
        .filter(|&i| keys.key(i).is_some_and(|k| k.eligible))
        .collect();
    let (five_limit, four_five_limit) = quota_limits(scheme, rated.len());
    let rank = |&a: &usize, &b: &usize| -> Ordering {
        let key = |k: Option<QuotaKey>| k.map(|k| k.rank);
        key(keys.key(b)).cmp(&key(keys.key(a)))
    };
    let same = |a: usize, b: usize| rank(&a, &b) == Ordering::Equal;

    let kept_five = {
        let mut five: Vec<usize> = rated
            .iter()
            .copied()
            .filter(|&i| stars[i] == Some(5))
            .collect();
        five.sort_by(rank);
        let kept = fitting(&five, five_limit, same);
        for &i in &five[kept..] {
            stars[i] = Some(4);
        }
        kept
    };
    let mut four: Vec<usize> = rated
        .iter()
        .copied()
        .filter(|&i| stars[i] == Some(4))
        .collect();
    four.sort_by(rank);
    let kept = fitting(&four, four_five_limit.saturating_sub(kept_five), same);
    for &i in &four[kept..] {
        stars[i] = Some(3);
    }
    stars
}

/// A place in [`Quotas`]: (5 stars before quotas, rank), best first; then the index.
type Place = (std::cmp::Reverse<(bool, [Hundredths; 3])>, usize);

/// The quota lines (§3.9) of a year kept current across saves: the rated secretaries
/// with 5 or 4 stars before the quotas in one ordered list, so that a save moves one
/// entry and finds the lines again by position, instead of sorting the district.
///
/// A 5-star total is at least the 5-star threshold and a 4-star one below it (every
/// township has the district's thresholds), so the 5s come first and what [`quota_stars`]
/// ranks for the fourth star (the 5s dropped, then the 4s) is the list after the first
/// line. The 5s are kept first by the key itself, whatever the thresholds.
#[derive(Clone, Debug, Default)]
pub struct Quotas {
    /// (5 stars before quotas, rank) best first, then the key's index.
    ranked: Vec<Place>,
    fives: usize,
    rated: usize,
}

impl Quotas {
    pub fn new(keys: &(impl Keys + ?Sized)) -> Quotas {
        let mut quotas = Quotas::default();
        for i in 0..keys.count() {
            let key = keys.key(i);
            if let Some(entry) = Quotas::entry(i, key) {
                quotas.ranked.push(entry);
            }
            quotas.count(key, 1);
        }
        quotas.ranked.sort_unstable();
        quotas
    }

    /// N: the rated secretaries.
    pub fn rated(&self) -> usize {
        self.rated
    }

    /// Key `i`'s place, when it is in the list (rated, 4 or 5 stars before quotas).
    fn entry(i: usize, key: Option<QuotaKey>) -> Option<Place> {
        let key = key.filter(|k| k.eligible)?;
        matches!(key.stars, Some(4 | 5))
            .then(|| (std::cmp::Reverse((key.stars == Some(5), key.rank)), i))
    }

    fn count(&mut self, key: Option<QuotaKey>, by: isize) {
        let Some(key) = key.filter(|k| k.eligible) else {
            return;
        };
        self.rated = self.rated.saturating_add_signed(by);
        if key.stars == Some(5) {
            self.fives = self.fives.saturating_add_signed(by);
        }
    }

    /// Key `i` changed from `old` to `new`.
    pub fn update(&mut self, i: usize, old: Option<QuotaKey>, new: Option<QuotaKey>) {
        if let Some(entry) = Quotas::entry(i, old)
            && let Ok(at) = self.ranked.binary_search(&entry)
        {
            self.ranked.remove(at);
        }
        self.count(old, -1);
        if let Some(entry) = Quotas::entry(i, new) {
            let at = self.ranked.binary_search(&entry).unwrap_or_else(|at| at);
            self.ranked.insert(at, entry);
        }
        self.count(new, 1);
    }

    /// Where the lines fall in the list: before them 5 stars, between them 4, after 3.
    pub fn lines(&self, scheme: &Scheme) -> (usize, usize) {
        let (five_limit, four_five_limit) = quota_limits(scheme, self.rated);
        let five = self.fit(0, self.fives, five_limit);
        let four = self.fit(
            five,
            self.ranked.len(),
            four_five_limit.saturating_sub(five),
        );
        (five, five + four)
    }

    /// How many of `ranked[from..to]` fit in `room` places, whole tie groups only (as
    /// [`fitting`]): the tie group of the first one left out is left out whole.
    fn fit(&self, from: usize, to: usize, room: usize) -> usize {
        let list = &self.ranked[from..to];
        match list.get(room) {
            None => list.len(),
            Some(out) => {
                let rank = (out.0).0;
                list[..room].partition_point(|e| (e.0).0 != rank)
            }
        }
    }

    /// The stars after the quotas of key `i`.
    pub fn stars(&self, scheme: &Scheme, i: usize, key: Option<QuotaKey>) -> Option<u8> {
        let Some(entry) = Quotas::entry(i, key) else {
            return key.and_then(|k| k.stars);
        };
        let (five, four) = self.lines(scheme);
        let at = self.ranked.binary_search(&entry).ok()?;
        Some(if at < five {
            5
        } else if at < four {
            4
        } else {
            3
        })
    }

    /// The keys whose stars may have moved when the lines went from `before` to `after`
    /// (one entry moved meanwhile): everyone from just above the higher of each pair of
    /// lines to just below the lower.
    pub fn around(&self, before: (usize, usize), after: (usize, usize)) -> Vec<usize> {
        let mut near = Vec::new();
        for (a, b) in [(before.0, after.0), (before.1, after.1)] {
            let from = a.min(b).saturating_sub(2);
            let to = (a.max(b) + 2).min(self.ranked.len());
            near.extend(self.ranked[from..to].iter().map(|e| e.1));
        }
        near
    }
}

/// How many of `ranked` (best first) fit in `room` places, whole tie groups only:
/// a tie group that straddles the line drops as a whole, and so does everyone below it.
fn fitting(ranked: &[usize], room: usize, same: impl Fn(usize, usize) -> bool) -> usize {
    let mut kept = 0;
    while kept < ranked.len() {
        let group = ranked[kept..]
            .iter()
            .take_while(|&&j| same(ranked[kept], j))
            .count();
        if kept + group > room {
            break;
        }
        kept += group;
    }
    kept
}

/// A rating from its evaluation and its stars after quotas: pay, consequence, change.
/// What follows from a complete assessment's stars after the quotas: low, the
/// consequence (§3.12) and the change from last year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Follows {
    pub low: bool,
    pub consequence: Option<Consequence>,
    pub change: Option<StarChange>,
}

impl Follows {
    pub fn of(
        scheme: &Scheme,
        outcome: Outcome,
        stars: Option<u8>,
        previous: Option<Past>,
    ) -> Follows {
        let c = scheme.consequences;
        let low = is_low(scheme, outcome, stars);
        let consequence = if low && previous.is_some_and(|p| p.low) {
            Some(Consequence::Replace)
        } else if low {
            Some(Consequence::Admonish)
        } else if stars.is_some_and(|s| s >= c.promote_min_stars) {
            Some(Consequence::Promote)
        } else {
            None
        };
        let change = stars.map(|now| match previous.and_then(|p| p.stars) {
            Some(before) => StarChange::Delta(now as i8 - before as i8),
            None => StarChange::New,
        });
        Follows {
            low,
            consequence,
            change,
        }
    }
}

pub fn finish(
    scheme: &Scheme,
    secretary: u32,
    evaluation: Evaluation,
    stars: Option<u8>,
    previous: Option<Past>,
) -> Rating {
    let Some(figures) = evaluation.figures() else {
        return Rating {
            evaluation,
            ..Rating::unrated(secretary)
        };
    };
    let quota_drop = match (figures.stars, stars) {
        (Some(from), Some(to)) if to < from => Some(QuotaDrop { from, to }),
        _ => None,
    };
    let failed = figures.outcome == Outcome::Fail;
    let mut coefficient = scheme.coefficient(stars);
    if failed {
        coefficient = coefficient.min(scheme.pay.fail_cap);
    }
    let pay = round_half_up(scheme.pay.base * coefficient, 0);
    let Follows {
        low,
        consequence,
        change,
    } = Follows::of(scheme, figures.outcome, stars, previous);
    Rating {
        secretary,
        evaluation,
        stars,
        quota_drop,
        coefficient: Some(coefficient),
        pay: Some(pay),
        low,
        consequence,
        change,
    }
}

#[cfg(test)]
mod tests;
