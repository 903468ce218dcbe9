//! One secretary's line of a year, as a book holds it: 16 bytes where a server keeps
//! the year in briefs (a province's half a million of them), the form and the whole
//! rating boxed beside it where a screen, a report or a client holds them.

use crate::domain::{Assessment, Consequence, Outcome};
use crate::scoring::{Follows, Frozen, Hundredths, Past, Rating, Scheme, StarChange};

/// One secretary's line of a year: who, the brief the lists, counts and quotas read,
/// and what is held whole of it. A book a screen, a report or a client holds has each
/// entry's form and whole rating; the year a server keeps holds only the brief (a
/// province's forms and whole ratings are two thirds of it), and makes whole what it
/// sends ([`super::YearBook::fill_forms`]).
#[derive(Clone, Debug)]
pub struct Entry {
    pub secretary: u32,
    /// The brief, packed ([`Packed`]), where no whole rating is held and it packs.
    brief: Packed,
    /// The form and the whole rating, where they are held (None: a brief alone).
    held: Option<Box<Held>>,
}

/// What an entry holds whole.
#[derive(Clone, Debug, Default)]
struct Held {
    form: Option<Assessment>,
    rating: Option<Whole>,
    /// The brief where no whole rating is held and it does not pack (a total past
    /// what 16 bits hold, a scheme's of several hundred points).
    brief: Option<Brief>,
}

impl Entry {
    /// An entry with its form (None: a kept year's, let go) and its rating.
    pub fn new(secretary: u32, form: Option<Assessment>, rating: Rated) -> Entry {
        let mut entry = Entry {
            secretary,
            brief: Packed::NONE,
            held: None,
        };
        entry.set_form(form);
        entry.set_rating(rating);
        entry
    }

    /// Does the entry hold its form and whole rating (not a kept year's brief)?
    pub fn is_whole(&self) -> bool {
        self.form_held() && self.whole().is_some()
    }

    /// Is the form here (not let go by a server's kept year)?
    pub fn form_held(&self) -> bool {
        self.held.as_ref().is_some_and(|h| h.form.is_some())
    }

    /// The assessment. A form let go reads as an empty one: nothing reads a kept
    /// year's forms but to send them, and those are filled first (the tests, built
    /// with debug assertions, stop at any read that was not).
    pub fn assessment(&self) -> &Assessment {
        static EMPTY: std::sync::OnceLock<Assessment> = std::sync::OnceLock::new();
        debug_assert!(
            self.form_held(),
            "the form of an entry a kept year let go was read"
        );
        self.held
            .as_ref()
            .and_then(|h| h.form.as_ref())
            .unwrap_or_else(|| EMPTY.get_or_init(Assessment::default))
    }

    /// The assessment, owned.
    pub fn to_assessment(&self) -> Assessment {
        self.assessment().clone()
    }

    /// Hold this form (None: let it go).
    pub fn set_form(&mut self, form: Option<Assessment>) {
        match (&mut self.held, form) {
            (Some(held), form) => held.form = form,
            (None, Some(form)) => {
                self.held = Some(Box::new(Held {
                    form: Some(form),
                    ..Held::default()
                }))
            }
            (None, None) => {}
        }
        self.settle();
    }

    /// The whole rating, and what it replaced, if held.
    pub fn whole(&self) -> Option<&Whole> {
        self.held.as_ref()?.rating.as_ref()
    }

    /// The whole rating, to change in place (the tests' files altered by hand).
    pub fn whole_mut(&mut self) -> Option<&mut Whole> {
        self.held.as_mut()?.rating.as_mut()
    }

    /// The whole rating. A brief reads as an unrated one: nothing reads a kept
    /// year's whole ratings but to send them, and those are made whole first (the
    /// tests, built with debug assertions, stop at any read that was not).
    pub fn rating(&self) -> &Rating {
        static UNRATED: std::sync::OnceLock<Rating> = std::sync::OnceLock::new();
        match self.whole() {
            Some(whole) => &whole.rating,
            None => {
                debug_assert!(false, "the whole rating of a kept year's entry was read");
                UNRATED.get_or_init(|| Rating::unrated(0))
            }
        }
    }

    /// The rating, owned: whole if held, else the brief.
    pub fn rated(&self) -> Rated {
        match self.whole() {
            Some(whole) => Rated::Whole(Box::new(whole.clone())),
            None => Rated::Brief(self.brief()),
        }
    }

