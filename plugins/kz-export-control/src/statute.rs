//! Which Kazakh statute governs specific goods on a given day.
//!
//! Law No. 172-VII of 28 Dec 2022 "On control of specific goods" replaced the 2007
//! law "On export control" (No. 300-III) on 28 Feb 2023, and Order No. 308 of
//! 28 Apr 2023 set out the permit for transit. A finding must cite the law in force
//! on the shipment's `as_of`, not the one in force today, so every rule that rests
//! on the statute asks here instead of hard-coding either law.

use exportctl_sdk::Date;

/// First day Law No. 172-VII "On control of specific goods" is in force; the day
/// before, Law No. 300-III "On export control" (2007) still governed.
pub const LAW_172_VII_IN_FORCE: Date = Date::ymd(2023, 2, 28);

/// Date of Order No. 308 of the Ministry of Industry and Infrastructure
/// Development on permits for the transit of specific goods. Applied from this
/// date; its in-force date after publication is not in our sources.
pub const ORDER_308: Date = Date::ymd(2023, 4, 28);

const EXPORT_2007: &str = "Law of the Republic of Kazakhstan No. 300-III \"On export control\" (2007): \
     licence for the export of products subject to export control (in force until 27 Feb 2023)";

const EXPORT_2022: &str = "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of \
     specific goods\" (in force 28 Feb 2023): licence for the export of specific goods";

const TRANSIT_2007: &str = "Law of the Republic of Kazakhstan No. 300-III \"On export control\" (2007): \
     permit for the transit of products subject to export control (in force until 27 Feb 2023)";

const TRANSIT_2022: &str = "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of \
     specific goods\" (in force 28 Feb 2023): permit for the transit of specific goods";

const TRANSIT_2023: &str = "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of \
     specific goods\" (in force 28 Feb 2023): permit for the transit of specific goods; Order No. 308 of \
     the Ministry of Industry and Infrastructure Development of 28 Apr 2023 (transit permits)";

const CATCH_ALL_2007: &str = "Law of the Republic of Kazakhstan No. 300-III \"On export control\" (2007), in \
     force until 27 Feb 2023: its control of unlisted goods for a military end use was not read in the primary \
     source";

const CATCH_ALL_2022: &str = "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of \
     specific goods\" (in force 28 Feb 2023): catch-all control of goods not on the control list intended for a \
     military end use";

/// The legal basis for controlling unlisted goods for a military end use on `as_of`.
pub fn catch_all(as_of: Date) -> &'static str {
    if as_of < LAW_172_VII_IN_FORCE {
        CATCH_ALL_2007
    } else {
        CATCH_ALL_2022
    }
}

/// The legal basis for a licence to export (or re-export) military or dual-use
/// goods from Kazakhstan on `as_of`.
pub fn export_licence(as_of: Date) -> &'static str {
    if as_of < LAW_172_VII_IN_FORCE {
        EXPORT_2007
    } else {
        EXPORT_2022
    }
}

// ANCHOR: transit_permit
/// The legal basis for a permit to carry military or dual-use goods across
/// Kazakhstan on `as_of`. Between the new law and Order No. 308 the statute's
/// permit requirement stood on its own, so it is cited without the order.
pub fn transit_permit(as_of: Date) -> &'static str {
    if as_of < LAW_172_VII_IN_FORCE {
        TRANSIT_2007
    } else if as_of < ORDER_308 {
        TRANSIT_2022
    } else {
        TRANSIT_2023
    }
}
// ANCHOR_END: transit_permit

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_cites_the_2007_law_until_the_day_before_the_new_law() {
        assert!(export_licence(Date::ymd(2023, 2, 27)).contains("No. 300-III"));
        assert!(export_licence(Date::ymd(2023, 2, 28)).contains("No. 172-VII"));
        assert!(!export_licence(Date::ymd(2023, 2, 28)).contains("No. 300-III"));
    }

    #[test]
    fn transit_cites_order_308_from_its_date() {
        assert!(transit_permit(Date::ymd(2023, 2, 27)).contains("No. 300-III"));
        let between = transit_permit(Date::ymd(2023, 4, 27));
        assert!(between.contains("No. 172-VII") && !between.contains("Order No. 308"));
        let after = transit_permit(Date::ymd(2023, 4, 28));
        assert!(after.contains("No. 172-VII") && after.contains("Order No. 308"));
    }
}
