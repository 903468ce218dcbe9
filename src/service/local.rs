//! The service on a database this process opened itself: every read and write of
//! the program, with the role and stage checks, in one transaction each.

use std::path::Path;
use std::sync::Arc;

use super::check::{Checked, check_store};
use super::overview::Overview;
use super::protocol::{Request, Response};
use super::resident::{Rerated, Resident};
use super::rows::Focus;
use super::{
    Actor, AuditFilter, Clock, DistrictStep, Refusal, Result, SaveAssessment, TownshipStatus,
    YearBook, role_label, user_name, workflow,
};
use crate::domain::{
    AuditEntry, District, Office, Rectification, Role, Scope, Setting, YearRecord,
};
use crate::scoring::Pasts;
use crate::store::Store;

/// The roster: a kept year's, or read for a request.
pub(super) enum Roster {
    Kept(Arc<YearBook>),
    Read(Box<District>),
}

impl std::ops::Deref for Roster {
    type Target = District;

    fn deref(&self) -> &District {
        match self {
            Roster::Kept(book) => &book.district,
            Roster::Read(district) => district,
        }
    }
}

/// The service on a database this process opened itself: the store, the acting user
/// and the clock. The shared server runs one per connection, on the one store.
pub struct Local {
    pub(super) store: Arc<Store>,
    pub(super) actor: Actor,
    pub(super) clock: Clock,
    /// The rated years a server keeps between requests; None: each is read when asked
    /// (a single user's run keeps its year in the TUI itself).
    resident: Option<Arc<Resident>>,
    /// Serving the shared server's clients (not a large file's own screens): what one
    /// client may ask of it is bounded.
    shared: bool,
    /// Whose figures the last save moved in the kept year (for the server's notice).
    moved: std::cell::Cell<Option<(i16, Vec<u32>)>>,
    /// The last search of this client, narrowed while its query grows.
    finder: std::cell::RefCell<super::search::Finder>,
}

impl Local {
    /// The service of `user` on an open store; an unknown user is refused.
    pub fn for_user(store: Arc<Store>, user: &str) -> Result<Local> {
        let actor = Actor::resolve(&store, user)?;
        Ok(Local {
            store,
            actor,
            clock: Clock::System,
            resident: None,
            shared: false,
            moved: std::cell::Cell::new(None),
            finder: std::cell::RefCell::default(),
        })
    }

    /// [`Local::for_user`] reading its years from those the server keeps.
    pub fn served(store: Arc<Store>, resident: Arc<Resident>, user: &str) -> Result<Local> {
        let mut local = Local::for_user(store, user)?;
        local.resident = Some(resident);
        local.shared = true;
        Ok(local)
    }

    /// Keep the lines of the years kept, if saves dropped them
    /// ([`Resident::keep_lines`]): as a large file's screens close.
    pub(super) fn keep_lines(&self) {
        if let Some(resident) = &self.resident {
            resident.keep_lines(&self.store);
        }
    }

