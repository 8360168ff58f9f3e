//! Expert review (评审): the expert pool, 申请回避, rounds and phases, assignments, reviews,
//! pledges, visit records, decisions with 立项 letters. Notifications and the mail outbox are
//! the whole application's: [`crate::notifications`].
//!
//! JSON arrays (fields, keywords, conflicts, scores, rubric) are stored as TEXT and parsed by
//! the callers; the same SQL runs on both backends.

mod assignments;
mod avoid;
mod decisions;
mod experts;
mod reviews;
mod rounds;
mod visits;

pub use assignments::*;
pub use avoid::*;
pub use decisions::*;
pub use experts::*;
pub use reviews::*;
pub use rounds::*;
pub use visits::*;

/// An SQL list of status constants (`'a','b'`) for `IN (…)`; only for the program's own
/// constants, never user input (quotes are dropped all the same).
fn in_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("'{}'", s.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(",")
}
