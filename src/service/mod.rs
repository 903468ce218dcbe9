//! The one seam between the store and everything above it (docs/architecture.md §12).
//!
//! Every screen and every command reads and writes through a [`Service`]: the acting
//! user and the clock, over either the database file this process opened itself
//! ([`Local`]) or the shared server's socket (`remote.rs`). Roles and the year's stages
//! are checked in `Local` and nowhere else (the server runs one per connection), and a
//! refusal is a typed [`Refusal`] whose Chinese text lives in `refusal.rs`. Requests
//! and answers are plain owned values (`protocol.rs`).

mod book;
mod check;
mod entry;
pub mod fields;
mod import;
mod local;
mod overview;
pub mod protocol;
mod rated;
mod refusal;
mod remote;
mod resident;
mod restore;
pub mod rows;
mod schemes;
pub mod search;
pub mod workflow;

use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

pub use book::{YearBook, freeze_standing, summary_of};
pub use check::{Checked, check_store};
pub use entry::Entry;
pub use import::{RosterSummary, ScoresSummary};
pub use local::Local;
pub use overview::{BY_TOWNSHIP, Overview, TownshipStars};
pub use refusal::{DistrictStep, Refusal};
pub use remote::STARTING;
pub use resident::{Rerated, Resident, map_large_blocks};
pub use restore::{Restored, restore};
pub use schemes::{items_from, items_line};
pub use workflow::{Publication, RectifyChange, TownshipStatus, add_days, publicity_end};

use crate::domain::{
    Assessment, AuditEntry, District, Office, Rectification, Role, Stage, YearRecord,
};
use crate::exchange::Table;
use crate::scoring::Pasts;
use crate::store::{Store, StoreError};
use protocol::{Request, Response};
use remote::Remote;
pub use remote::Watched;

pub type Result<T> = std::result::Result<T, Refusal>;

