//! The one seam between the store and everything above it (docs/architecture.md §12).
//!
//! Every screen and every command reads and writes through a [`Service`]: the store,
//! the acting user and the clock. Roles and the year's stages are checked here and
//! nowhere else, and a refusal is a typed [`Refusal`] whose Chinese text lives in
//! `refusal.rs`. Requests and answers are plain owned values (no borrow into the
//! service's memory), so that a remote implementation over a socket can stand behind
//! the same calls.

mod book;
mod import;
mod refusal;
pub mod workflow;

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;

pub use book::{Entry, YearBook, summary_of};
pub use import::{RosterSummary, ScoresSummary};
pub use refusal::{DistrictStep, Refusal};
pub use workflow::{TownshipStatus, add_days, publicity_end};

use crate::domain::{
    Assessment, AuditEntry, District, Rectification, Role, Scope, Stage, YearRecord,
};
use crate::scoring::Rating;
use crate::store::{Store, StoreError};

pub type Result<T> = std::result::Result<T, Refusal>;

/// Who is acting, and with which role (§7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

impl Actor {
    /// The actor for a Unix user. A database without users (made before roles, or a
    /// laptop's own) lets its owner do everything; otherwise unknown users are refused.
    fn resolve(store: &Store, name: &str) -> Result<Actor> {
        let users = store.users()?;
        if users.is_empty() {
            return Ok(Actor {
                name: name.to_string(),
                role: Role::District,
            });
        }
        users
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(n, role)| Actor { name: n, role })
            .ok_or_else(|| Refusal::UnknownUser(name.to_string()))
    }

    pub fn is_district(&self) -> bool {
        self.role == Role::District
    }

    /// May this actor change the records of a township? (Not: is the year open.)
    pub(crate) fn may_change(&self, township: u32, district: &District) -> Result<()> {
        let name = || {
            district
                .township(township)
                .map_or_else(String::new, |t| t.name.clone())
        };
        match self.role {
            Role::District => Ok(()),
            Role::Township(t) if t == township => Ok(()),
            Role::Township(_) => Err(Refusal::OtherTownship {
                user: self.name.clone(),
                township: name(),
            }),
            Role::Viewer => Err(Refusal::ReadOnly(self.name.clone())),
        }
    }

    /// May this actor see a township's records?
    pub fn may_see(&self, township: u32) -> bool {
        !matches!(self.role, Role::Township(t) if t != township)
    }

    /// May this actor read an audit entry? One about a township (or a secretary of it)
    /// follows [`Actor::may_see`]. One about no township (users, the roster, an entry
    /// written without a scope) is shown to a township clerk only when it is their own:
    /// it may tell of any township.
    fn may_see_entry(&self, entry: &AuditEntry, district: &District) -> bool {
        match (entry.township(district), self.role) {
            (Some(t), _) => self.may_see(t),
            (None, Role::Township(_)) => entry.user == self.name,
            (None, _) => true,
        }
    }

    /// Change a township's assessments in a year: the role allows it and the year is open.
    fn may_edit(
        &self,
        township: u32,
        district: &District,
        record: Option<&YearRecord>,
        year: i16,
    ) -> Result<()> {
        self.may_change(township, district)?;
        let name = district
            .township(township)
            .map_or_else(String::new, |t| t.name.clone());
        match record.map_or(Stage::Entering, |r| r.stage(township)) {
            Stage::Approved => Err(Refusal::Approved {
                township: name,
                year,
            }),
            // Once submitted, the township's results are the district's to change.
            stage @ (Stage::Submitted | Stage::Publicity) if !self.is_district() => {
                Err(Refusal::HandedIn {
                    township: name,
                    year,
                    stage,
                })
            }
            _ => Ok(()),
        }
    }
}

/// Where "today" comes from: the calendar, `XINGJI_TODAY` (back-dated entry), or a
/// date a test sets.
#[derive(Clone, Copy, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(Date),
}

impl Clock {
    pub fn today(self) -> Date {
        match self {
            Clock::Fixed(d) => d,
            Clock::System => std::env::var("XINGJI_TODAY")
                .ok()
                .and_then(|t| crate::domain::parse_date(&t).ok())
                .unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
        }
    }
}

/// One field of one assessment saved from a screen. `before` is the assessment the
/// screen showed: if the stored one differs, somebody else saved meanwhile.
#[derive(Clone, Debug, PartialEq)]
pub struct SaveAssessment {
    pub year: i16,
    pub secretary: u32,
    pub before: Option<Assessment>,
    pub after: Assessment,
    /// The audit line: what, and the field's text before and after.
    pub what: String,
    pub change: (String, String),
}

/// Which audit entries to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub year: Option<i16>,
    pub township: Option<u32>,
    pub secretary: Option<u32>,
}

/// The store, the acting user and the clock: the one way in for screens and commands.
pub struct Service {
    store: Store,
    actor: Actor,
    clock: Clock,
}

