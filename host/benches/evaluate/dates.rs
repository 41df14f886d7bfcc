//! Calendar arithmetic for the corpus generator: dates as day numbers, so a
//! uniform draw between two dates is one integer draw, and back to ISO 8601
//! text for the documents. Hand-written (Hinnant's algorithms) because the
//! generator needs nothing more and its output must never change with a
//! dependency's version.

pub const DAY_1995_01_01: i64 = days(1995, 1, 1);
pub const DAY_2022_01_01: i64 = days(2022, 1, 1);
pub const DAY_2022_02_24: i64 = days(2022, 2, 24);
pub const DAY_2022_08_27: i64 = days(2022, 8, 27);
pub const DAY_2023_08_31: i64 = days(2023, 8, 31);
pub const DAY_2025_12_31: i64 = days(2025, 12, 31);

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
pub const fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// ISO 8601 text of a day number.
pub fn civil(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
