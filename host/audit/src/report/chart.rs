//! Stacked bar charts as SVG text, drawn with `plotters`' SVG backend. Text is left to the
//! viewer's sans-serif font (no font files are read or embedded).

use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;

use super::aggregate::{Counts, Outcome};

/// The fill of each outcome's bars; the HTML legend uses the same colours.
pub(crate) fn colour(outcome: Outcome) -> RGBColor {
    match outcome {
        Outcome::Allow => RGBColor(0x2e, 0x7d, 0x32),
        Outcome::Review => RGBColor(0xf9, 0xa8, 0x25),
        Outcome::LicenceRequired => RGBColor(0x15, 0x65, 0xc0),
        Outcome::Deny => RGBColor(0xc6, 0x28, 0x28),
    }
}

/// The colour as CSS `#rrggbb`.
pub(crate) fn css_colour(outcome: Outcome) -> String {
    let RGBColor(r, g, b) = colour(outcome);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Which way the bars grow.
#[derive(Clone, Copy)]
pub(crate) enum Direction {
    /// Categories along the x axis (days).
    Up,
    /// Categories down the y axis, first on top (long labels such as rule ids).
    Right,
}

/// A chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("chart `{chart}`: {reason}")]
pub struct ChartError {
    /// The chart's title.
    pub chart: String,
    /// What failed.
    pub reason: String,
}

/// Draws one bar per category, stacked by `outcomes` (one `<rect>` per non-zero segment).
pub(crate) fn stacked_bars(
    title: &str,
    rows: &[(String, Counts)],
    outcomes: &[Outcome],
    direction: Direction,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    draw(&mut svg, title, rows, outcomes, direction).map_err(|reason| ChartError {
        chart: title.to_owned(),
        reason,
    })?;
    Ok(svg)
}

fn draw(
    svg: &mut String,
    title: &str,
    rows: &[(String, Counts)],
    outcomes: &[Outcome],
    direction: Direction,
) -> Result<(), String> {
    let n = u32::try_from(rows.len()).map_err(|e| e.to_string())?.max(1);
    let max = rows
        .iter()
        .map(|(_, c)| outcomes.iter().map(|o| c.get(*o)).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    // Headroom above the longest bar, so its top is not on the frame.
    let max = max + max.div_ceil(10);
    let longest = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(4);
    let label_px = u32::try_from(longest.min(60) * 7 + 20).unwrap_or(440);
    let (size, categories_area) = match direction {
        Direction::Up => ((720, 360), 0),
        Direction::Right => ((720, (90 + 28 * n).max(200)), label_px),
    };
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            // Rows run top down on a horizontal chart; an axis position past the
            // rows (an empty chart's padding) has no label.
            let i = match direction {
                Direction::Up => Some(*i),
                Direction::Right => n.checked_sub(1).and_then(|last| last.checked_sub(*i)),
            };
            i.and_then(|i| rows.get(i as usize))
                .map(|(k, _)| k.clone())
                .unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    // A one-value range has no width to map onto, so one category gets an empty neighbour.
    // (Asking plotters for zero labels never returns: an empty chart asks for one.)
    let last = (n - 1).max(1);
    let e = |e: DrawingAreaErrorKind<std::io::Error>| e.to_string();
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE).map_err(e)?;
    let mut builder = ChartBuilder::on(&root);
    builder.caption(title, ("sans-serif", 18)).margin(12);
    let mut bars = Vec::new();
    for (i, (_, counts)) in rows.iter().enumerate() {
        let slot = match direction {
            Direction::Up => i as u32,
            Direction::Right => n - 1 - i as u32,
        };
        let mut base = 0;
        for &outcome in outcomes {
            let value = counts.get(outcome);
            if value > 0 {
                bars.push((slot, base, base + value, outcome));
                base += value;
            }
        }
    }
    match direction {
        Direction::Up => {
            let mut chart = builder
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d((0..last).into_segmented(), 0..max)
                .map_err(e)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(WHITE)
                .x_labels(rows.len().clamp(1, 12))
                .x_label_formatter(&label)
                .label_style(("sans-serif", 14))
                .y_desc("decisions")
                .draw()
                .map_err(e)?;
            chart
                .draw_series(bars.iter().map(|&(slot, y0, y1, o)| {
                    let mut r = Rectangle::new(
                        [
                            (SegmentValue::Exact(slot), y0),
                            (SegmentValue::Exact(slot + 1), y1),
                        ],
                        colour(o).filled(),
                    );
                    r.set_margin(0, 0, 2, 2);
                    r
                }))
                .map_err(e)?;
        }
        Direction::Right => {
            let mut chart = builder
                .x_label_area_size(30)
                .y_label_area_size(categories_area)
                .build_cartesian_2d(0..max, (0..last).into_segmented())
                .map_err(e)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .light_line_style(WHITE)
                .y_labels(rows.len().max(1))
                .y_label_formatter(&label)
                .label_style(("sans-serif", 14))
                .draw()
                .map_err(e)?;
            chart
                .draw_series(bars.iter().map(|&(slot, x0, x1, o)| {
                    let mut r = Rectangle::new(
                        [
                            (x0, SegmentValue::Exact(slot)),
                            (x1, SegmentValue::Exact(slot + 1)),
                        ],
                        colour(o).filled(),
                    );
                    r.set_margin(3, 3, 0, 0);
                    r
                }))
                .map_err(e)?;
        }
    }
    root.present().map_err(e)?;
    Ok(())
}