impl Service {
    fn on(store: Store, user: &str) -> Result<Service> {
        let actor = Actor::resolve(&store, user)?;
        Ok(Service {
            store,
            actor,
            clock: Clock::System,
        })
    }

    /// The database file at `path`, for a Unix user; an unknown user is refused.
    pub fn open(path: &Path, user: &str) -> Result<Service> {
        Service::on(Store::open(path)?, user)
    }

    /// A new database at `path`, made by `user` (its first district admin).
    pub fn create(path: &Path, scheme: &str, user: &str) -> Result<Service> {
        Service::on(Store::create_for(path, scheme, user)?, user)
    }

    /// A new database at `path` without users: whoever can open the file may do
    /// everything (the demo, a laptop of one's own).
    pub fn create_unguarded(path: &Path, scheme: &str, user: &str) -> Result<Service> {
        Service::on(Store::create(path, scheme)?, user)
    }

    /// A database in memory (tests), made by `user`.
    pub fn in_memory(scheme: &str, user: &str) -> Result<Service> {
        let store = Store::in_memory(scheme)?;
        Service::on(store, user)
    }

    /// The same database as another user (tests of who may do what).
    pub fn as_user(self, user: &str) -> Result<Service> {
        let clock = self.clock;
        Ok(Service::on(self.store, user)?.with_clock(clock))
    }

    /// The same service with another clock (tests; back-dated runs).
    pub fn with_clock(mut self, clock: Clock) -> Service {
        self.clock = clock;
        self
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn today(&self) -> Date {
        self.clock.today()
    }

    /// The years that have data, oldest first.
    pub fn years(&self) -> Result<Vec<i16>> {
        Ok(self.store.years()?.into_iter().map(|(y, _)| y).collect())
    }

    /// The working year: the one asked for, else the newest year not yet approved in
    /// every township, else the current calendar year.
    pub fn working_year(&self, asked: Option<i16>) -> Result<i16> {
        if let Some(y) = asked {
            return Ok(y);
        }
        let townships = self.store.district()?.townships;
        let open = self.store.years()?.into_iter().rev().find(|(_, r)| {
            townships.is_empty()
                || townships
                    .iter()
                    .any(|(id, _)| r.stage(*id) != Stage::Approved)
        });
        Ok(match open {
            Some((y, _)) => y,
            None => jiff::ZonedDateTime::now().year(),
        })
    }

    /// The district: townships, villages and secretaries (names and places are not
    /// secret between townships; records are).
    pub fn district(&self) -> Result<District> {
        Ok(self.store.district()?)
    }

    /// The township of this name, if this user may read its records.
    pub fn township_named(&self, name: &str) -> Result<u32> {
        let district = self.store.district()?;
        let id = workflow::township_id(&district, name)?;
        if !self.actor.may_see(id) {
            return Err(Refusal::CannotSee {
                user: self.actor.name.clone(),
                township: name.trim().to_string(),
            });
        }
        Ok(id)
    }

    /// The townships a step applies to: the one named, or all of the district.
    pub fn townships(&self, name: Option<&str>) -> Result<Vec<u32>> {
        let district = self.store.district()?;
        match name {
            Some(n) => Ok(vec![workflow::township_id(&district, n)?]),
            None => Ok(district.townships.iter().map(|(id, _)| *id).collect()),
        }
    }

    /// A rated year as this user may see it (a township clerk: their township only).
    pub fn book(&self, year: i16) -> Result<YearBook> {
        Ok(YearBook::load(&self.store, year)?.visible_to(&self.actor))
    }

    /// Like [`Service::book`], or an empty year with the district's current scheme
    /// when the year has no data yet: its first saved field stores it.
    pub fn book_or_new(&self, year: i16) -> Result<YearBook> {
        Ok(YearBook::load_or_new(&self.store, year)?.visible_to(&self.actor))
    }

    /// The whole district's rated year, for the checks of a step (quotas and stages
    /// are district-wide, whoever asks).
    pub(crate) fn full_book(&self, year: i16) -> Result<YearBook> {
        YearBook::load(&self.store, year)
    }

    /// Ratings of every year but `except`, for the star history.
    pub fn history(&self, except: i16) -> Result<Vec<(i16, HashMap<u32, Rating>)>> {
        let mut out = Vec::new();
        for y in self.years()? {
            if y != except {
                let other = self.book(y)?;
                let ratings = other
                    .entries
                    .into_iter()
                    .map(|e| (e.secretary, e.rating))
                    .collect();
                out.push((y, ratings));
            }
        }
        Ok(out)
    }

    /// Each visible township's progress through a year.
    pub fn statuses(&self, year: i16) -> Result<Vec<TownshipStatus>> {
        Ok(self.statuses_of(&self.book_or_new(year)?))
    }

    /// Each visible township's progress in a book already read.
    pub fn statuses_of(&self, book: &YearBook) -> Vec<TownshipStatus> {
        workflow::status(book)
            .into_iter()
            .filter(|s| self.actor.may_see(s.township))
            .collect()
    }

    /// Rectifications of one year, or of every year: (year, secretary, record), in
    /// year order; a township clerk gets their own township's.
    pub fn rectifications(&self, year: Option<i16>) -> Result<Vec<(i16, u32, Rectification)>> {
        let years = match year {
            Some(y) => vec![y],
            None => self.years()?,
        };
        let district = self.store.district()?;
        let mut out = Vec::new();
        for y in years {
            for (id, r) in self.store.rectifications(y)? {
                let township = district.place(id).map(|(_, v)| v.township);
                if township.is_some_and(|t| self.actor.may_see(t)) {
                    out.push((y, id, r));
                }
            }
        }
        Ok(out)
    }

    /// The audit log as this user may read it, oldest first.
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let district = self.store.district()?;
        Ok(self
            .store
            .audit_log()?
            .into_iter()
            .filter(|e| self.actor.may_see_entry(e, &district))
            .filter(|e| filter.year.is_none_or(|y| e.scope.year == Some(y)))
            .filter(|e| {
                filter
                    .township
                    .is_none_or(|t| e.township(&district) == Some(t))
            })
            .filter(|e| {
                filter
                    .secretary
                    .is_none_or(|s| e.scope.secretary == Some(s))
            })
            .collect())
    }

