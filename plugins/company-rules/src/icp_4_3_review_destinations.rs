//! ICP §4.3 Destinations under review: countries where every shipment is looked at by
//! the export control officer before release, whatever the goods.
//!
//! The countries are the `review_destinations` setting. A shipment is concerned when
//! its destination country, its consignee's country or its named end user's country is
//! one of them: goods bought by a company in a listed country are looked at even when
//! they are delivered elsewhere. Transit countries and other parties are not checked.

use exportctl_sdk::{Country, Finding, PartyPath, Rule, Shipment};

/// ICP §4.3: destinations that always need review.
pub const REVIEW_DESTINATION: Rule = Rule::new(
    "icp-4-3-review-destination",
    "ICP §4.3 Destinations under review (internal rule, rev. 2024-01)",
)
.describe("a destination or receiving party in a country the company always reviews");

/// A `review` finding when the destination, the consignee or the named end user is in
/// a `listed` country, naming those parties; `None` otherwise.
pub fn check(shipment: &Shipment, listed: &[Country]) -> Option<Finding> {
    let mut reasons = Vec::new();
    let mut parties = Vec::new();
    if listed.contains(&shipment.destination_country()) {
        reasons.push(format!("destination {}", shipment.destination_country()));
    }
    for party in shipment.parties() {
        let role = match party.path {
            PartyPath::Consignee => "consignee",
            PartyPath::EndUser => "end user",
            _ => continue,
        };
        if listed.contains(&party.party.country()) {
            reasons.push(format!(
                "{role} `{}` in {}",
                party.party.name(),
                party.party.country()
            ));
            parties.push(party.path);
        }
    }
    if reasons.is_empty() {
        return None;
    }
    let finding = REVIEW_DESTINATION.review(format!(
        "a country on the company's review list: {}. The export control officer reviews every \
         shipment there before release.",
        reasons.join("; ")
    ));
    Some(parties.into_iter().fold(finding, Finding::party))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{base, shipment};
    use exportctl_sdk::Outcome;
    use serde_json::{Value, json};

    fn countries(codes: &[&str]) -> Vec<Country> {
        codes.iter().filter_map(|c| Country::parse(c)).collect()
    }

    fn check_with(v: Value, listed: &[&str]) -> Option<Finding> {
        check(&shipment(v), &countries(listed))
    }

    /// `base()` sent to a consignee in `country`.
    fn to(country: &str) -> Value {
        let mut v = base();
        v["destination_country"] = json!(country);
        v["consignee"] = json!({ "name": "Gulf Machinery FZE", "country": country });
        v
    }

    #[test]
    fn reviews_a_listed_destination_and_names_the_consignee() {
        let f = check_with(to("AE"), &["TR", "AE"]).unwrap();
        assert_eq!(f.rule(), "icp-4-3-review-destination");
        assert_eq!(f.outcome(), Outcome::Review);
        assert_eq!(f.get_lines(), Vec::<u32>::new());
        assert_eq!(f.get_parties(), vec!["consignee"]);
        assert_eq!(
            f.message(),
            "a country on the company's review list: destination AE; consignee `Gulf Machinery FZE` in AE. \
             The export control officer reviews every shipment there before release."
        );
        assert_eq!(
            f.get_legal_basis(),
            "ICP §4.3 Destinations under review (internal rule, rev. 2024-01)"
        );
    }

    #[test]
    fn reviews_an_end_user_in_a_listed_country_elsewhere() {
        let mut v = to("KZ");
        v["end_user"] = json!({ "name": "Yerevan Optics CJSC", "country": "AM" });
        let f = check_with(v, &["AM"]).unwrap();
        assert_eq!(f.get_parties(), vec!["end_user"]);
        assert!(
            f.message().contains("end user `Yerevan Optics CJSC` in AM"),
            "{}",
            f.message()
        );
    }

    #[test]
    fn reviews_a_consignee_in_a_listed_country_shipping_elsewhere() {
        let mut v = to("DE");
        v["consignee"]["country"] = json!("TR");
        let f = check_with(v, &["TR"]).unwrap();
        assert_eq!(f.get_parties(), vec!["consignee"]);
        assert!(!f.message().contains("destination"), "{}", f.message());
    }

    #[test]
    fn ignores_unlisted_countries_transit_and_other_parties() {
        assert!(check_with(to("CH"), &["AE"]).is_none());
        assert!(check_with(to("AE"), &[]).is_none());
        let mut v = to("CH");
        v["transit_countries"] = json!(["AE"]);
        v["other_parties"] = json!([{ "role": "payer", "name": "Dubai Pay", "country": "AE" }]);
        assert!(check_with(v, &["AE"]).is_none());
    }
}