    /// Rate the entry so; the answer is how it stood.
    pub fn replace_rating(&mut self, rating: Rated) -> Rated {
        let stood = match self.held.as_mut().and_then(|h| h.rating.take()) {
            Some(whole) => Rated::Whole(Box::new(whole)),
            None => Rated::Brief(self.brief()),
        };
        self.set_rating(rating);
        stood
    }

    /// Rate the entry so.
    pub fn set_rating(&mut self, rating: Rated) {
        match rating {
            Rated::Whole(whole) => {
                let held = self.held.get_or_insert_default();
                held.rating = Some(*whole);
                held.brief = None;
                self.brief = Packed::NONE;
            }
            Rated::Brief(brief) => {
                if let Some(held) = &mut self.held {
                    held.rating = None;
                    held.brief = None;
                }
                match Packed::of(&brief) {
                    Some(packed) => self.brief = packed,
                    None => {
                        self.brief = Packed::NONE;
                        self.held.get_or_insert_default().brief = Some(brief);
                    }
                }
            }
        }
        self.settle();
    }

    /// Hold the figures frozen at publication: their form, and their rating with what
    /// it replaced.
    pub fn set_frozen(&mut self, frozen: Frozen) {
        self.set_form(Some(frozen.assessment));
        self.set_rating(Rated::corrected(frozen.rating, frozen.replaced));
    }

    /// Let the form and the whole rating go, keeping the brief (what a server keeps).
    pub fn let_go(&mut self) {
        let brief = self.brief();
        self.set_form(None);
        self.set_rating(Rated::Brief(brief));
    }

    /// A box that holds nothing goes.
    fn settle(&mut self) {
        if self
            .held
            .as_ref()
            .is_some_and(|h| h.form.is_none() && h.rating.is_none() && h.brief.is_none())
        {
            self.held = None;
        }
    }

    /// What the lists, the counts and the quotas read, whole or brief.
    pub fn brief(&self) -> Brief {
        match self.held.as_deref() {
            Some(Held {
                rating: Some(whole),
                ..
            }) => Brief::of(&whole.rating),
            Some(Held {
                brief: Some(brief), ..
            }) => *brief,
            _ => self.brief.brief(),
        }
    }

    /// What stood before the publication that corrected it (更正公示), if any: held
    /// with the whole rating it corrected (a brief has none; made whole, it has).
    pub fn replaced(&self) -> Option<&Rating> {
        self.whole()?.replaced.as_deref()
    }

    pub fn stars(&self) -> Option<u8> {
        self.brief().stars
    }

    pub fn consequence(&self) -> Option<Consequence> {
        self.brief().consequence
    }

    /// The total, when complete: exact where the rating is whole (a file altered
    /// outside the program may hold a total finer than hundredths, which `check`
    /// reports); a brief's, to the hundredth.
    pub fn total(&self) -> Option<rust_decimal::Decimal> {
        match self.whole() {
            Some(whole) => whole.rating.evaluation.figures().map(|f| f.total),
            None => {
                let brief = self.brief();
                brief.complete.then(|| brief.total.value())
            }
        }
    }

    pub fn complete(&self) -> bool {
        self.brief().complete
    }

    /// Rated: eligible with a complete assessment (counted in N).
    pub fn counted(&self) -> bool {
        let brief = self.brief();
        brief.complete && brief.eligible
    }
}

/// An entry as it is sent: its form and whole rating with what that replaced beside it.
#[derive(serde::Serialize)]
struct EntryOut<'a> {
    secretary: u32,
    assessment: &'a Assessment,
    rating: &'a Rating,
    replaced: Option<&'a Rating>,
}

#[derive(serde::Deserialize)]
struct EntryIn {
    secretary: u32,
    assessment: Assessment,
    rating: Rating,
    replaced: Option<Rating>,
}

/// Sent whole; a form or a rating let go is never sent (an error, not an empty one).
impl serde::Serialize for Entry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(assessment) = self.held.as_ref().and_then(|h| h.form.as_ref()) else {
            return Err(serde::ser::Error::custom("表单未补全,不能发送"));
        };
        let Some(whole) = self.whole() else {
            return Err(serde::ser::Error::custom("评定结果未补全,不能发送"));
        };
        EntryOut {
            secretary: self.secretary,
            assessment,
            rating: &whole.rating,
            replaced: whole.replaced.as_deref(),
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Entry, D::Error> {
        let e = EntryIn::deserialize(deserializer)?;
        Ok(Entry::new(
            e.secretary,
            Some(e.assessment),
            Rated::corrected(e.rating, e.replaced),
        ))
    }
}