    /// Save one field of an assessment, as typed on a screen. The role, the year's
    /// stage and the version are checked inside the write, against what is stored.
    pub fn save_assessment(&self, save: SaveAssessment) -> Result<()> {
        let year = save.year;
        let district = self.store.district()?;
        let township = district
            .place(save.secretary)
            .map(|(_, v)| v.township)
            .ok_or(Refusal::NoSecretary)?;
        let mut w = self.store.write(&self.actor.name)?;
        let record = w.year(year)?;
        self.actor
            .may_edit(township, &district, record.as_ref(), year)?;
        if w.assessment(year, save.secretary)? != save.before {
            return Err(Refusal::Conflict);
        }
        if record.is_none() {
            w.put_year(year, &YearRecord::new(self.store.scheme_text()?))?;
        }
        w.put_assessment(year, save.secretary, &save.after)?;
        let scope = Scope {
            year: Some(year),
            township: Some(township),
            secretary: Some(save.secretary),
        };
        w.audit_in(scope, &save.what, &save.change.0, &save.change.1)?;
        Ok(w.commit()?)
    }

    /// The users and their roles (district admins only).
    pub fn users(&self) -> Result<Vec<(String, Role)>> {
        self.need_district(DistrictStep::ListUsers)?;
        Ok(self.store.users()?)
    }

    /// Add a user, or change a user's role (district admins only). Returns the role
    /// in words.
    pub fn put_user(&self, name: &str, role: Role) -> Result<String> {
        self.need_district(DistrictStep::ManageUsers)?;
        let name = user_name(name)?;
        let district = self.store.district()?;
        let label = role_label(role, &district);
        let mut w = self.store.write(&self.actor.name)?;
        w.put_user(name, role)?;
        w.audit("新增用户", "", &format!("{name}:{label}"))?;
        w.commit()?;
        Ok(label)
    }

    /// Remove a user (district admins only; nobody removes themselves).
    pub fn remove_user(&self, name: &str) -> Result<()> {
        self.need_district(DistrictStep::ManageUsers)?;
        let name = user_name(name)?;
        if name == self.actor.name {
            return Err(Refusal::Invalid("不能删除自己".into()));
        }
        let mut w = self.store.write(&self.actor.name)?;
        if !w.remove_user(name)? {
            return Err(Refusal::NotFound(format!("没有用户 {name}")));
        }
        w.audit("删除用户", name, "")?;
        Ok(w.commit()?)
    }

    /// A consistent copy of the database while others work (district admins only).
    pub fn backup(&self, to: &Path) -> Result<()> {
        self.need_district(DistrictStep::Backup)?;
        Ok(self.store.backup(to)?)
    }

    /// Is the acting user the district? The refusal says what they may not do.
    pub fn need_district(&self, step: DistrictStep) -> Result<()> {
        if self.actor.is_district() {
            Ok(())
        } else {
            Err(Refusal::DistrictOnly {
                user: self.actor.name.clone(),
                step,
            })
        }
    }
}

fn user_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(Refusal::Invalid("用户名不能为空,也不能含空格".into()));
    }
    Ok(name)
}

/// A role in words: 区管理员, 乡镇录入员(神头镇), 只读.
pub fn role_label(role: Role, district: &District) -> String {
    match role {
        Role::District => "区管理员".to_string(),
        Role::Township(t) => format!(
            "乡镇录入员({})",
            district.township(t).map_or("?", |t| t.name.as_str())
        ),
        Role::Viewer => "只读".to_string(),
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Store(e)
    }
}
