//! Writing verdicts: JSON Lines for machines, a readable report for people.

mod json;
mod text;

pub use json::write_json;
pub use text::write_text;
