//! The export licence for dual-use goods (Law No. 172-VII; before 28 Feb 2023 Law
//! No. 300-III).
//!
//! Dual-use goods on the control list may leave Kazakhstan only with a Kazakh
//! licence. Unlike military goods they were never suspended, so this rule runs on
//! every date; it cites the law in force on `as_of`. Russia-bound goods are judged
//! by `russia_ban` while that rule applies, and this rule steps aside for them.

use crate::goods::{self, Goods};
use crate::{route, russia_ban, statute};
use exportctl_sdk::{Finding, Rule, Shipment};

/// Exports of dual-use goods from Kazakhstan without a Kazakh licence. The
/// declared basis names both laws; each finding cites the one in force.
pub const DUAL_USE_EXPORT_LICENCE: Rule = Rule::new(
    "kz-dual-use-export-licence",
    "Law of the Republic of Kazakhstan No. 172-VII of 28 Dec 2022 \"On control of specific goods\" \
     (from 28 Feb 2023); before it Law No. 300-III \"On export control\" (2007): licence for the \
     export of dual-use goods",
)
.describe("dual-use goods exported from Kazakhstan without a Kazakh licence");

/// Requires a Kazakh licence for the dual-use lines of an export from Kazakhstan.
pub fn check(shipment: &Shipment) -> Option<Finding> {
    if !route::exported_from_kz(shipment) || russia_ban::applies(shipment) {
        return None;
    }
    let lines =
        goods::without_kz_licence(shipment, goods::select(shipment, |g| g == Goods::DualUse));
    if lines.is_empty() {
        return None;
    }
    let message = format!(
        "dual-use goods exported from Kazakhstan ({route}): {goods}; a Kazakh export licence is \
         required and none cited covers these lines",
        route = route::describe(shipment),
        goods = goods::describe(&lines),
    );
    Some(
        DUAL_USE_EXPORT_LICENCE
            .licence_required(message)
            .lines(goods::numbers(&lines))
            .legal_basis(statute::export_licence(shipment.as_of())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{Doc, DocExt as _};
    use exportctl_sdk::Outcome;

    fn dual_use(date: &str, route: &str) -> Doc {
        Doc::new(date, route).codes(&["3A001.a.2"])
    }

    #[test]
    fn requires_a_licence_for_dual_use_exports() -> Result<(), String> {
        let finding =
            check(&dual_use("2024-01-10", "KZ>UZ").try_shipment()?).ok_or("no finding")?;
        assert_eq!(finding.outcome(), Outcome::LicenceRequired);
        assert_eq!(finding.rule(), "kz-dual-use-export-licence");
        assert!(
            finding.message().contains("line 1 (3A001.a.2, HS 8806.23)")
                && finding.message().contains("KZ → UZ"),
            "{}",
            finding.message()
        );
        Ok(())
    }

    #[test]
    fn cites_the_law_in_force() -> Result<(), String> {
        let old = check(&dual_use("2023-02-27", "KZ>UZ").try_shipment()?).ok_or("no finding")?;
        assert!(
            old.get_legal_basis().contains("No. 300-III"),
            "{}",
            old.get_legal_basis()
        );
        let new = check(&dual_use("2023-02-28", "KZ>UZ").try_shipment()?).ok_or("no finding")?;
        assert!(
            new.get_legal_basis().contains("No. 172-VII"),
            "{}",
            new.get_legal_basis()
        );
        Ok(())
    }

    #[test]
    fn runs_through_the_military_suspension() -> Result<(), String> {
        let s = dual_use("2022-11-14", "KZ>UZ").try_shipment()?;
        assert_eq!(
            check(&s).map(|f| f.outcome()),
            Some(Outcome::LicenceRequired)
        );
        Ok(())
    }

    #[test]
    fn applies_to_russia_only_before_the_russia_rule() -> Result<(), String> {
        assert!(check(&dual_use("2022-08-26", "KZ>RU").try_shipment()?).is_some());
        assert_eq!(
            check(&dual_use("2022-08-27", "KZ>RU").try_shipment()?),
            None
        );
        Ok(())
    }

    #[test]
    fn a_kazakh_licence_for_the_line_clears_it_and_others_do_not() -> Result<(), String> {
        assert_eq!(
            check(
                &dual_use("2024-01-10", "KZ>UZ")
                    .licence("KZ", None, None)
                    .try_shipment()?
            ),
            None
        );
        let eu = dual_use("2024-01-10", "KZ>UZ")
            .licence("EU", None, None)
            .try_shipment()?;
        assert!(check(&eu).is_some());
        let expired = dual_use("2024-01-10", "KZ>UZ")
            .licence("KZ", None, Some("2023-12-31"))
            .try_shipment()?;
        assert!(check(&expired).is_some());
        Ok(())
    }

    #[test]
    fn military_and_ordinary_lines_are_not_its_business() -> Result<(), String> {
        let s = Doc::new("2024-01-10", "KZ>UZ")
            .line(2, &["EAR99"])
            .line(3, &[])
            .line(4, &["5A002"])
            .try_shipment()?;
        assert_eq!(check(&s).map(|f| f.get_lines().to_vec()), Some(vec![4]));
        Ok(())
    }

    #[test]
    fn us_only_classifications_need_no_kazakh_licence() -> Result<(), String> {
        for code in ["5A992.c", "4A994.b", "3A991.a", "0A919", "5D992.c", "EAR99"] {
            let s = Doc::new("2024-01-10", "KZ>KG")
                .codes(&[code])
                .try_shipment()?;
            assert_eq!(check(&s), None, "{code}");
        }
        Ok(())
    }

    #[test]
    fn import_into_kazakhstan_is_not_an_export() -> Result<(), String> {
        assert_eq!(
            check(
                &dual_use("2024-01-10", "DE>KZ")
                    .end_user("KZ")
                    .try_shipment()?
            ),
            None
        );
        Ok(())
    }
}
