//! The append-only audit log's entries (docs/architecture.md §7).

use serde::{Deserialize, Serialize};

use super::District;

/// One line of the append-only audit log: who, when, what, before and after, and
/// what it concerns (for filtering).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: jiff::Timestamp,
    pub user: String,
    pub what: String,
    pub before: String,
    pub after: String,
    pub scope: Scope,
}

/// What an audit entry concerns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub year: Option<i16>,
    pub township: Option<u32>,
    pub secretary: Option<u32>,
}

impl AuditEntry {
    /// The township the entry concerns: its own, or its secretary's.
    pub fn township(&self, district: &District) -> Option<u32> {
        self.scope.township.or_else(|| {
            self.scope
                .secretary
                .and_then(|id| district.place(id))
                .map(|(_, v)| v.township)
        })
    }

    /// What changed, on one line: `政治素质:5 -> 6`, `(空)` for an empty side.
    pub fn line(&self) -> String {
        let side = |s: &str| {
            if s.is_empty() {
                "(空)".to_string()
            } else {
                s.to_string()
            }
        };
        let text = if self.before.is_empty() && self.after.is_empty() {
            self.what.clone()
        } else {
            format!(
                "{}:{} -> {}",
                self.what,
                side(&self.before),
                side(&self.after)
            )
        };
        // Multi-line values (整改措施) are joined with " / ".
        text.replace('\n', " / ")
    }
}
