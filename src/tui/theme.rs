//! Colours (16 basic ones by default, none with NO_COLOR) and the ambiguous-width rule
//! of docs/architecture.md, "Chinese text". Selection is always visible without colour (reverse video).

use ratatui::style::{Color, Modifier, Style};
use unicode_width::UnicodeWidthChar;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    /// Ambiguous-width characters in user data take two cells on this terminal.
    pub wide_ambiguous: bool,
}

/// Marks the second cell of a wide-drawn ambiguous character; `view` turns it into a
/// skipped cell so that the terminal's own wide glyph covers it.
pub const WIDE_FILLER: char = '\u{E000}';

impl Theme {
    pub fn from_env() -> Theme {
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let wide_ambiguous = matches!(std::env::var("XINGJI_AMBIGUOUS").as_deref(), Ok("wide"));
        Theme {
            color,
            wide_ambiguous,
        }
    }

    pub fn plain() -> Theme {
        Theme {
            color: true,
            wide_ambiguous: false,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// User text as drawn: in wide-ambiguous mode each ambiguous character is followed
    /// by a filler cell, so layout reserves the two cells the terminal will use.
    pub fn user<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        if !self.wide_ambiguous || !text.chars().any(is_ambiguous) {
            return text.into();
        }
        let mut out = String::with_capacity(text.len() + 8);
        for c in text.chars() {
            out.push(c);
            if is_ambiguous(c) {
                out.push(WIDE_FILLER);
            }
        }
        out.into()
    }
}

/// East Asian Width "A": one cell by Unicode, two on a CJK-configured terminal.
pub fn is_ambiguous(c: char) -> bool {
    c != WIDE_FILLER && c.width() == Some(1) && c.width_cjk() == Some(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_characters_are_known() {
        for c in ['·', '★', '—', '…', '“', '─', '│', '┌', '○'] {
            assert!(is_ambiguous(c), "{c}");
        }
        for c in ['a', '张', '*', '-', '|', '+', '.', '𠮷'] {
            assert!(!is_ambiguous(c), "{c}");
        }
    }

    #[test]
    fn wide_mode_reserves_two_cells() {
        let t = Theme {
            color: false,
            wide_ambiguous: true,
        };
        assert_eq!(t.user("古丽·买").as_ref(), "古丽·\u{E000}买");
        assert_eq!(Theme::plain().user("古丽·买").as_ref(), "古丽·买");
    }
}