    /// [`Local::keep_lines`] for another thread: what a signal does before the process
    /// ends (the screens' own file).
    pub(super) fn line_keeper(&self) -> Option<impl Fn() + Send + Sync + 'static> {
        let resident = Arc::clone(self.resident.as_ref()?);
        let store = Arc::clone(&self.store);
        Some(move || resident.keep_lines(&store))
    }

    /// This service keeping its years as the server does (a large file's screens).
    pub(super) fn keeping(mut self) -> Local {
        self.resident = Some(Arc::default());
        self
    }

    /// A second service on the same store and kept years, for another thread (the
    /// screens read the year on one while the first screen shows).
    pub(super) fn another(&self) -> Result<Local> {
        let mut other = self.for_another_user(&self.actor.name)?;
        other.clock = self.clock;
        Ok(other)
    }

    /// The same store and kept years as another user (tests of who may do what).
    pub(super) fn for_another_user(&self, user: &str) -> Result<Local> {
        let mut other = Local::for_user(Arc::clone(&self.store), user)?;
        other.resident.clone_from(&self.resident);
        other.shared = self.shared;
        Ok(other)
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn today(&self) -> jiff::civil::Date {
        self.clock.today()
    }

    /// The years that have data, oldest first.
    pub fn years(&self) -> Result<Vec<i16>> {
        Ok(self.store.year_numbers()?)
    }

    /// The working year: the one asked for, else the newest year not yet approved in
    /// every township, else the current calendar year.
    pub fn working_year(&self, asked: Option<i16>) -> Result<i16> {
        if let Some(y) = asked {
            return Ok(y);
        }
        // The newest year that has data; else the year just ended (before July, its
        // assessment is still under way) or the current one.
        if let Some(y) = self.store.year_numbers()?.into_iter().next_back() {
            return Ok(y);
        }
        let now = jiff::ZonedDateTime::now();
        Ok(if now.month() < 7 {
            now.year() - 1
        } else {
            now.year()
        })
    }

    /// The district: townships, villages and secretaries (names and places are not
    /// secret between townships; records are).
    pub fn district(&self) -> Result<District> {
        Ok(self.store.district()?)
    }

    /// The township of this name, if this user may read its records.
    pub fn township_named(&self, name: &str) -> Result<u32> {
        let district = self.roster()?;
        let id = workflow::township_id(&district, name)?;
        if !self.actor.may_see(id) {
            return Err(Refusal::CannotSee {
                user: self.actor.name.clone(),
                township: name.trim().to_string(),
            });
        }
        Ok(id)
    }

    /// The roster as stored now: on a server, the one a kept year holds (current
    /// while nobody writes: a province's takes 60 MB and a moment to read), else read.
    pub(super) fn roster(&self) -> Result<Roster> {
        match self.resident.as_ref().and_then(|r| r.current(&self.store)) {
            Some(book) => Ok(Roster::Kept(book)),
            None => Ok(Roster::Read(Box::new(self.store.district()?))),
        }
    }

    /// The townships a step applies to: the one named, or all of the district.
    pub fn townships(&self, name: Option<&str>) -> Result<Vec<u32>> {
        let district = self.roster()?;
        match name {
            Some(n) => Ok(vec![workflow::township_id(&district, n)?]),
            // A township clerk's "all" is their own township.
            None => Ok(district
                .townships
                .iter()
                .map(|(id, _)| *id)
                .filter(|id| self.actor.may_see(*id))
                .collect()),
        }
    }

    /// A rated year as this user may see it (a township clerk: their township only).
    pub fn book(&self, year: i16) -> Result<YearBook> {
        match &self.resident {
            Some(resident) => resident.formed(&self.store, year, |b| b.seen_by(&self.actor)),
            None => Ok(YearBook::load(&self.store, year)?.visible_to(&self.actor)),
        }
    }

    /// Like [`Service::book`], or an empty year with the district's current scheme
    /// when the year has no data yet: its first saved field stores it.
    pub fn book_or_new(&self, year: i16) -> Result<YearBook> {
        Ok(Arc::unwrap_or_clone(self.or_new(year, Self::sent_book)?))
    }

    /// The book to read figures in (rows, a search, the progress): the kept year
    /// itself to a district user (no copy of a province), a township clerk's part of
    /// it to a clerk. Through a server it holds briefs, not forms and whole ratings:
    /// [`Local::sent_book`] sends those.
    fn shared_book(&self, year: i16) -> Result<Arc<YearBook>> {
        match &self.resident {
            // (A viewer sees the district as its admin does.)
            Some(_) if !matches!(self.actor.role, Role::Township(_)) => self.full_book(year),
            Some(resident) => Ok(Arc::new(
                resident.book(&self.store, year)?.seen_by(&self.actor),
            )),
            None => Ok(Arc::new(self.book(year)?)),
        }
    }

    /// The book as this user may see it, with its forms: to send, or to make a
    /// workbook of.
    fn sent_book(&self, year: i16) -> Result<Arc<YearBook>> {
        Ok(Arc::new(self.book(year)?))
    }

    /// The whole district's year with its forms, for a step that rates it all again
    /// (a publication).
    pub(crate) fn formed_book(&self, year: i16) -> Result<Arc<YearBook>> {
        match &self.resident {
            // Read whole, frozen figures and all (the kept year lets those go too).
            Some(_) => Ok(Arc::new(YearBook::load(&self.store, year)?)),
            None => self.full_book(year),
        }
    }

    /// A book `read` reads ([`Local::shared_book`], [`Local::sent_book`]), or an
    /// empty year ([`Local::book_or_new`]).
    fn or_new(
        &self,
        year: i16,
        read: impl Fn(&Self, i16) -> Result<Arc<YearBook>>,
    ) -> Result<Arc<YearBook>> {
        match read(self, year) {
            Err(Refusal::NoYear(_)) => {
                let new = YearBook::load_or_new(&self.store, year)?;
                // What travels from a server is cut as a year with data is.
                Ok(Arc::new(match &self.resident {
                    Some(_) => new.seen_by(&self.actor),
                    None => new.visible_to(&self.actor),
                }))
            }
            other => other,
        }
    }

    /// One township's part of a year ([`YearBook::part`]): what a client holds of a
    /// province at a time. A township the user may not see is refused.
    pub fn part(&self, year: i16, focus: Focus) -> Result<Arc<YearBook>> {
        // A year without data yet: an empty part of it (nothing kept to make whole).
        let (book, kept) = match self.full_book(year) {
            Err(Refusal::NoYear(_)) => (Arc::new(YearBook::load_or_new(&self.store, year)?), false),
            other => (other?, true),
        };
        let township = match focus {
            Focus::Township(t) => t,
            // Nor where a secretary of another township is.
            Focus::Secretary(s) => book
                .township_of(s)
                .filter(|t| self.actor.may_see(*t))
                .ok_or_else(|| Refusal::NotFound(format!("名册中没有编号为 {s} 的书记")))?,
        };
        if !self.actor.may_see(township) {
            let name = book.district.township(township).map(|t| t.name.to_string());
            return Err(Refusal::CannotSee {
                user: self.actor.name.clone(),
                township: name.unwrap_or_else(|| township.to_string()),
            });
        }
        let cut = |b: &YearBook| b.part(township, &self.actor);
        Ok(Arc::new(match &self.resident {
            // The kept year's, made whole with the township's forms from the file.
            Some(resident) if kept => resident.formed(&self.store, year, cut)?,
            _ => cut(&book),
        }))
    }

    /// The whole district's rated year, for the checks of a step (quotas and stages
    /// are district-wide, whoever asks).
    pub(crate) fn full_book(&self, year: i16) -> Result<Arc<YearBook>> {
        match &self.resident {
            Some(resident) => resident.book(&self.store, year),
            None => Ok(Arc::new(YearBook::load(&self.store, year)?)),
        }
    }

    /// Ratings of every year but `except`, for the star history.
    pub fn history(&self, except: i16) -> Result<Vec<(i16, Pasts)>> {
        self.history_with(except, None, None)
    }

    /// [`Local::history`] of one township's people (a part of the year), or all.
    pub fn history_in(&self, except: i16, township: Option<u32>) -> Result<Vec<(i16, Pasts)>> {
        self.history_with(except, None, township)
    }

    /// [`Local::history`] beside a book already read: the year before it comes from the
    /// book's own last year (rated once, at its load), not from rating it again.
    pub fn history_beside(&self, book: &YearBook) -> Result<Vec<(i16, Pasts)>> {
        self.history_with(book.year, Some(book), book.part_of())
    }

    fn history_with(
        &self,
        except: i16,
        beside: Option<&YearBook>,
        township: Option<u32>,
    ) -> Result<Vec<(i16, Pasts)>> {
        // A part of a year holds one township's roster: the older years are rated
        // with the district's (quotas are district-wide).
        let beside = beside.filter(|b| b.part_of().is_none());
        // The roster read below (or the server's kept year, current now) is the one
        // stored at this count: older years rated with it may be kept. A caller's book
        // may be older.
        let read_at = beside.is_none().then(|| self.store.changes());
        // A server has `except` kept: its last year is there, and its roster.
        let kept = match (&self.resident, beside) {
            (Some(_), None) => self.full_book(except).ok(),
            _ => None,
        };
        let beside = beside.or(kept.as_deref());
        let read;
        let district = match beside {
            Some(book) => &book.district,
            None => {
                read = self.roster()?;
                &read
            }
        };
        let seen = |id: u32| {
            let place = district.place(id).map(|(_, v)| v.township);
            township.is_none_or(|t| place == Some(t))
                && (self.actor.is_district() || place.is_some_and(|t| self.actor.may_see(t)))
        };
        // One township's people are looked up, not filtered out of a province.
        let ids: Option<Vec<u32>> = township.map(|t| match beside {
            Some(book) => book.roster_of(t).1.to_vec(),
            None => {
                let part = district.of_township(t);
                part.secretary_villages().map(|(id, _)| id).collect()
            }
        });
        let mut out = Vec::new();
        for y in self.years()? {
            if y == except {
                continue;
            }
            let kept_last = beside.filter(|b| y == b.year - 1 && !b.previous.is_empty());
            let older;
            let last: Pasts = match (kept_last, &ids) {
                (Some(book), Some(ids)) => ids
                    .iter()
                    .filter(|id| book.shows(**id))
                    .filter_map(|id| book.previous.get(id).map(|p| (*id, p)))
                    .collect(),
                (Some(book), None) => book
                    .previous
                    .iter()
                    .filter(|(id, _)| book.shows(*id))
                    .collect(),
                // Stars and "low" only: the year is not read whole (a server keeps
                // these while nobody writes).
                (None, ids) => {
                    older = match &self.resident {
                        Some(resident) => resident.past(&self.store, y, district, read_at)?,
                        None => {
                            Arc::new(super::book::past_year(&self.store, y, district, read_at)?)
                        }
                    };
                    match ids {
                        Some(ids) => ids
                            .iter()
                            .filter_map(|id| older.get(id).map(|p| (*id, p)))
                            .collect(),
                        None => (*older).clone(),
                    }
                }
            };
            out.push((y, last.iter().filter(|(id, _)| seen(*id)).collect()));
        }
        Ok(out)
    }

    /// Each visible township's progress through a year.
    pub fn statuses(&self, year: i16) -> Result<Vec<TownshipStatus>> {
        Ok(self.statuses_of(&*self.or_new(year, Self::shared_book)?))
    }

    /// The first screen's counts of a year as this user may see them, overdue
    /// rectifications counted on `today`.
    pub fn overview(&self, year: i16, today: jiff::civil::Date) -> Result<Overview> {
        let rectifications = self.rectifications(None)?;
        let shows = |t| self.actor.may_see(t);
        // A server counts in the year it keeps; a single user's run in its view.
        if let Some(resident) = &self.resident {
            match resident.overview(&self.store, year, &shows, &rectifications, today) {
                Err(Refusal::NoYear(_)) => {}
                other => return other,
            }
        }
        let book = self.book_or_new(year)?;
        Ok(Overview::with_statuses(
            &book,
            &shows,
            &rectifications,
            today,
        ))
    }

    /// Each visible township's progress in a book already read.
    pub fn statuses_of(&self, book: &YearBook) -> Vec<TownshipStatus> {
        self.actor.statuses(book)
    }

    /// Rectifications of one year, or of every year: (year, secretary, record), in
    /// year order; a township clerk gets their own township's.
    pub fn rectifications(&self, year: Option<i16>) -> Result<Vec<(i16, u32, Rectification)>> {
        let years = match year {
            Some(y) => vec![y],
            None => self.years()?,
        };
        let mut out = Vec::new();
        for y in years {
            out.extend(
                self.store
                    .rectifications(y)?
                    .into_iter()
                    .map(|(id, r)| (y, id, r)),
            );
        }
        // The roster is read only to leave out what this user may not see (a province's
        // roster takes a moment to read).
        if !out.is_empty() && !self.actor.is_district() {
            let district = self.roster()?;
            out.retain(|(_, id, _)| {
                let township = district.place(*id).map(|(_, v)| v.township);
                township.is_some_and(|t| self.actor.may_see(t))
            });
        }
        Ok(out)
    }

    /// These secretaries' names, villages and townships, as far as this user may see
    /// them.
    pub fn names(&self, ids: &[u32]) -> Result<Vec<super::Named>> {
        Ok(self
            .store
            .placed(ids)?
            .into_iter()
            .filter(|(_, _, v, _)| self.actor.may_see(v.township))
            .map(|(secretary, s, v, t)| super::Named {
                secretary,
                name: s.name.into(),
                village: v.name.into(),
                township: t.name.into(),
            })
            .collect())
    }

    /// The audit log as this user may read it, oldest first. Each entry about a
    /// secretary names their township (a client holding one township's part has no
    /// roster to find it in).
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let district = self.roster()?;
        Ok(self
            .store
            .audit_log()?
            .into_iter()
            .map(|mut e| {
                e.scope.township = e.township(&district);
                e
            })
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
    /// Through a server that keeps the year, the answer is what the save moved in it
    /// (this user's part); None: read the year again (or re-rate it, when it is yours).
    pub fn save_assessment(&self, save: SaveAssessment) -> Result<Option<Rerated>> {
        let year = save.year;
        // The screens check what is typed; a client of the server might not have.
        if let Some(problem) = super::check::places_problems(&save.after)
            .into_iter()
            .next()
        {
            return Err(Refusal::Invalid(problem));
        }
        // Two point reads, not the whole district: a save stays cheap at any size.
        let (township, name) = self
            .store
            .township_of(save.secretary)?
            .ok_or(Refusal::NoSecretary)?;
        let mut w = self.store.write(&self.actor.name)?;
        let record = w.year(year)?;
        self.actor
            .may_edit((township, &name), record.as_ref(), year)?;
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
        // The count of writes before this one: the kept year moves along only if it
        // was current then (docs/architecture.md §7, "The resident year").
        let before = self.store.changes();
        w.commit()?;
        let Some(resident) = &self.resident else {
            return Ok(None);
        };
        Ok(resident
            .saved(&self.store, before, year, save.secretary, save.after)
            .map(|rerated| {
                let moved = rerated.entries.iter().map(|e| e.secretary).collect();
                self.moved.set(Some((year, moved)));
                self.seen(rerated)
            }))
    }

    /// What this user may see of what a save moved.
    fn seen(&self, mut rerated: Rerated) -> Rerated {
        rerated
            .entries
            .retain(|e| self.may_see_secretary(e.secretary));
        rerated
    }

    /// May this user see a secretary's records? (A point read for a clerk; a
    /// secretary whose township cannot be read is not shown.)
    pub fn may_see_secretary(&self, secretary: u32) -> bool {
        self.actor.is_district()
            || self
                .store
                .township_of(secretary)
                .ok()
                .flatten()
                .is_some_and(|(t, _)| self.actor.may_see(t))
    }

    /// Search with this finder (a server keeps one per connection: each request is
    /// answered by a new `Local`).
    pub fn keep_finder(&self, finder: super::search::Finder) {
        *self.finder.borrow_mut() = finder;
    }

    /// The finder, with what the last search found.
    pub fn take_finder(&self) -> super::search::Finder {
        self.finder.take()
    }

    /// Whose figures the last save moved in the kept year, if it moved them there.
    pub fn take_moved(&self) -> Option<(i16, Vec<u32>)> {
        self.moved.take()
    }

    /// These secretaries' entries in the kept year, as far as this user may see them
    /// (after another user's save); None: read the year again.
    pub fn rerated(&self, year: i16, secretaries: &[u32]) -> Result<Option<Rerated>> {
        let Some(resident) = &self.resident else {
            return Ok(None);
        };
        // Only those this user may see are read and made whole.
        let seen: Vec<u32> = secretaries
            .iter()
            .copied()
            .filter(|id| self.may_see_secretary(*id))
            .collect();
        let rerated = resident.formed(&self.store, year, |book| Rerated {
            entries: seen
                .iter()
                .filter_map(|id| book.entry(*id).cloned())
                .collect(),
            rated: book.rated_count(),
        })?;
        Ok(Some(rerated))
    }

    /// The users and their roles (district admins only).
    pub fn users(&self) -> Result<Vec<(String, Role)>> {
        self.need_district(DistrictStep::ListUsers)?;
        Ok(self.store.users()?)
    }

    /// Add a user, or change a user's role (district admins only). Returns the role
    /// in words. The first user added to a file without users (where everyone is the
    /// district's) comes with whoever adds them, as a district admin: else the list
    /// would lock them out, or want an admin the adder could not be.
    pub fn put_user(&self, name: &str, role: Role) -> Result<String> {
        self.need_district(DistrictStep::ManageUsers)?;
        let name = user_name(name)?;
        let district = self.roster()?;
        let label = role_label(role, &district);
        let mut after = self.store.users()?;
        let adder = match after.is_empty() && name != self.actor.name {
            // The adder must be a name the list can hold (and `user remove` can name).
            true => Some(user_name(&self.actor.name).map_err(|_| {
                Refusal::Invalid(format!(
                    "此前没有用户名单,添加第一位用户时添加者也要登记为区管理员,\
                     但「{}」不能作为用户名(不能为空,也不能含空格)",
                    self.actor.name
                ))
            })?),
            false => None,
        };
        after.retain(|(n, _)| n != name);
        after.push((name.to_string(), role));
        if let Some(adder) = adder {
            after.push((adder.to_string(), Role::District));
        }
        keeps_an_admin(&after, name)?;
        let mut w = self.store.write(&self.actor.name)?;
        if let Some(adder) = adder {
            w.put_user(adder, Role::District)?;
            w.audit(
                "新增用户",
                "",
                &format!("{adder}:区管理员(添加第一位用户时)"),
            )?;
        }
        w.put_user(name, role)?;
        w.audit("新增用户", "", &format!("{name}:{label}"))?;
        w.commit()?;
        Ok(match adder {
            Some(adder) => format!("{label};此前没有用户名单,{adder} 已同时登记为区管理员"),
            None => label,
        })
    }

    /// Remove a user (district admins only; nobody removes themselves).
    pub fn remove_user(&self, name: &str) -> Result<()> {
        self.need_district(DistrictStep::ManageUsers)?;
        let name = user_name(name)?;
        if name == self.actor.name {
            return Err(Refusal::Invalid("不能删除自己".into()));
        }
        let mut after = self.store.users()?;
        after.retain(|(n, _)| n != name);
        keeps_an_admin(&after, name)?;
        let mut w = self.store.write(&self.actor.name)?;
        if !w.remove_user(name)? {
            return Err(Refusal::NotFound(format!("没有用户 {name}")));
        }
        w.audit("删除用户", name, "")?;
        Ok(w.commit()?)
    }

    /// The office's details every paper names (anyone may read them).
    pub fn office(&self) -> Result<Office> {
        Ok(self.store.office()?)
    }

    /// Set one of the office's details (district admins only); an empty value unsets
    /// it. Returns the change in words.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<String> {
        self.need_district(DistrictStep::Settings)?;
        let setting = Setting::parse(key).ok_or_else(|| {
            let keys: Vec<&str> = Setting::ALL.iter().map(|s| s.key()).collect();
            Refusal::Invalid(format!("没有设置项「{key}」;可设置:{}", keys.join("、")))
        })?;
        let value = setting.check(value).map_err(Refusal::Invalid)?;
        let before = self.store.office()?.get(setting).unwrap_or("").to_string();
        if before == value {
            return Ok(format!("{}未改变", setting.key()));
        }
        let mut w = self.store.write(&self.actor.name)?;
        w.put_setting(setting, &value)?;
        w.audit(&format!("修改设置{}", setting.key()), &before, &value)?;
        w.commit()?;
        Ok(if value.is_empty() {
            format!("已清除{}(文件中将留出空白,手工填写)", setting.key())
        } else {
            format!("已设置 {}:{value}", setting.key())
        })
    }

    /// A consistent copy of the database while others work (district admins only).
    pub fn backup(&self, to: &Path) -> Result<()> {
        self.need_district(DistrictStep::Backup)?;
        Ok(self.store.backup(to)?)
    }

    /// Is the acting user the district? The refusal says what they may not do.
    pub fn need_district(&self, step: DistrictStep) -> Result<()> {
        self.actor.need_district(step)
    }

    /// A consistent copy of the database, as bytes (a backup made through the server).
    pub fn backup_bytes(&self) -> Result<Vec<u8>> {
        self.need_district(DistrictStep::Backup)?;
        let dir = tempfile::tempdir().map_err(|e| Refusal::Storage(format!("无法备份:{e}")))?;
        let path = dir.path().join("backup.redb");
        self.store.backup(&path)?;
        std::fs::read(&path).map_err(|e| Refusal::Storage(format!("无法读取备份:{e}")))
    }

    /// The year's Excel report as this user may see it (a clerk: their township).
    pub fn workbook(&self, year: i16) -> Result<Vec<u8>> {
        let mut book = self.shared_book(year)?;
        if self.resident.is_some() {
            if self.shared {
                workbook_fits(year, book.people().len())?;
            }
            book = self.sent_book(year)?;
        }
        crate::exchange::xlsx::xlsx_bytes(&book)
            .map_err(|e| Refusal::Server(format!("生成 Excel 报表失败:{e}")))
    }

    /// Every table as JSON Lines, from one read transaction (district admins only).
    pub fn export_all(&self) -> Result<Vec<u8>> {
        self.need_district(DistrictStep::Export)?;
        let mut out = Vec::new();
        self.store.export_lines(&mut out)?;
        Ok(out)
    }

    /// The program's own checks of everything the file holds (district admins only).
    /// redb verified every page's checksum when the file was opened; this reads every
    /// record and checks that what refers to something finds it.
    pub fn check(&self) -> Result<Checked> {
        self.need_district(DistrictStep::Check)?;
        check_store(&self.store)
    }

    /// Answer one request: what the shared server does for each client.
    pub fn handle(&self, request: Request) -> Result<Response> {
        use Request as Q;
        use Response as A;
        Ok(match request {
            Q::Years => A::Years(self.years()?),
            Q::WorkingYear(y) => A::Year(self.working_year(y)?),
            Q::District => A::District(Box::new(self.district()?)),
            Q::TownshipNamed(name) => A::Id(self.township_named(&name)?),
            Q::Townships(name) => A::Ids(self.townships(name.as_deref())?),
            Q::Book(y) => A::Book(self.sent_book(y)?),
            Q::BookOrNew(y) => A::Book(self.or_new(y, Self::sent_book)?),
            Q::History(y, township) => A::History(self.history_in(y, township)?),
            Q::Statuses(y) => A::Statuses(self.statuses(y)?),
            Q::Overview(y, today, first) => {
                let o = self.overview(y, today)?;
                A::Overview(Box::new(match first {
                    Some(n) => o.first(n),
                    None => o,
                }))
            }
            Q::Rectifications(y) => A::Rectifications(self.rectifications(y)?),
            Q::AuditLog(filter) => A::Audit(self.audit_log(&filter)?),
            Q::Names(ids) => A::Names(self.names(&ids)?),
            Q::Save(save) => A::Saved(self.save_assessment(*save)?),
            Q::Rerated(y, ids) => A::Saved(self.rerated(y, &ids)?),
            Q::Part(y, focus) => A::Book(self.part(y, focus)?),
            Q::PartAndHistory(y, focus) => {
                let book = self.part(y, focus)?;
                let history = self.history_in(y, book.part_of())?;
                A::Part(Box::new((book, history)))
            }
            Q::Rows(y, window) => A::Rows(Box::new(self.shared_book(y)?.rows(&window))),
            Q::Search(y, query, keep) => {
                let book = self.shared_book(y)?;
                let mut finder = self.finder.borrow_mut();
                A::Hits(Box::new(book.search(&mut finder, &query, keep)))
            }
            Q::Users => A::Users(self.users()?),
            Q::PutUser(name, role) => A::Text(self.put_user(&name, role)?),
            Q::RemoveUser(name) => {
                self.remove_user(&name)?;
                A::Done
            }
            Q::Backup => A::Bytes(self.backup_bytes()?),
            Q::Workbook(y) => A::Bytes(self.workbook(y)?),
            Q::Office => A::Office(self.office()?),
            Q::SetSetting(key, value) => A::Text(self.set_setting(&key, &value)?),
            Q::Check => A::Checked(self.check()?),
            Q::ExportAll => A::Bytes(self.export_all()?),
            Q::SetItems(y, t, items) => A::Text(self.set_items(y, t, items)?),
            Q::SetScheme(y, text) => A::Text(self.set_scheme(y, &text)?),
            Q::NewYear(y, text) => A::Text(self.new_year(y, text.as_deref())?),
            Q::SchemeText => A::Text(self.scheme_text()?),
            Q::Submit(y, t) => A::Lines(self.submit(y, &t)?),
            Q::Publish(y, t, publication) => A::Lines(self.publish(y, &t, &publication)?),
            Q::Approve(y, t) => A::Lines(self.approve(y, &t)?),
            Q::Reopen(y, t, reason) => A::Lines(self.reopen(y, &t, &reason)?),
            Q::Object(y, s, text) => A::Text(self.object(y, s, &text)?),
            Q::Resolve(y, s, text) => A::Text(self.resolve(y, s, &text)?),
            Q::UpdateRectification(y, s, change) => {
                A::Text(self.update_rectification(y, s, &change)?)
            }
            Q::ImportRoster(file, table) => A::Roster(self.import_roster(&file, table)?),
            Q::ImportScores(file, table, y) => A::Scores(self.import_scores(&file, table, y)?),
            Q::Watch => return Err(Refusal::Server("Watch 只能由服务器处理".into())),
        })
    }
}

