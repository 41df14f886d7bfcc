//! `exportctl audit report`: counts over the decision records of a time range
//! ([`aggregate`]), written as tidy CSV ([`csv`], specified in `sdk/spec/audit-report.md`)
//! or as one self-contained HTML page with inline SVG charts ([`html`]).

pub mod aggregate;
mod chart;
pub mod csv;
pub mod holds;
pub mod html;

pub use aggregate::{
    Counts, NOT_RECORDED, Outcome, Report, ReportError, StoredCheckpoint, TimeRange, aggregate,
};

#[cfg(test)]
mod tests;