/// A rating as it is put into an entry or taken out: whole, or a kept year's brief.
#[derive(Clone, Debug, PartialEq)]
pub enum Rated {
    Whole(Box<Whole>),
    Brief(Brief),
}

/// A whole rating, and what it replaced where a correction (更正公示) published it
/// (boxed: almost none has one, and a rating inline would take 232 bytes more).
#[derive(Clone, Debug, PartialEq)]
pub struct Whole {
    pub rating: Rating,
    pub replaced: Option<Box<Rating>>,
}

impl Rated {
    pub fn whole(rating: Rating) -> Rated {
        Rated::corrected(rating, None)
    }

    /// A whole rating that replaced `replaced` (published figures a correction moved).
    pub fn corrected(rating: Rating, replaced: Option<Rating>) -> Rated {
        Rated::Whole(Box::new(Whole {
            rating,
            replaced: replaced.map(Box::new),
        }))
    }

    /// What the lists, the counts and the quotas read, whole or brief.
    pub fn brief(&self) -> Brief {
        match self {
            Rated::Whole(whole) => Brief::of(&whole.rating),
            Rated::Brief(brief) => *brief,
        }
    }
}

/// What the lists, the counts and the quotas read of a rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Brief {
    /// Complete: the assessment has figures.
    pub complete: bool,
    /// In post long enough to be rated (counted in N).
    pub eligible: bool,
    /// The total (zero when incomplete), in hundredths: a total is rounded to two
    /// places (§3, step 8), and a province keeps one for each secretary.
    pub total: Hundredths,
    pub outcome: Option<Outcome>,
    /// Final stars after the quotas.
    pub stars: Option<u8>,
    pub low: bool,
    pub consequence: Option<Consequence>,
    pub change: Option<StarChange>,
}

impl Brief {
    pub fn of(rating: &Rating) -> Brief {
        let figures = rating.evaluation.figures();
        Brief {
            complete: figures.is_some(),
            eligible: figures.is_some_and(|f| f.eligible),
            total: figures.map_or_else(Default::default, |f| Hundredths::of(f.total)),
            outcome: figures.map(|f| f.outcome),
            stars: rating.stars,
            low: rating.low,
            consequence: rating.consequence,
            change: rating.change,
        }
    }

    /// The brief once the quotas give it `stars`: what [`crate::scoring::finish`]
    /// makes of them.
    pub fn finished(self, scheme: &Scheme, stars: Option<u8>, previous: Option<Past>) -> Brief {
        let Some(outcome) = self.outcome.filter(|_| self.complete) else {
            return self;
        };
        let follows = Follows::of(scheme, outcome, stars, previous);
        Brief {
            stars,
            low: follows.low,
            consequence: follows.consequence,
            change: follows.change,
            ..self
        }
    }
}

/// A brief in 32 bits: the total in hundredths in the low 16 (±327.67 points, where
/// every scheme's totals lie), then a bit each for complete, eligible and low, and the
/// outcome, stars, consequence and star change numbered, 0 for none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Packed(u32);

const OUTCOME_AT: u32 = 19;
const STARS_AT: u32 = 22;
const CONSEQUENCE_AT: u32 = 25;
const CHANGE_AT: u32 = 27;
const CONSEQUENCES: [Consequence; 3] = [
    Consequence::Replace,
    Consequence::Admonish,
    Consequence::Promote,
];
/// The most a star change moves: five stars either way.
const MOST_CHANGE: i8 = 5;

impl Packed {
    /// Not a brief: none is packed (all its numbers none, its total zero).
    const NONE: Packed = Packed(0);