/// At most this many secretaries' Excel report is made by the shared server: a
/// workbook takes about 7 KB a secretary while it is made (3.4 GB for a province of
/// 500,000), which the server, and every user's session with it, must not risk.
const WORKBOOK_MAX: usize = 20_000;

/// Is a workbook of so many secretaries one the server makes? If not, the user is told
/// how to make it in a process of their own.
fn workbook_fits(year: i16, secretaries: usize) -> Result<()> {
    match secretaries <= WORKBOOK_MAX {
        true => Ok(()),
        false => Err(Refusal::Server(format!(
            "{secretaries} 名书记的 Excel 报表太大,共用服务器不生成(上限 {WORKBOOK_MAX} 名);\
             请在命令行运行 xingji report --year {year} --format xlsx --out 报表.xlsx"
        ))),
    }
}

/// Someone must be able to manage users, approve and back up: the users after a change
/// keep at least one district admin.
fn keeps_an_admin(after: &[(String, Role)], changed: &str) -> Result<()> {
    if after.iter().any(|(_, r)| *r == Role::District) {
        Ok(())
    } else {
        Err(Refusal::Invalid(format!(
            "不能这样改动 {changed}:至少要留一位区管理员;请先添加另一位(--role district)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_makes_a_districts_workbook_but_not_a_provinces() {
        assert!(workbook_fits(2025, 115).is_ok());
        assert!(workbook_fits(2025, WORKBOOK_MAX).is_ok());
        let refused = workbook_fits(2025, 500_000).unwrap_err().to_string();
        assert!(
            refused.contains("xingji report --year 2025 --format xlsx"),
            "{refused}"
        );
    }

    #[test]
    fn a_save_of_a_score_finer_than_a_tenth_is_refused_and_nothing_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        drop(crate::demo::open(&dir.path().join("d.redb"), "t").unwrap());
        let store = Arc::new(Store::open(&dir.path().join("d.redb")).unwrap());
        let local = Local::served(Arc::clone(&store), Arc::default(), "t").unwrap();
        let (secretary, before) = store.assessments(2025).unwrap().remove(0);
        let audit = store.audit_log().unwrap().len();
        for (item, value) in [("政治素质", "3.25"), ("政治素质", "100.5")] {
            let mut after = before.clone();
            after.items.insert(item, value.parse().unwrap());
            let save = SaveAssessment {
                year: 2025,
                secretary,
                before: Some(before.clone()),
                after,
                what: item.into(),
                change: (String::new(), value.into()),
            };
            let refused = local.save_assessment(save).unwrap_err().to_string();
            assert!(
                refused.contains(value) && refused.contains("一位小数"),
                "{refused}"
            );
        }
        let mut after = before.clone();
        after.bonus = "0.05".parse().unwrap();
        let save = SaveAssessment {
            year: 2025,
            secretary,
            before: Some(before.clone()),
            after,
            what: "加分".into(),
            change: (String::new(), "0.05".into()),
        };
        assert!(local.save_assessment(save).is_err());
        let stored = store.assessments(2025).unwrap().remove(0);
        assert_eq!(stored, (secretary, before));
        assert_eq!(store.audit_log().unwrap().len(), audit);
    }
}
