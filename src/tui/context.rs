//! What every screen shares: the service, the working year as it was last read, the
//! terminal's size and theme, today, and the status line. Screens read it in their
//! views and change it only in `update` (saving a field, carrying out a step).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::fields::Field;
use super::keys::Step;
use super::theme::Theme;
use crate::domain::{Assessment, Rectification, Role, Stage};
use crate::service::rows::{Focus, Hits};
use crate::service::search::{Finder, SearchIndex};
use crate::service::{
    History, Overview, Refusal, SaveAssessment, Service, TownshipStatus, YearBook,
};

/// Why a field was not saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotSaved {
    /// The value itself is wrong: it can be corrected.
    Invalid(String),
    /// The service refused the change for now (the server away, say): typed again
    /// later, it may be saved.
    Refused(String),
    /// This user may not change this record now (their role, a year handed in or
    /// approved): no retry saves it.
    Locked(String),
    /// Somebody else saved the record since this user began typing: the year is read
    /// again and the new value shows.
    Conflict(String),
}

impl NotSaved {
    pub fn text(&self) -> &str {
        match self {
            NotSaved::Invalid(t)
            | NotSaved::Refused(t)
            | NotSaved::Locked(t)
            | NotSaved::Conflict(t) => t,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

pub struct Context {
    pub service: Service,
    pub theme: Theme,
    /// The working year, rated; a township clerk's holds their own township.
    pub book: YearBook,
    /// Ratings of the other years, for the star history.
    pub history: History,
    /// The search index of the year's people, on a file this process opened: made on
    /// the second core after each reading of the year (a province's pinyin takes most
    /// of a second), taken by [`Context::index`]. Through the server, the server
    /// searches.
    index: SearchIndex,
    indexing: Option<std::thread::JoinHandle<SearchIndex>>,
    /// Every visible township (id, name) in the official order, while the client
    /// holds one township's part of the year ([`Context::parted`]); the book's own
    /// otherwise.
    townships: Vec<(u32, String)>,
    /// Each visible township's progress through the year; empty while the client
    /// holds a part of it ([`Context::parted`]: the overview asks the server).
    pub statuses: Vec<TownshipStatus>,
    /// Every visible rectification: (year, secretary, record).
    pub rectifications: Vec<(i16, u32, Rectification)>,
    /// The rectified secretaries' names, villages and townships, asked of the server
    /// while the client holds one township's part (it holds only that township's),
    /// once the rectifications were shown; kept when another township is held.
    names: HashMap<u32, crate::service::Named>,
    pub size: (u16, u16),
    /// Today, read in `update` (views do no I/O).
    pub today: jiff::civil::Date,
    pub status: Option<Status>,
    /// Text an editor left unsaved (its save refused), or a prompt left with Esc,
    /// offered again when the same editor or prompt (the same step) opens.
    draft: Option<(Step, String)>,
    /// Counts every change of the data above, so that screens know when to derive
    /// their rows again.
    pub generation: u64,
    /// Where exports are written: the folder the program was started in.
    pub out_dir: PathBuf,
    pub quit: bool,
    /// A question the last step raised (a publication that moves others' figures):
    /// the popup that ran the step asks it next.
    pub follow_up: Option<crate::tui::keys::Ask>,
    /// Through the server, the first screen's counts, shown while the year itself is
    /// still on its way ([`Context::start`]); None once it is here.
    pub first_overview: Option<Overview>,
    /// The reading of the year that [`Context::start`] began, for the main loop to
    /// wait on.
    pub loader: Option<std::thread::JoinHandle<Result<Loaded, Refusal>>>,
    /// Why the program ends without the user asking (the year could not be read).
    pub fatal: Option<String>,
    /// The server has gone away (its watching connection broke) and is not back yet.
    pub offline: bool,
    /// While a part of the year is held: a save of another township's secretary may
    /// have moved the district's progress, which the workflow reads again before it
    /// shows or acts ([`Context::read_statuses`]).
    pub statuses_stale: bool,
}

/// The year read on the side while the first screen shows ([`Context::start`]).
pub struct Loaded {
    book: YearBook,
    history: History,
    /// Each township's progress, when the counts came too late for the first screen.
    statuses: Option<Vec<TownshipStatus>>,
}

/// How many townships' stars and progress the overview shows (its tallest screen's):
/// a province's tens of thousands travel once, with the first screen.
pub const FIRST_SHOWN: usize = crate::service::BY_TOWNSHIP;

/// How long the first screen waits for the year's counts before it shows without them
/// (they then come with the year): where a province's counts are not kept, they wait
/// for its year to be scored, seconds in which Ctrl-C must act.
const COUNTS_WAIT: std::time::Duration = std::time::Duration::from_millis(150);

impl Context {
    pub fn new(service: Service, year: i16, theme: Theme) -> Result<Context, Refusal> {
        let book = service.book_or_new(year)?;
        let history = service.history_beside(&book)?;
        let mut ctx = Context::holding(service, theme, book, history);
        ctx.derive();
        Ok(ctx)
    }

    /// A context holding `book` (nothing derived from it yet).
    fn holding(service: Service, theme: Theme, book: YearBook, history: History) -> Context {
        let today = service.today();
        Context {
            service,
            theme,
            book,
            history,
            index: SearchIndex::new(),
            indexing: None,
            townships: Vec::new(),
            statuses: Vec::new(),
            rectifications: Vec::new(),
            names: HashMap::new(),
            size: (80, 24),
            today,
            status: None,
            draft: None,
            generation: 0,
            out_dir: PathBuf::from("."),
            quit: false,
            follow_up: None,
            first_overview: None,
            loader: None,
            fatal: None,
            offline: false,
            statuses_stale: false,
        }
    }

    /// Like [`Context::new`], but through the server the first screen needs only the
    /// year's counts: they are asked for first, and the year itself is read on a
    /// second connection meanwhile ([`Context::loader`], then [`Context::loaded`]).
    /// A province's year takes seconds to arrive; its overview, milliseconds.
    pub fn start(service: Service, year: i16, theme: Theme) -> Result<Context, Refusal> {
        Context::start_waiting(service, year, theme, COUNTS_WAIT)
    }

    /// [`Context::start`], the first screen waiting `wait` for the counts (zero: not
    /// at all).
    pub(super) fn start_waiting(
        service: Service,
        year: i16,
        theme: Theme,
        wait: std::time::Duration,
    ) -> Result<Context, Refusal> {
        // No second connection (the server full) or no thread to be had: the whole
        // year first, as without a server.
        let Some(Ok(other)) = service.another() else {
            return Context::new(service, year, theme);
        };
        let (tell, told) = std::sync::mpsc::channel();
        let read = move || {
            // The counts first: a province's year sent meanwhile would take both cores
            // from them.
            let overview = other.overview(year);
            // A district user's client holds one township's part of the year at a
            // time (a province is a gigabyte): the first township's. A clerk's year
            // is their township's.
            let first = overview
                .as_ref()
                .ok()
                .and_then(|o| o.statuses.first())
                .map(|s| s.township);
            // The progress goes with the counts; if they came too late to be taken,
            // with the year (a province's is megabytes: never held twice).
            let statuses = match tell.send(overview) {
                Ok(()) => None,
                Err(std::sync::mpsc::SendError(overview)) => overview.ok().map(|o| o.statuses),
            };
            let loaded = first_read(&other, year, first)?;
            Ok(Loaded { statuses, ..loaded })
        };
        let Ok(loader) = std::thread::Builder::new().spawn(read) else {
            return Context::new(service, year, theme);
        };
        let mut ctx = Context::holding(service, theme, YearBook::waiting(year)?, Vec::new());
        // Counts that take longer (a year to score first) come with the year; the
        // screen says so meanwhile.
        let told = match wait.is_zero() {
            true => None,
            false => told.recv_timeout(wait).ok(),
        };
        let mut overview = match told {
            Some(overview) => overview?,
            None => Overview {
                year,
                ..Overview::default()
            },
        };
        // The first screen shows the first townships; the context holds them all.
        let statuses = std::mem::take(&mut overview.statuses);
        overview.statuses = statuses.iter().take(FIRST_SHOWN).cloned().collect();
        ctx.hold_statuses(statuses);
        ctx.first_overview = Some(overview);
        ctx.loader = Some(loader);
        ctx.info(format!("正在读取 {year} 年度的数据……按键在读完后执行"));
        Ok(ctx)
    }

    /// Is the year still on its way ([`Context::start`])? Keys wait meanwhile.
    pub fn loading(&self) -> bool {
        self.first_overview.is_some()
    }

    /// The year [`Context::start`] read has arrived (or could not be read: then it
    /// is read here and now; if that fails too, the program ends with the reason
    /// rather than show an empty year).
    pub fn loaded(&mut self, loaded: Result<Loaded, Refusal>) {
        self.first_overview = None;
        self.status = None;
        let first = self.statuses.first().map(|s| s.township);
        let loaded = loaded.or_else(|_| first_read(&self.service, self.year(), first));
        match loaded {
            Ok(Loaded {
                book,
                history,
                statuses,
            }) => {
                if let Some(statuses) = statuses {
                    self.hold_statuses(statuses);
                }
                self.book = book;
                self.history = history;
                if self.statuses.is_empty() {
                    // Counts sent too late to be taken, and not given back.
                    self.read_statuses();
                }
                self.derive();
            }
            Err(e) => {
                self.fatal = Some(format!("读取 {} 年度的数据失败:{e}", self.year()));
                self.quit = true;
            }
        }
    }

    pub fn year(&self) -> i16 {
        self.book.year
    }

    /// Does this client hold one township's part of a year that shows more (a district
    /// user's, through the server)? Then the district's counts, progress and lists
    /// come from the server, and a screen of another township reads its part first
    /// ([`Context::focus`]).
    pub fn parted(&self) -> bool {
        self.book.part_of().is_some() && !matches!(self.service.actor().role, Role::Township(_))
    }

    /// Hold the part of the year a screen is about to show: a township's, or a
    /// secretary's township's. False (with the reason on the status line) when it
    /// cannot be read. A whole year holds every part already.
    pub fn focus(&mut self, focus: Focus) -> bool {
        let held = match focus {
            Focus::Township(t) => self.book.part_of() == Some(t),
            Focus::Secretary(s) => self.book.district.secretary(s).is_some(),
        };
        if !self.parted() || held {
            return true;
        }
        let read = self.service.part_and_history(self.year(), focus);
        // (The rectifications do not change with the township held.)
        self.hold(read, false)
    }

    /// While a part of the year is held: every township's progress through the year,
    /// as the server counts it (the workflow opens; a part counts one township).
    pub fn read_statuses(&mut self) {
        if !self.parted() {
            return;
        }
        match self.service.statuses(self.year()) {
            Ok(statuses) => {
                self.hold_statuses(statuses);
                self.generation += 1;
            }
            Err(e) => self.error(format!("读取各乡镇进度失败:{e}")),
        }
    }

    /// Every township's progress as the server counts it, and the townships with it.
    fn hold_statuses(&mut self, statuses: Vec<TownshipStatus>) {
        // A file this process opened has the townships in its roster (a province's
        // names are not held twice).
        if !self.service.is_local() {
            self.townships = townships_of(&statuses);
        }
        self.statuses = statuses;
        self.statuses_stale = false;
    }

    /// The townships that have not submitted yet (the quotas wait for all of them).
    pub fn waiting(&self) -> Vec<String> {
        match self.parted() {
            true => self
                .statuses
                .iter()
                .filter(|s| s.stage == Stage::Entering)
                .map(|s| s.name.clone())
                .collect(),
            false => crate::service::workflow::waiting(&self.book),
        }
    }

    /// Hold a book just read and the star history beside it (`rectifications`: and
    /// read those again); false (with the reason on the status line) when they could
    /// not be read.
    fn hold(&mut self, read: Result<(YearBook, History), Refusal>, rectifications: bool) -> bool {
        match read {
            Ok((book, history)) => {
                self.book = book;
                self.history = history;
                match rectifications {
                    true => self.derive(),
                    false => self.derive_book(),
                }
                true
            }
            Err(e) => {
                self.error(format!("读取数据失败:{e}"));
                false
            }
        }
    }

    /// What follows from the book: the index, the progress, the rectifications.
    fn derive(&mut self) {
        self.rectifications = self.service.rectifications(None).unwrap_or_default();
        // Once shown, the rectifications stay named (a new one is named now).
        if !self.names.is_empty() {
            self.name_rectified();
        }
        self.derive_book();
    }

    /// Read the rectifications again, and name their secretaries (the rectifications
    /// screen opens).
    pub fn read_rectifications(&mut self) {
        self.rectifications = self.service.rectifications(None).unwrap_or_default();
        self.name_rectified();
        self.generation += 1;
    }

    /// While a part of the year is held, ask the server for the rectified secretaries
    /// not named yet: all of them, not only those of other townships, so that they stay
    /// named whichever township is held next.
    fn name_rectified(&mut self) {
        if !self.parted() {
            return;
        }
        let mut missing: Vec<u32> = self
            .rectifications
            .iter()
            .map(|(_, s, _)| *s)
            .filter(|s| !self.names.contains_key(s))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if missing.is_empty() {
            return;
        }
        let named = self.service.names(&missing).unwrap_or_default();
        self.names
            .extend(named.into_iter().map(|n| (n.secretary, n)));
    }

    /// Keep the text an editor or a prompt for `step` did not save.
    pub fn keep_draft(&mut self, step: Step, text: String) {
        self.draft = Some((step, text));
    }

    /// The unsaved text of the editor or prompt for `step`, once.
    pub fn take_draft(&mut self, step: Step) -> Option<String> {
        match &self.draft {
            Some((kept, _)) if *kept == step => self.draft.take().map(|(_, text)| text),
            _ => None,
        }
    }

    /// May this user change the secretary's assessment now? The reason why not.
    pub fn may_edit(&self, secretary: u32) -> Result<(), String> {
        let Some((t, v)) = self.book.district.place(secretary) else {
            return Ok(());
        };
        self.service
            .actor()
            .may_edit((v.township, &t.name), Some(&self.book.record), self.year())
            .map_err(|e| e.to_string())
    }

    /// A secretary's name: from the book, or among the rectified ones it does not hold.
    pub fn name_of(&self, secretary: u32) -> String {
        match (
            self.book.district.secretary(secretary),
            self.names.get(&secretary),
        ) {
            (Some(s), _) => s.name.to_string(),
            (None, Some(named)) => named.name.clone(),
            (None, None) => String::new(),
        }
    }

    /// A secretary's township and village names, as [`Context::name_of`].
    pub fn place_names(&self, secretary: u32) -> (String, String) {
        match (
            self.book.district.place(secretary),
            self.names.get(&secretary),
        ) {
            (Some((t, v)), _) => (t.name.to_string(), v.name.to_string()),
            (None, Some(named)) => (named.township.clone(), named.village.clone()),
            (None, None) => (String::new(), String::new()),
        }
    }

    /// What follows from the book but the rectifications (which another township's part
    /// does not change): the index and the progress.
    fn derive_book(&mut self) {
        // The index of the year as read before (still being made, perhaps).
        let before = std::mem::take(self.index());
        let book = &self.book;
        // The pinyin of a name is the costly part: an entry whose texts have not changed
        // is kept (a reload after another user's save changes no name).
        if self.service.is_local() {
            let texts = texts_of(book.people_in_order(), book);
            match std::thread::Builder::new().spawn(move || index_of(texts, before)) {
                Ok(making) => self.indexing = Some(making),
                // Out of threads: made here and now, afresh.
                Err(_) => {
                    let texts = texts_of(book.people_in_order(), book);
                    self.index = index_of(texts, SearchIndex::new());
                }
            }
        }
        // A part of the year counts one township: the progress is the server's, read
        // with the part (`read_again`) or as the workflow opens.
        if !self.parted() {
            self.statuses = self.service.statuses_of(&self.book);
        }
        self.generation += 1;
    }

    /// The secretaries of one township, in the official order.
    pub fn people_of(&self, township: u32) -> std::borrow::Cow<'_, [u32]> {
        self.book.people_of(township)
    }

    /// The best matches of a search among the year's people: on a file this process
    /// opened, in the index made beside the year; through the server, by the server.
    pub fn search(
        &mut self,
        finder: &mut Finder,
        query: &str,
        keep: usize,
    ) -> Result<Hits, Refusal> {
        if self.service.is_local() {
            let generation = self.generation;
            let found = finder.find(self.index(), generation, query, keep);
            Ok(self.book.hits(found))
        } else {
            self.service.search(&self.book, finder, query, keep)
        }
    }

    /// The search index of the people of the year as last read (waits for it while it
    /// is still being made).
    pub fn index(&mut self) -> &mut SearchIndex {
        if let Some(making) = self.indexing.take() {
            self.index = making
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        &mut self.index
    }

    /// Work on another year.
    pub fn switch_year(&mut self, year: i16) -> Result<(), Refusal> {
        let book = match self.book.part_of() {
            Some(t) if self.parted() => self.service.part(year, Focus::Township(t))?,
            _ => self.service.book_or_new(year)?,
        };
        self.history = self.service.history_beside(&book)?;
        self.book = book;
        self.derive();
        Ok(())
    }

    /// Read the year again (after a step, a conflict, or on opening a list).
    pub fn reload(&mut self) {
        self.read_again(false);
    }

    /// Read the year again and the star history beside it: another user's change may
    /// have been to another year.
    pub fn refresh(&mut self) {
        self.read_again(true);
    }

    fn read_again(&mut self, history: bool) {
        let year = self.year();
        let read = match self.book.part_of() {
            Some(t) if self.parted() => {
                // Another write may have been a roster import: the townships too.
                if let Ok(statuses) = self.service.statuses(year) {
                    self.hold_statuses(statuses);
                }
                self.service.part(year, Focus::Township(t))
            }
            _ => self.service.book_or_new(year),
        };
        let read = read.and_then(|book| {
            let history = match history {
                true => Some(self.service.history_beside(&book)?),
                false => None,
            };
            Ok((book, history))
        });
        match read {
            Ok((book, history)) => {
                self.book = book;
                if let Some(history) = history {
                    self.history = history;
                }
                self.derive();
            }
            Err(e) => self.error(format!("读取数据失败:{e}")),
        }
    }

    /// Put in place what another user's save moved (a notice named them): true when
    /// done, false when the year must be read again.
    pub fn take_moved(&mut self, moved: &[u32]) -> bool {
        match self.service.rerated(self.year(), moved) {
            Ok(Some(rerated)) => {
                self.take_rerated(rerated);
                true
            }
            _ => false,
        }
    }

    /// The book takes what a save moved in the server's year; the screens derive again.
    /// Only a saved secretary can become complete or not: the progress moves by that,
    /// not by counting a province again.
    fn take_rerated(&mut self, rerated: crate::service::Rerated) {
        let complete = |e: Option<&crate::service::Entry>| {
            e.is_some_and(|e| e.rating().evaluation.figures().is_some())
        };
        let moves: Vec<(Option<u32>, bool)> = rerated
            .entries
            .iter()
            .filter(|e| complete(self.book.entry(e.secretary)) != complete(Some(e)))
            .map(|e| (self.book.township_of(e.secretary), complete(Some(e))))
            .collect();
        // Another township's people are not held: whether they became complete is the
        // server's to count.
        if self.parted()
            && rerated
                .entries
                .iter()
                .any(|e| self.book.entry(e.secretary).is_none())
        {
            self.statuses_stale = true;
        }
        let people = self.book.people_in_order().len();
        self.book.take_rerated(rerated);
        if self.book.people_in_order().len() != people {
            // A first assessment of someone who had left office: one more of the
            // year's people.
            self.derive();
            return;
        }
        self.move_complete(&moves);
        self.generation += 1;
    }

    /// Secretaries became complete (true) or not (false): their townships' counts
    /// move by one each, instead of counting a province again.
    fn move_complete(&mut self, moves: &[(Option<u32>, bool)]) {
        for &(township, now) in moves {
            if let Some(status) = self
                .statuses
                .iter_mut()
                .find(|s| Some(s.township) == township)
            {
                status.complete = match now {
                    true => status.complete + 1,
                    false => status.complete.saturating_sub(1),
                };
            }
        }
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    /// The townships this user may see, in the official order.
    pub fn visible_townships(&self) -> Vec<u32> {
        match self.parted() {
            true => self.townships.iter().map(|(id, _)| *id).collect(),
            false => self.book.townships(),
        }
    }

    /// What "every township" is for this user: 全部乡镇, or a clerk's own township.
    pub fn all_townships(&self) -> String {
        match self.visible_townships()[..] {
            [only] => self.township_name(only),
            _ => "全部乡镇".to_string(),
        }
    }

    /// Every visible township (id, name), in the official order.
    pub fn township_names(&self) -> Vec<(u32, String)> {
        match self.parted() {
            true => self.townships.clone(),
            false => self
                .book
                .townships()
                .into_iter()
                .map(|t| (t, self.township_name(t)))
                .collect(),
        }
    }

    pub fn township_name(&self, township: u32) -> String {
        match self.parted() {
            true => self
                .townships
                .iter()
                .find(|(id, _)| *id == township)
                .map_or_else(String::new, |(_, name)| name.clone()),
            false => self
                .book
                .district
                .township(township)
                .map_or_else(String::new, |t| t.name.to_string()),
        }
    }

    /// The stage of the secretary's township this year, and whether it waits for a
    /// correcting publicity (须更正).
    pub fn stage_of(&self, secretary: u32) -> (Stage, bool) {
        let township = self.book.township_of(secretary).unwrap_or(0);
        let year = self.book.record.township(township);
        (year.stage, year.correction)
    }

    /// The assessment on a form (empty when none is stored yet).
    pub fn assessment(&self, secretary: u32) -> Assessment {
        self.book
            .entry(secretary)
            .map(|e| e.to_assessment())
            .unwrap_or_default()
    }

    /// Validate a field's value and commit it at once, with its audit line. On a
    /// conflict the year is read again: the screen shows what is stored now.
    /// `seen` is the assessment the user saw when they began typing (None: as read
    /// now): if anyone changed this field since, whatever a refresh brought in
    /// meanwhile, it is a conflict; a change of another field is kept.
    pub fn save_field(
        &mut self,
        secretary: u32,
        field: Field,
        input: &str,
        seen: Option<Option<Assessment>>,
    ) -> Result<(), NotSaved> {
        // The save builds on the latest assessment this screen knows, so that another
        // user's change of another field is kept; only a change of this very field since
        // the user began typing is a conflict.
        let stored = self.book.entry(secretary).map(|e| e.to_assessment());
        if let Some(seen) = seen {
            let scheme = self.book.scheme_for(secretary);
            let was = field.value(scheme, &seen.unwrap_or_default());
            let now = field.value(scheme, &stored.clone().unwrap_or_default());
            if was != now {
                return Err(NotSaved::Conflict(Refusal::Conflict.to_string()));
            }
        }
        let old = stored.clone().unwrap_or_default();
        let mut new = old.clone();
        field
            .apply(self.book.scheme_for(secretary), &mut new, input)
            .map_err(NotSaved::Invalid)?;
        if new == old && stored.is_some() {
            return Ok(());
        }
        let scheme = self.book.scheme_for(secretary);
        let what = format!(
            "{} 年度 {} 「{}」",
            self.year(),
            self.book.name_of(secretary),
            field.label(scheme)
        );
        let change = (field.value(scheme, &old), field.value(scheme, &new));
        let saved = self.service.save_assessment(SaveAssessment {
            year: self.year(),
            secretary,
            before: stored,
            after: new.clone(),
            what,
            change,
        });
        let rerated = match saved {
            Ok(rerated) => rerated,
            Err(Refusal::Conflict) => {
                self.reload();
                return Err(NotSaved::Conflict(Refusal::Conflict.to_string()));
            }
            Err(
                refusal @ (Refusal::ReadOnly(_)
                | Refusal::OtherTownship { .. }
                | Refusal::CannotSee { .. }
                | Refusal::DistrictOnly { .. }
                | Refusal::Approved { .. }
                | Refusal::Published { .. }
                | Refusal::HandedIn { .. }),
            ) => return Err(NotSaved::Locked(refusal.to_string())),
            Err(refusal) => return Err(NotSaved::Refused(refusal.to_string())),
        };
        let complete = |book: &YearBook| {
            book.entry(secretary)
                .is_some_and(|e| e.rating().evaluation.figures().is_some())
        };
        let was_complete = complete(&self.book);
        // Was the book moved by this one save (locally, or by what the server moved in
        // its year), not read again?
        let moved = self.service.is_local() || rerated.is_some();
        if let Err(e) = self.service.rerate(&mut self.book, secretary, new, rerated) {
            self.error(format!("已保存,但读取数据失败:{e}"));
        }
        // A save changes whether one secretary is complete, nothing else the progress
        // counts: its township's count moves by one (a province's recount is not
        // needed). A year read again is counted afresh.
        let township = self.book.township_of(secretary);
        let now = complete(&self.book);
        if moved && self.statuses.iter().any(|s| Some(s.township) == township) {
            if now != was_complete {
                self.move_complete(&[(township, now)]);
            }
        } else if self.parted() {
            // The part was read again: the district's progress is the server's to count.
            self.statuses_stale = true;
        } else {
            self.statuses = self.service.statuses_of(&self.book);
        }
        self.generation += 1;
        let label = field.label(self.book.scheme_for(secretary));
        self.info(format!("已保存 {label}"));
        Ok(())
    }

    /// Carry out a step and say how it went on the status line; true when done.
    pub fn run_and_tell(
        &mut self,
        step: Step,
        text: &str,
        seen: Option<Option<crate::domain::Assessment>>,
    ) -> bool {
        match self.run_step(step, text, seen) {
            Ok(line) => {
                self.info(line);
                true
            }
            Err(e) => {
                self.error(e);
                false
            }
        }
    }

    /// Save a rectification's measures as written in the editor, `seen` the measures it
    /// opened with (or last saved): refused, with the rectifications read again, when
    /// somebody else wrote them meanwhile. True when saved.
    pub fn save_measures(&mut self, (year, secretary): (i16, u32), text: &str, seen: &str) -> bool {
        let change = crate::service::RectifyChange {
            measures: Some(text.to_string()),
            seen: Some(seen.to_string()),
            ..Default::default()
        };
        match self.service.update_rectification(year, secretary, &change) {
            Ok(line) => {
                self.reload();
                self.info(line);
                true
            }
            Err(e) => {
                self.read_rectifications();
                self.error(e.to_string());
                false
            }
        }
    }

    /// The stored measures of a rectification, as last read.
    pub fn measures_of(&self, year: i16, secretary: u32) -> Option<String> {
        self.rectifications
            .iter()
            .find(|(y, s, _)| *y == year && *s == secretary)
            .map(|(_, _, r)| r.measures.clone())
    }

    /// Carry out a step a popup confirmed, through the service; the year is read again
    /// after it. The answer is the line to show, or why it was refused.
    /// `seen`: for a step that saves a field, the assessment the user saw.
    pub fn run_step(
        &mut self,
        step: Step,
        text: &str,
        seen: Option<Option<crate::domain::Assessment>>,
    ) -> Result<String, String> {
        let (service, year) = (&self.service, self.book.year);
        let result = match step {
            Step::Submit(t) => service.submit(year, &[t]),
            Step::Publish(t, confirmed) => {
                let mut publication = publication_of(text, service.today())?;
                publication.confirm = confirmed;
                match service.publish(year, &[t], &publication) {
                    Err(Refusal::Confirm(list)) => {
                        self.follow_up = Some(crate::tui::keys::Ask::Confirm {
                            question: format!("{list}\n仍要公示吗?"),
                            then: Step::Publish(t, true),
                            text: text.to_string(),
                            seen: None,
                        });
                        return Err("公示会改变其他乡镇已公示的结果,请确认".to_string());
                    }
                    other => other,
                }
            }
            Step::Approve(t) => service.approve(year, &[t]),
            Step::Reopen(t) => service.reopen(year, &[t], text),
            Step::Object(Some(s)) => service.object(year, s, text).map(|l| vec![l]),
            Step::Resolve(Some(s)) => service.resolve(year, s, text).map(|l| vec![l]),
            Step::MarkDone(year, s) => service
                .update_rectification(
                    year,
                    s,
                    &crate::service::RectifyChange {
                        done: true,
                        ..Default::default()
                    },
                )
                .map(|l| vec![l]),
            Step::Measures(year, s) => service
                .update_rectification(
                    year,
                    s,
                    &crate::service::RectifyChange {
                        measures: Some(text.to_string()),
                        ..Default::default()
                    },
                )
                .map(|l| vec![l]),
            Step::Notes(s) => {
                return self
                    .save_field(s, Field::Notes, text, seen)
                    .map(|()| "已保存 备注".to_string())
                    .map_err(|e| e.text().to_string());
            }
            Step::Veto(s) => {
                return self
                    .save_field(s, Field::VetoReason, text, seen)
                    .map(|()| format!("已保存 否决事由:{} 一票否决", self.book.name_of(s)))
                    .map_err(|e| e.text().to_string());
            }
            Step::Object(None) | Step::Resolve(None) => return Ok(String::new()),
        };
        match result {
            Ok(lines) => {
                self.reload();
                Ok(lines.join(";"))
            }
            Err(e) => Err(e.to_string().replace(":\n  ", ":").replace("\n  ", ";")),
        }
    }

    /// Write `bytes` as `stem.ext` in the current folder, or `stem-2.ext`, … : never
    /// over an existing file, created 0600 (the files hold names and pay).
    pub fn write_new_file(&self, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf, String> {
        let path = (1..1000)
            .map(|i| {
                self.out_dir.join(if i == 1 {
                    format!("{stem}.{ext}")
                } else {
                    format!("{stem}-{i}.{ext}")
                })
            })
            .find(|p| !p.exists())
            .ok_or_else(|| format!("当前目录下已有太多 {stem}.{ext};请先清理"))?;
        crate::exchange::output::write_output(&path, false, Path::new(""), bytes)
            .map_err(|e| e.to_string())?;
        Ok(std::fs::canonicalize(&path).unwrap_or(path))
    }
}

/// Each of `people`'s searchable texts: name, village, township.
fn texts_of(people: &crate::domain::Ids, book: &YearBook) -> Vec<(u32, [String; 3])> {
    people
        .iter()
        .filter_map(|id| {
            let s = book.district.secretary(id)?;
            let (t, v) = book.district.place(id)?;
            Some((
                id,
                [s.name.to_string(), v.name.to_string(), t.name.to_string()],
            ))
        })
        .collect()
}

/// The townships of the progress, as (id, name).
fn townships_of(statuses: &[TownshipStatus]) -> Vec<(u32, String)> {
    statuses
        .iter()
        .map(|s| (s.township, s.name.clone()))
        .collect()
}

/// The year as a client started through the server first holds it: a district
/// user's, the part of the first township (`first`); a clerk's, their township's.
fn first_read(service: &Service, year: i16, first: Option<u32>) -> Result<Loaded, Refusal> {
    let parted = !matches!(service.actor().role, Role::Township(_));
    let book = match first {
        Some(t) if parted => service.part(year, Focus::Township(t))?,
        _ => service.book_or_new(year)?,
    };
    let history = service.history_beside(&book)?;
    Ok(Loaded {
        book,
        history,
        statuses: None,
    })
}

/// The search index of `texts`, keeping the entries of `before` whose texts are the same.
fn index_of(texts: Vec<(u32, [String; 3])>, before: SearchIndex) -> SearchIndex {
    let kept: HashMap<u32, usize> = (0..before.len())
        .filter_map(|at| before.secretary(at).map(|id| (id, at)))
        .collect();
    let mut index = SearchIndex::new();
    for (id, [name, village, township]) in texts {
        match kept.get(&id) {
            Some(&at) if same_texts(before.texts(at), [&name, &village, &township]) => {
                index.push_from(&before, at)
            }
            _ => index.push(id, &name, &village, &township),
        }
    }
    index.shrink_to_fit();
    index
}

/// Does the index hold these texts (it holds them lower-cased)?
fn same_texts(held: Option<[&str; 3]>, written: [&str; 3]) -> bool {
    held.is_some_and(|held| {
        held.iter()
            .zip(written)
            .all(|(h, w)| h.chars().eq(w.chars().flat_map(char::to_lowercase)))
    })
}

/// A publicity typed on one line: `开始日期 天数 [理由]`, e.g. `2026-12-01 5`; empty: today,
/// for the scheme's days.
fn publication_of(
    text: &str,
    today: jiff::civil::Date,
) -> Result<crate::service::Publication, String> {
    let mut words = text.split_whitespace();
    let from = match words.next() {
        Some(d) => crate::domain::parse_date(d).map_err(|e| format!("开始日期:{e}"))?,
        None => today,
    };
    let days = match words.next() {
        Some(n) => Some(
            n.parse::<u32>()
                .map_err(|_| format!("天数应为整数,而不是 {n}"))?,
        ),
        None => None,
    };
    let reason: Vec<&str> = words.collect();
    Ok(crate::service::Publication {
        from,
        days,
        reason: Some(reason.join(" ")).filter(|r| !r.is_empty()),
        confirm: false,
        from_given: true,
    })
}