/// Who is acting, and with which role (§7).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

    /// Is this the district? The refusal says what the user may not do.
    pub fn need_district(&self, step: DistrictStep) -> Result<()> {
        if self.is_district() {
            Ok(())
        } else {
            Err(Refusal::DistrictOnly {
                user: self.name.clone(),
                step,
            })
        }
    }

    /// Each township's progress in a book, those this actor may see.
    pub fn statuses(&self, book: &YearBook) -> Vec<TownshipStatus> {
        workflow::status(book)
            .into_iter()
            .filter(|s| self.may_see(s.township))
            .collect()
    }

    /// May this actor change the records of a township? (Not: is the year open.)
    /// (`name` is the township's, for the refusal.)
    pub(crate) fn may_change(&self, township: u32, name: &str) -> Result<()> {
        match self.role {
            Role::District => Ok(()),
            Role::Township(t) if t == township => Ok(()),
            Role::Township(_) => Err(Refusal::OtherTownship {
                user: self.name.clone(),
                township: name.to_string(),
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
    pub fn may_edit(
        &self,
        (township, name): (u32, &str),
        record: Option<&YearRecord>,
        year: i16,
    ) -> Result<()> {
        self.may_change(township, name)?;
        let name = name.to_string();
        let standing = record.is_some_and(|r| r.township(township).standing());
        match record.map_or(Stage::Entering, |r| r.stage(township)) {
            Stage::Approved => Err(Refusal::Approved {
                township: name,
                year,
            }),
            _ if standing => Err(Refusal::Published {
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
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditFilter {
    pub year: Option<i16>,
    pub township: Option<u32>,
    pub secretary: Option<u32>,
}

/// A secretary's name, village and township ([`Service::names`]).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Named {
    pub secretary: u32,
    pub name: String,
    pub village: String,
    pub township: String,
}

/// Every other year's stars by secretary, for the star history.
pub type History = Vec<(i16, Pasts)>;

/// The one way in for screens and commands: the acting user, the clock, and behind
/// them either the database file this process opened itself, or the shared server.
/// Every call is the same either way; only the constructor differs.
pub struct Service {
    backend: Backend,
    actor: Actor,
    clock: Clock,
}

enum Backend {
    Local(Local),
    /// A file this process opened, served as the server serves it: a large district's
    /// year is kept in briefs and the screens ask for what they show (a province's
    /// year held whole is most of a gigabyte).
    Kept(Screens),
    Remote(Remote),
}

/// From this many secretaries on, the screens of a file this process opens keep the
/// year as the server does ([`Service::for_screens`]).
pub const KEPT_FROM: u64 = 20_000;

/// A large file's own screens' service ([`Backend::Kept`]): as it closes, it leaves
/// the lines of the year it kept (if saves dropped them), so that the next start
/// reads them. (A server keeps them as each connection ends.)
struct Screens(Local);

impl Drop for Screens {
    fn drop(&mut self) {
        self.0.keep_lines();
    }
}

impl Service {
    /// What the screens' own large file does as they close ([`Screens`]), for a thread
    /// that ends the process without closing them (a hang-up, SIGTERM): keep the lines
    /// of the year kept. None for any other service (nothing to keep).
    pub fn line_keeper(&self) -> Option<Box<dyn Fn() + Send + Sync>> {
        match &self.backend {
            Backend::Kept(Screens(local)) => local
                .line_keeper()
                .map(|keep| Box::new(keep) as Box<dyn Fn() + Send + Sync>),
            _ => None,
        }
    }
}

/// Unpack the one answer a request can have.
macro_rules! answer {
    ($service:expr, $request:expr, $pattern:pat => $value:expr) => {
        match $service.call($request)? {
            $pattern => Ok($value),
            other => Err(Refusal::Server(format!("服务器的回答不对应请求:{other:?}"))),
        }
    };
}

impl Service {
    fn local(local: Local) -> Service {
        Service {
            actor: local.actor.clone(),
            clock: local.clock,
            backend: Backend::Local(local),
        }
    }

    /// The database file at `path`, for a Unix user; an unknown user is refused.
    pub fn open(path: &Path, user: &str) -> Result<Service> {
        Service::opened(Store::open(path)?, user)
    }

    /// [`Service::open`] for the screens: a province's file shows its first screen
    /// while its pages are checked ([`Store::open_to_show`]); the year and every
    /// write wait for the check.
    pub fn open_to_show(path: &Path, user: &str) -> Result<Service> {
        Service::opened(Store::open_to_show(path)?, user)
    }

    fn opened(store: Store, user: &str) -> Result<Service> {
        book::freeze_standing(&store)?;
        Ok(Service::local(Local::for_user(Arc::new(store), user)?))
    }

    /// This service as the screens use it: on a file this process opened with
    /// [`KEPT_FROM`] secretaries or more, the year is kept as the server keeps it, and
    /// the screens hold one township's part at a time.
    pub fn for_screens(self) -> Result<Service> {
        self.kept_from(KEPT_FROM)
    }

    /// [`Service::for_screens`] from `from` secretaries on.
    pub(crate) fn kept_from(self, from: u64) -> Result<Service> {
        match self.backend {
            Backend::Local(local) if local.store.secretary_count()? >= from => {
                Ok(Service::kept(local.keeping()))
            }
            backend => Ok(Service { backend, ..self }),
        }
    }

    /// A service keeping its years as the server does.
    fn kept(local: Local) -> Service {
        Service {
            actor: local.actor.clone(),
            clock: local.clock,
            backend: Backend::Kept(Screens(local)),
        }
    }

    /// A new database at `path`, made by `user` (its first district admin).
    pub fn create(path: &Path, scheme: &str, user: &str) -> Result<Service> {
        let store = Store::create_for(path, scheme, user)?;
        Ok(Service::local(Local::for_user(Arc::new(store), user)?))
    }

    /// A new database at `path` without users: whoever can open the file may do
    /// everything (the demo, a laptop of one's own).
    pub fn create_unguarded(path: &Path, scheme: &str, user: &str) -> Result<Service> {
        let store = Store::create(path, scheme)?;
        Ok(Service::local(Local::for_user(Arc::new(store), user)?))
    }

    /// A database in memory (tests), made by `user`.
    pub fn in_memory(scheme: &str, user: &str) -> Result<Service> {
        let store = Store::in_memory(scheme)?;
        Ok(Service::local(Local::for_user(Arc::new(store), user)?))
    }

    /// The shared server listening at `socket`. The user is who the kernel says the
    /// process runs as; nothing the client says about itself counts.
    pub fn connect(socket: &Path) -> Result<Service> {
        let (remote, actor) = Remote::connect(socket)?;
        Ok(Service {
            backend: Backend::Remote(remote),
            actor,
            clock: Clock::System,
        })
    }

    /// How long a request through the server waits for an ordinary answer before
    /// the user is told the server does not answer (a minute; tests shorten it).
    pub fn set_patience(&self, patience: std::time::Duration) {
        if let Backend::Remote(remote) = &self.backend {
            remote.set_patience(patience);
        }
    }

    /// A second connection to the same server as the same user, for a thread of its
    /// own (the TUI reads the year on one while the first screen shows). None on a
    /// file this process opened: its reading is done before the first screen.
    pub fn another(&self) -> Option<Result<Service>> {
        match &self.backend {
            Backend::Local(_) => None,
            Backend::Kept(Screens(local)) => Some(
                local
                    .another()
                    .map(|other| Service::kept(other).with_clock(self.clock)),
            ),
            Backend::Remote(remote) => Some(
                Service::connect(remote.socket()).map(|service| service.with_clock(self.clock)),
            ),
        }
    }

    /// The same database as another user (tests of who may do what; a local file).
    pub fn as_user(self, user: &str) -> Result<Service> {
        match self.backend {
            Backend::Local(local) => {
                let clock = self.clock;
                Ok(
                    Service::local(Local::for_user(Arc::clone(&local.store), user)?)
                        .with_clock(clock),
                )
            }
            Backend::Kept(Screens(ref local)) => {
                let clock = self.clock;
                Ok(Service::kept(local.for_another_user(user)?).with_clock(clock))
            }
            Backend::Remote(_) => Err(Refusal::Server("通过服务器时不能换用户".into())),
        }
    }

    /// The same service with another clock (tests; back-dated runs).
    pub fn with_clock(mut self, clock: Clock) -> Service {
        self.clock = clock;
        if let Backend::Local(local) | Backend::Kept(Screens(local)) = &mut self.backend {
            local.clock = clock;
        }
        self
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn today(&self) -> Date {
        self.clock.today()
    }

    /// Through the shared server?
    pub fn is_remote(&self) -> bool {
        matches!(self.backend, Backend::Remote(_))
    }

    fn call(&self, request: Request) -> Result<Response> {
        match &self.backend {
            Backend::Local(local) | Backend::Kept(Screens(local)) => local.handle(request),
            Backend::Remote(remote) => remote.call(request),
        }
    }

    /// A channel told of every change other users make, and of the server going away
    /// and coming back (through the server only).
    pub fn watch(&self) -> Option<std::sync::mpsc::Receiver<Watched>> {
        match &self.backend {
            Backend::Local(_) | Backend::Kept(_) => None,
            Backend::Remote(remote) => remote.watch().ok(),
        }
    }

    /// The years that have data, oldest first.
    pub fn years(&self) -> Result<Vec<i16>> {
        answer!(self, Request::Years, Response::Years(y) => y)
    }

    /// The working year: the one asked for, else the newest year that has data, else
    /// the year just ended (before July) or the current one.
    pub fn working_year(&self, asked: Option<i16>) -> Result<i16> {
        answer!(self, Request::WorkingYear(asked), Response::Year(y) => y)
    }

    /// The district: townships, villages and secretaries.
    pub fn district(&self) -> Result<District> {
        answer!(self, Request::District, Response::District(d) => *d)
    }

    /// The township of this name, if this user may read its records.
    pub fn township_named(&self, name: &str) -> Result<u32> {
        answer!(self, Request::TownshipNamed(name.to_string()), Response::Id(id) => id)
    }

    /// The townships a step applies to: the one named, or all of the district (a
    /// township clerk's: their own).
    pub fn townships(&self, name: Option<&str>) -> Result<Vec<u32>> {
        let request = Request::Townships(name.map(str::to_string));
        answer!(self, request, Response::Ids(ids) => ids)
    }

    /// A rated year as this user may see it (a township clerk: their township only).
    pub fn book(&self, year: i16) -> Result<YearBook> {
        answer!(self, Request::Book(year), Response::Book(b) => Arc::unwrap_or_clone(b))
    }

    /// Like [`Service::book`], or an empty year with the district's current scheme
    /// when the year has no data yet: its first saved field stores it.
    pub fn book_or_new(&self, year: i16) -> Result<YearBook> {
        answer!(self, Request::BookOrNew(year), Response::Book(b) => Arc::unwrap_or_clone(b))
    }

    /// The star history beside a book already read: locally, the year before it is the
    /// book's own last year instead of a second rating of it.
    pub fn history_beside(&self, book: &YearBook) -> Result<Vec<(i16, Pasts)>> {
        match &self.backend {
            Backend::Local(local) => local.history_beside(book),
            Backend::Kept(_) | Backend::Remote(_) => answer!(
                self,
                Request::History(book.year, book.part_of()),
                Response::History(h) => h
            ),
        }
    }

    /// Every year but `except` as a history shows it (complete, stars), by secretary.
    pub fn history(&self, except: i16) -> Result<Vec<(i16, Pasts)>> {
        answer!(self, Request::History(except, None), Response::History(h) => h)
    }

    /// Each visible township's progress through a year.
    pub fn statuses(&self, year: i16) -> Result<Vec<TownshipStatus>> {
        answer!(self, Request::Statuses(year), Response::Statuses(s) => s)
    }

    /// The first screen's counts of a year (a server counts them in the year it keeps).
    pub fn overview(&self, year: i16) -> Result<Overview> {
        answer!(self, Request::Overview(year, self.today(), None), Response::Overview(o) => *o)
    }

    /// [`Service::overview`] with only the first `n` townships' stars and progress
    /// (what a screen shows; the counts are the whole year's).
    pub fn overview_first(&self, year: i16, n: usize) -> Result<Overview> {
        answer!(self, Request::Overview(year, self.today(), Some(n)), Response::Overview(o) => *o)
    }

    /// Each visible township's progress in a book already read.
    pub fn statuses_of(&self, book: &YearBook) -> Vec<TownshipStatus> {
        // The townships the book was cut to, not this client's idea of the user: a
        // clerk moved to another township meanwhile gets the new one's year.
        workflow::status(book)
            .into_iter()
            .filter(|s| book.shows_township(s.township))
            .collect()
    }

    /// Rectifications of one year, or of every year: (year, secretary, record).
    pub fn rectifications(&self, year: Option<i16>) -> Result<Vec<(i16, u32, Rectification)>> {
        answer!(self, Request::Rectifications(year), Response::Rectifications(r) => r)
    }

    /// These secretaries' names, villages and townships, as far as this user may see
    /// them.
    pub fn names(&self, ids: &[u32]) -> Result<Vec<Named>> {
        answer!(self, Request::Names(ids.to_vec()), Response::Names(n) => n)
    }

    /// The audit log as this user may read it, oldest first.
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        answer!(self, Request::AuditLog(filter.clone()), Response::Audit(a) => a)
    }

    /// Save one field of an assessment, as typed on a screen. Through a server that
    /// keeps the year, the answer is what the save moved in it ([`Service::rerate`]).
    pub fn save_assessment(&self, save: SaveAssessment) -> Result<Option<Rerated>> {
        answer!(self, Request::Save(Box::new(save)), Response::Saved(r) => r)
    }

    /// These secretaries' entries in the year the server keeps, as far as this user
    /// may see them (a notice of another user's save named them); None: read the year
    /// again.
    pub fn rerated(&self, year: i16, secretaries: &[u32]) -> Result<Option<Rerated>> {
        answer!(self, Request::Rerated(year, secretaries.to_vec()), Response::Saved(r) => r)
    }

    /// One township's part of a year (every township's name and stage, that
    /// township's people and figures): through the server, what a district user's
    /// client holds of a province at a time.
    pub fn part(&self, year: i16, focus: rows::Focus) -> Result<YearBook> {
        answer!(self, Request::Part(year, focus), Response::Book(b) => Arc::unwrap_or_clone(b))
    }

    /// [`Service::part`] and the star history of its people, in one request (a client
    /// turning to another township waits for one answer, not two).
    pub fn part_and_history(&self, year: i16, focus: rows::Focus) -> Result<(YearBook, History)> {
        match &self.backend {
            Backend::Local(local) | Backend::Kept(Screens(local)) => {
                let book = Arc::unwrap_or_clone(local.part(year, focus)?);
                let history = local.history_in(year, book.part_of())?;
                Ok((book, history))
            }
            Backend::Remote(_) => answer!(
                self,
                Request::PartAndHistory(year, focus),
                Response::Part(p) => {
                    let (book, history) = *p;
                    (Arc::unwrap_or_clone(book), history)
                }
            ),
        }
    }

    /// A window of the list or the pool of `book`'s year. A file this process opened
    /// answers from the book itself; through the server, the server answers from the
    /// year it keeps, and only the window travels.
    pub fn rows(&self, book: &YearBook, window: &rows::Window) -> Result<rows::Rows> {
        match &self.backend {
            Backend::Local(_) => Ok(book.rows(window)),
            Backend::Kept(_) | Backend::Remote(_) => {
                answer!(self, Request::Rows(book.year, *window), Response::Rows(r) => *r)
            }
        }
    }

    /// The best `keep` matches of a search among the people of `book`'s year. A file
    /// this process opened searches the book with the caller's `finder`; through the
    /// server, the server searches the year it keeps (and narrows as the query grows).
    pub fn search(
        &self,
        book: &YearBook,
        finder: &mut search::Finder,
        query: &str,
        keep: usize,
    ) -> Result<rows::Hits> {
        match &self.backend {
            Backend::Local(_) => Ok(book.search(finder, query, keep)),
            Backend::Kept(_) | Backend::Remote(_) => answer!(
                self,
                Request::Search(book.year, query.to_string(), keep),
                Response::Hits(h) => *h
            ),
        }
    }

    /// Is the database file opened by this process (not through the server)?
    pub fn is_local(&self) -> bool {
        matches!(self.backend, Backend::Local(_))
    }

    /// After a saved field: the book rated again. Locally the one assessment is put
    /// in and the year re-rated; through the server the book takes what the save
    /// moved in the server's year (`rerated`), or, without it, is read again (a
    /// clerk's client never holds the other townships' assessments that the quotas
    /// need).
    pub fn rerate(
        &self,
        book: &mut YearBook,
        secretary: u32,
        assessment: Assessment,
        rerated: Option<Rerated>,
    ) -> Result<()> {
        match (&self.backend, rerated) {
            (Backend::Local(_), _) => {
                book.replace(secretary, assessment);
                Ok(())
            }
            (Backend::Kept(_) | Backend::Remote(_), Some(rerated)) => {
                book.take_rerated(rerated);
                Ok(())
            }
            (Backend::Kept(_) | Backend::Remote(_), None) => {
                // A part of the year is read again as the part it is.
                *book = match book.part_of() {
                    Some(t) => self.part(book.year, rows::Focus::Township(t))?,
                    None => self.book_or_new(book.year)?,
                };
                Ok(())
            }
        }
    }

    /// The office's details every paper names.
    pub fn office(&self) -> Result<Office> {
        answer!(self, Request::Office, Response::Office(o) => o)
    }

    /// Set one of the office's details (district admins only); the change in words.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<String> {
        answer!(self, Request::SetSetting(key.to_string(), value.to_string()), Response::Text(t) => t)
    }

    /// The users and their roles (district admins only).
    pub fn users(&self) -> Result<Vec<(String, Role)>> {
        answer!(self, Request::Users, Response::Users(u) => u)
    }

    /// Add a user, or change a user's role (district admins only); the role in words.
    pub fn put_user(&self, name: &str, role: Role) -> Result<String> {
        answer!(self, Request::PutUser(name.to_string(), role), Response::Text(t) => t)
    }

    /// Remove a user (district admins only; nobody removes themselves).
    pub fn remove_user(&self, name: &str) -> Result<()> {
        answer!(self, Request::RemoveUser(name.to_string()), Response::Done => ())
    }

    /// A consistent copy of the database while others work (district admins only),
    /// written to `to` (never over an existing file; 0600).
    pub fn backup(&self, to: &Path) -> Result<()> {
        match &self.backend {
            Backend::Local(local) | Backend::Kept(Screens(local)) => local.backup(to),
            Backend::Remote(_) => {
                let bytes = answer!(self, Request::Backup, Response::Bytes(b) => b)?;
                crate::exchange::output::write_output(to, false, Path::new(""), &bytes)
                    .map_err(|e| Refusal::Invalid(e.to_string()))
            }
        }
    }

    /// A township's own items for a year (district only; before it submits).
    pub fn set_items(
        &self,
        year: i16,
        township: u32,
        items: Vec<(String, rust_decimal::Decimal)>,
    ) -> Result<String> {
        answer!(self, Request::SetItems(year, township, items), Response::Text(t) => t)
    }

    /// Replace a year's scheme, or without a year the district's current one.
    pub fn set_scheme(&self, year: Option<i16>, text: &str) -> Result<String> {
        answer!(self, Request::SetScheme(year, text.to_string()), Response::Text(t) => t)
    }

    /// Start a year explicitly, with a scheme or the district's current one.
    pub fn new_year(&self, year: i16, scheme: Option<&str>) -> Result<String> {
        let request = Request::NewYear(year, scheme.map(str::to_string));
        answer!(self, request, Response::Text(t) => t)
    }

    /// The district's current scheme (TOML text).
    pub fn scheme_text(&self) -> Result<String> {
        answer!(self, Request::SchemeText, Response::Text(t) => t)
    }

    /// Every table as JSON Lines (district admins only): `xingji export --all`.
    pub fn export_all(&self) -> Result<Vec<u8>> {
        answer!(self, Request::ExportAll, Response::Bytes(b) => b)
    }

    /// The year's Excel report as this user may see it, made where the year is kept:
    /// by the server, or here from the file.
    pub fn workbook(&self, year: i16) -> Result<Vec<u8>> {
        answer!(self, Request::Workbook(year), Response::Bytes(b) => b)
    }

    /// The program's own checks of the whole database (district admins only).
    pub fn check(&self) -> Result<Checked> {
        match &self.backend {
            Backend::Local(local) | Backend::Kept(Screens(local)) => local.check(),
            Backend::Remote(_) => answer!(self, Request::Check, Response::Checked(c) => c),
        }
    }

    /// 录入 → 已提交.
    pub fn submit(&self, year: i16, townships: &[u32]) -> Result<Vec<String>> {
        answer!(self, Request::Submit(year, townships.to_vec()), Response::Lines(l) => l)
    }

    /// 已提交 → 公示: the figures are frozen. Refused with [`Refusal::Confirm`] while the
    /// publication would move figures other townships published and
    /// `publication.confirm` is not set.
    pub fn publish(
        &self,
        year: i16,
        townships: &[u32],
        publication: &Publication,
    ) -> Result<Vec<String>> {
        let request = Request::Publish(year, townships.to_vec(), publication.clone());
        answer!(self, request, Response::Lines(l) => l)
    }

    /// 公示 → 已审定 (district only).
    pub fn approve(&self, year: i16, townships: &[u32]) -> Result<Vec<String>> {
        answer!(self, Request::Approve(year, townships.to_vec()), Response::Lines(l) => l)
    }

    /// Back to 录入, by the district only, with a reason.
    pub fn reopen(&self, year: i16, townships: &[u32], reason: &str) -> Result<Vec<String>> {
        let request = Request::Reopen(year, townships.to_vec(), reason.to_string());
        answer!(self, request, Response::Lines(l) => l)
    }

    /// Record an objection to a secretary's result during publicity.
    pub fn object(&self, year: i16, secretary: u32, text: &str) -> Result<String> {
        let request = Request::Object(year, secretary, text.to_string());
        answer!(self, request, Response::Text(t) => t)
    }

    /// Settle the open objections about a secretary.
    pub fn resolve(&self, year: i16, secretary: u32, resolution: &str) -> Result<String> {
        let request = Request::Resolve(year, secretary, resolution.to_string());
        answer!(self, request, Response::Text(t) => t)
    }

    /// Update a rectification: measures, done, or (district) undo a completion.
    pub fn update_rectification(
        &self,
        year: i16,
        secretary: u32,
        change: &RectifyChange,
    ) -> Result<String> {
        let request = Request::UpdateRectification(year, secretary, change.clone());
        answer!(self, request, Response::Text(t) => t)
    }

    /// The roster import of a table read from `file`: one transaction.
    pub fn import_roster(&self, file: &str, table: Table) -> Result<RosterSummary> {
        answer!(self, Request::ImportRoster(file.to_string(), table), Response::Roster(r) => r)
    }

    /// The scores import of a table read from `file`: one transaction.
    pub fn import_scores(&self, file: &str, table: Table, year: i16) -> Result<ScoresSummary> {
        let request = Request::ImportScores(file.to_string(), table, year);
        answer!(self, request, Response::Scores(s) => s)
    }

    /// Is the acting user the district? The refusal says what they may not do.
    pub fn need_district(&self, step: DistrictStep) -> Result<()> {
        self.actor.need_district(step)
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
        Refusal::Storage(e.to_string())
    }
}
