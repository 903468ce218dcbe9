//! Drawing shared by every screen and popup: ASCII boxes, popups over wide
//! characters, the hint bar from a key table, list windows, one-line text editing.
//! Nothing here knows a screen.

mod line_edit;

pub use line_edit::LineEdit;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::keys::{Action, Binding, key_label};
use super::theme::Theme;
use crate::text::width;

/// ASCII borders: `+ - |` (box-drawing characters are ambiguous-width).
pub const ASCII: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

pub fn boxed(title: impl std::fmt::Display) -> Block<'static> {
    Block::bordered()
        .border_set(ASCII)
        .title(format!(" {title} "))
}

/// A rectangle of `w`×`h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clear the area of a popup. A wide character just left of it, whose right half the
/// popup covers, becomes a space: otherwise ratatui, which skips the cell after a wide
/// character, would never draw the popup's left border.
pub fn clear(frame: &mut Frame, rect: Rect) {
    frame.render_widget(Clear, rect);
    if rect.x == 0 {
        return;
    }
    let buffer = frame.buffer_mut();
    for y in rect.top()..rect.bottom() {
        let cell = &mut buffer[(rect.x - 1, y)];
        if width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// The last characters of `text` that fit in `cells` cells.
pub fn tail(text: &str, cells: usize) -> String {
    let mut used = 0;
    let mut kept: Vec<char> = text
        .chars()
        .rev()
        .take_while(|c| {
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            used <= cells
        })
        .collect();
    kept.reverse();
    kept.into_iter().collect()
}

/// Scroll a list window so that the selected row stays in it.
pub fn keep_visible(selected: usize, offset: &mut usize, page: usize) {
    if selected < *offset {
        *offset = selected;
    } else if selected >= *offset + page {
        *offset = selected + 1 - page;
    }
}

/// A list selection: the selected row and the first row shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pick {
    pub selected: usize,
    pub offset: usize,
}

impl Pick {
    /// Move by `delta` rows among `n`, keeping the selection in a window of `page` rows.
    pub fn step(&mut self, delta: isize, n: usize, page: usize) {
        if n > 0 {
            self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
        } else {
            self.selected = 0;
        }
        keep_visible(self.selected, &mut self.offset, page.max(1));
        // A page made taller at the end of the list shows rows above, not blanks.
        self.offset = self.offset.min(n.saturating_sub(page.max(1)));
    }

    /// Move by a list key among `n` rows at this terminal size; false when the
    /// action is no list move.
    pub fn apply(&mut self, action: &super::keys::Action, n: usize, size: (u16, u16)) -> bool {
        let page = list_page(size);
        match Pick::delta(action, page) {
            Some(delta) => {
                self.step(delta, n, page);
                true
            }
            None => false,
        }
    }

    /// The row move of a list key, if it is one.
    pub fn delta(action: &super::keys::Action, page: usize) -> Option<isize> {
        use super::keys::Action;
        let page = isize::try_from(page).unwrap_or(isize::MAX);
        match action {
            Action::Up => Some(-1),
            Action::Down => Some(1),
            Action::PageUp => Some(-page),
            Action::PageDown => Some(page),
            Action::First => Some(isize::MIN / 2),
            Action::Last => Some(isize::MAX / 2),
            _ => None,
        }
    }
}

/// Rows of a boxed list with a heading that fit the body of a terminal this tall
/// (title bar, status line, hint bar, two borders and the heading).
pub fn list_page(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(6)).max(1)
}

/// The bottom hint bar, drawn from a key table; what does not fit is left out.
pub fn hint_bar(table: &[Binding], theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    let mut used = 0;
    for b in table.iter().filter(|b| b.hint && !b.label.is_empty()) {
        let key = key_label(b);
        let w = width(&key) + 1 + width(b.label) + 2;
        if used + w > usize::from(area.width) {
            break;
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {}  ", b.label)));
        used += w;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The hinted keys of a table on one line, as a popup shows them: `y 是  n 否`.
pub fn keys_hint(table: &[Binding]) -> String {
    table
        .iter()
        .filter(|b| b.hint && !b.label.is_empty())
        .map(|b| format!("{} {}", key_label(b), b.label))
        .collect::<Vec<_>>()
        .join("  ")
}

/// The key of an action in a table, as the hint bar writes it (for a sentence that
/// names it).
pub fn key_for(table: &[Binding], action: &Action) -> String {
    table
        .iter()
        .find(|b| (b.action)() == *action)
        .map(key_label)
        .unwrap_or_default()
}

/// A multi-line editor in a popup, the terminal cursor at its text cursor (for the IME).
pub fn editor_popup(
    frame: &mut Frame,
    popup: Rect,
    title: impl std::fmt::Display,
    editor: &ratatui_textarea::TextArea<'_>,
) {
    clear(frame, popup);
    let block = boxed(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(editor, inner);
    let c = editor.screen_cursor();
    let (top, left) = editor.scroll_offset();
    let x = inner.x
        + u16::try_from(c.col)
            .unwrap_or(u16::MAX)
            .saturating_sub(left);
    let y = inner.y + u16::try_from(c.row).unwrap_or(u16::MAX).saturating_sub(top);
    frame.set_cursor_position(Position::new(
        x.min(inner.right().saturating_sub(1)),
        y.min(inner.bottom().saturating_sub(1)),
    ));
}

/// A count or a figure in `cells` cells, never cut: a wider one takes the room it needs.
pub fn figure(text: &str, cells: usize) -> String {
    crate::text::pad_left(text, cells.max(width(text)))
}
