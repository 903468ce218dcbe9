//! A list read a window at a time (the secretary list and the pool): the rows around
//! those shown, the selection over all of them, and another window read when the
//! selection leaves this one. Only a window travels from the server, whatever the
//! size of the year.

use crate::service::rows::{Row, Rows, Window};
use crate::tui::context::Context;
use crate::tui::keys::Action;
use crate::tui::widgets::{Pick, list_page};

#[derive(Default)]
pub struct Paged {
    /// The rows around those shown, and how many there are in all.
    pub rows: Rows,
    pub pick: Pick,
    /// Why the rows could not be read, shown in their place.
    pub failed: Option<String>,
}

impl Paged {
    /// Read the window around the selection again, in `shape`'s filter and order;
    /// `around`: the secretary to select, if they are among the rows.
    pub fn read(&mut self, ctx: &Context, shape: Window, around: Option<u32>) {
        let page = list_page(ctx.size);
        self.fetch(ctx, shape, around);
        self.pick.step(0, self.rows.total, page);
        // The selection moved to the secretary asked for: the page around it.
        if !self.holds_page(page) {
            self.fetch(ctx, shape, None);
        }
    }

    fn fetch(&mut self, ctx: &Context, shape: Window, around: Option<u32>) {
        let page = list_page(ctx.size);
        let window = Window {
            // A page either side of the one shown: most moves need no reading.
            from: self.pick.offset.saturating_sub(page),
            count: 3 * page,
            around,
            ..shape
        };
        match ctx.service.rows(&ctx.book, &window) {
            Ok(rows) => {
                if let Some(at) = rows.at {
                    self.pick.selected = at;
                }
                self.rows = rows;
                self.failed = None;
            }
            Err(e) => self.failed = Some(e.to_string()),
        }
    }

    /// Move by a list key; false when the action is no list move.
    pub fn apply(&mut self, ctx: &Context, shape: Window, action: &Action) -> bool {
        if !self.pick.apply(action, self.rows.total, ctx.size) {
            return false;
        }
        self.follow(ctx, shape);
        true
    }

    /// Keep the selection in the page shown (after a resize), and the page's rows here.
    pub fn follow(&mut self, ctx: &Context, shape: Window) {
        let page = list_page(ctx.size);
        self.pick.step(0, self.rows.total, page);
        if !self.holds_page(page) {
            self.fetch(ctx, shape, None);
        }
    }

    fn holds_page(&self, page: usize) -> bool {
        self.rows.holds(self.pick.offset..self.pick.offset + page)
    }

    pub fn selected(&self) -> Option<&Row> {
        self.rows.get(self.pick.selected)
    }

    /// The rows of a page of `room` rows, with their places.
    pub fn shown(&self, room: usize) -> impl Iterator<Item = (usize, &Row)> {
        (self.pick.offset..self.pick.offset + room).filter_map(|i| self.rows.get(i).map(|r| (i, r)))
    }
}
