//! One line of text being typed, with a cursor: Left, Right, Home, End, Backspace and
//! Ctrl-U work as in any editor, and what is drawn follows the cursor, so that the
//! terminal cursor (and the client's IME window with it) stands where typing happens.

use crate::text::{clean_line, width};

use super::super::keys::Action;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEdit {
    chars: Vec<char>,
    /// The cursor, in characters from the start.
    cursor: usize,
}

impl LineEdit {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: &str) -> LineEdit {
        let chars: Vec<char> = text.chars().collect();
        let cursor = chars.len();
        LineEdit { chars, cursor }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Insert text at the cursor (control characters and the like are cleaned away).
    pub fn insert(&mut self, text: &str) {
        for c in clean_line(text).chars() {
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    /// The editing keys; false for any other action.
    pub fn apply(&mut self, action: &Action) -> bool {
        match action {
            Action::Input(c) => self.insert(&c.to_string()),
            Action::Paste(text) => self.insert(text),
            Action::Backspace => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    self.chars.remove(self.cursor);
                }
            }
            Action::Left => self.cursor = self.cursor.saturating_sub(1),
            Action::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            Action::First => self.cursor = 0,
            Action::Last => self.cursor = self.chars.len(),
            Action::ClearInput => {
                self.chars.clear();
                self.cursor = 0;
            }
            _ => return false,
        }
        true
    }

    /// What fits in `cells` cells around the cursor, and the cursor's cell in it. A
    /// line cut on the left starts with `..`; the text after the cursor is kept while
    /// there is room.
    pub fn window(&self, cells: usize) -> (String, usize) {
        let text = self.text();
        if width(&text) < cells {
            let before: String = self.chars[..self.cursor].iter().collect();
            return (text, width(&before));
        }
        // Start as late as needed for the cursor (and one cell after it) to fit.
        let cw = |c: &char| unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
        let mut start = 0;
        let room = cells.saturating_sub(1);
        loop {
            let marker = if start > 0 { 2 } else { 0 };
            let used: usize = self.chars[start..self.cursor].iter().map(cw).sum::<usize>() + marker;
            if used <= room || start >= self.cursor {
                break;
            }
            start += 1;
        }
        let marker = if start > 0 { ".." } else { "" };
        let mut shown = marker.to_string();
        let mut used = width(marker);
        let mut cursor_at = used;
        for (i, c) in self.chars.iter().enumerate().skip(start) {
            if i == self.cursor {
                cursor_at = used;
            }
            if used + cw(c) > cells {
                break;
            }
            shown.push(*c);
            used += cw(c);
        }
        if self.cursor == self.chars.len() {
            cursor_at = used;
        }
        (shown, cursor_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn left_right_home_end_backspace_and_clear_edit_where_the_cursor_is() {
        let mut e = LineEdit::new("集体经济");
        e.apply(&Action::First);
        e.apply(&Action::Input('新'));
        assert_eq!(e.text(), "新集体经济");
        e.apply(&Action::Right);
        e.apply(&Action::Right);
        e.apply(&Action::Backspace);
        assert_eq!(e.text(), "新集经济");
        e.apply(&Action::Last);
        e.apply(&Action::Left);
        e.apply(&Action::Input('发'));
        assert_eq!(e.text(), "新集经发济");
        e.apply(&Action::ClearInput);
        assert!(e.is_empty());
        e.apply(&Action::Paste("a\u{7}b\nc".into()));
        assert_eq!(e.text(), "ab c", "control characters are cleaned");
    }

    #[test]
    fn the_window_follows_the_cursor_through_wide_text() {
        let mut e = LineEdit::new("一二三四五六七八九十");
        // 20 cells of text in 10: the end, with `..` before it.
        let (shown, at) = e.window(10);
        assert!(shown.starts_with(".."), "{shown}");
        assert!(width(&shown) <= 10);
        assert_eq!(at, width(&shown), "the cursor after the last character");
        e.apply(&Action::First);
        let (shown, at) = e.window(10);
        assert!(shown.starts_with("一二三"), "{shown}");
        assert_eq!(at, 0);
        e.apply(&Action::Right);
        e.apply(&Action::Right);
        let (_, at) = e.window(10);
        assert_eq!(at, 4, "two wide characters before the cursor");
    }
}