    /// The brief packed, or None when it does not fit.
    fn of(b: &Brief) -> Option<Packed> {
        let total = i16::try_from(b.total.raw()).ok()?;
        let outcome = match b.outcome {
            None => 0,
            Some(o) => Outcome::ALL.iter().position(|x| *x == o)? as u32 + 1,
        };
        let stars = match b.stars {
            None => 0,
            Some(n @ 0..=5) => u32::from(n) + 1,
            Some(_) => return None,
        };
        let consequence = match b.consequence {
            None => 0,
            Some(c) => CONSEQUENCES.iter().position(|x| *x == c)? as u32 + 1,
        };
        let change = match b.change {
            None => 0,
            Some(StarChange::New) => 1,
            Some(StarChange::Delta(d)) if (-MOST_CHANGE..=MOST_CHANGE).contains(&d) => {
                (d + MOST_CHANGE) as u32 + 2
            }
            Some(StarChange::Delta(_)) => return None,
        };
        Some(Packed(
            u32::from(total as u16)
                | u32::from(b.complete) << 16
                | u32::from(b.eligible) << 17
                | u32::from(b.low) << 18
                | outcome << OUTCOME_AT
                | stars << STARS_AT
                | consequence << CONSEQUENCE_AT
                | change << CHANGE_AT,
        ))
    }

    fn brief(self) -> Brief {
        let bits = |at: u32, width: u32| (self.0 >> at) & ((1 << width) - 1);
        let numbered = |n: u32| n.checked_sub(1).map(|n| n as usize);
        Brief {
            complete: bits(16, 1) == 1,
            eligible: bits(17, 1) == 1,
            total: Hundredths::from_raw(i32::from(self.0 as u16 as i16)),
            outcome: numbered(bits(OUTCOME_AT, 3)).and_then(|k| Outcome::ALL.get(k).copied()),
            stars: numbered(bits(STARS_AT, 3)).map(|n| n as u8),
            low: bits(18, 1) == 1,
            consequence: numbered(bits(CONSEQUENCE_AT, 2))
                .and_then(|k| CONSEQUENCES.get(k).copied()),
            change: match bits(CHANGE_AT, 4) {
                0 => None,
                1 => Some(StarChange::New),
                n => Some(StarChange::Delta(n as i8 - 2 - MOST_CHANGE)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn briefs() -> impl Strategy<Value = Brief> {
        (
            (any::<bool>(), any::<bool>(), any::<bool>()),
            prop_oneof![-40_000i32..40_000, any::<i32>()],
            proptest::option::of(0usize..4),
            proptest::option::of(0u8..8),
            proptest::option::of(0usize..3),
            proptest::option::of(prop_oneof![
                Just(None),
                (-7i8..8).prop_map(Some),
                any::<i8>().prop_map(Some)
            ]),
        )
            .prop_map(
                |((complete, eligible, low), total, outcome, stars, consequence, change)| Brief {
                    complete,
                    eligible,
                    total: Hundredths::from_raw(total),
                    outcome: outcome.map(|k| Outcome::ALL[k]),
                    stars,
                    low,
                    consequence: consequence.map(|k| CONSEQUENCES[k]),
                    change: change.map(|d| d.map_or(StarChange::New, StarChange::Delta)),
                },
            )
    }

    proptest! {
        /// Whatever a brief holds, an entry gives it back as it was put in: packed
        /// where it fits, boxed where it does not.
        #[test]
        fn a_brief_is_read_back_as_it_was_put_in(brief in briefs(), form in any::<bool>()) {
            let form = form.then(Assessment::default);
            let mut e = Entry::new(7, form.clone(), Rated::Brief(brief));
            prop_assert_eq!(e.brief(), brief);
            prop_assert_eq!(e.form_held(), form.is_some());
            prop_assert_eq!(e.replace_rating(Rated::Brief(brief)), Rated::Brief(brief));
            e.set_form(None);
            prop_assert_eq!(e.brief(), brief);
            // Nothing boxed but what does not pack.
            prop_assert_eq!(e.held.is_some(), Packed::of(&brief).is_none());
        }
    }

    #[test]
    fn an_entry_a_server_keeps_takes_16_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
    }

    #[test]
    fn a_whole_rating_let_go_leaves_its_brief() {
        let mut rating = Rating::unrated(3);
        rating.stars = Some(4);
        rating.change = Some(StarChange::Delta(-1));
        let mut e = Entry::new(3, Some(Assessment::default()), Rated::whole(rating.clone()));
        assert!(e.is_whole());
        assert_eq!(e.rating(), &rating);
        let brief = e.brief();
        e.let_go();
        assert!(!e.is_whole() && !e.form_held() && e.held.is_none());
        assert_eq!(e.brief(), brief);
        assert_eq!(e.stars(), Some(4));
    }
}
