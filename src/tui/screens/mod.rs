//! The screens. Each file holds one screen: its state, its key table, its `update`
//! and its `view`. A screen reaches the others only through the follow-up actions
//! its `update` returns; the app routes them.

pub mod audit;
pub mod grid;
pub mod help;
pub mod list;
pub mod overview;
pub mod paged;
pub mod pool;
pub mod rectify;
pub mod secretary;
pub mod workflow;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::context::Context;
use super::keys::{Action, Binding, Input};

/// Which screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenId {
    Overview,
    List,
    Secretary,
    Grid,
    Workflow,
    Audit,
    Rectify,
    Pool,
    Help,
}

/// What the app asks of every screen.
pub trait Screen {
    /// The screen's name in the title bar.
    fn title(&self) -> &'static str;
    /// The key table where the focus is now; the hint bar is drawn from it.
    fn keys(&self, ctx: &Context) -> Vec<Binding>;
    /// What printable keys are where the focus is now.
    fn input(&self, _ctx: &Context) -> Input {
        Input::None
    }
    /// Every table of the screen with a heading, for the help screen.
    fn help(&self) -> Vec<(&'static str, Vec<Binding>)>;
    /// Apply an action; an action the screen does not take is returned for the app.
    fn update(&mut self, ctx: &mut Context, action: Action) -> Option<Action>;
    /// Derive again what the view needs when the data or the size changed.
    fn sync(&mut self, _ctx: &Context) {}
    /// Before another screen opens: save what is typed. False when it is refused.
    fn leave(&mut self, _ctx: &mut Context) -> bool {
        true
    }
    fn view(&self, ctx: &Context, frame: &mut Frame, area: Rect);
}
