//! Test shipments for the rules' unit tests: the SDK's [`Doc`] builder, with this
//! policy's usual line (integrated circuits, HS 8542.31, ten pieces worth 1000.00 USD,
//! no origin or US content given) and its US content field.

pub(crate) use exportctl_sdk::testing::Doc;
use serde_json::json;

/// How this policy's tests start and change a [`Doc`].
pub(crate) trait DocExt {
    /// A document dated `date` from `origin` to `destination`: exporter and consignee sit
    /// in those countries, no end user is named, and line 1 carries `codes`.
    fn new(date: &str, origin: &str, destination: &str, codes: &[&str]) -> Self;
    /// A US export: from the United States to `destination`, line 1 with `codes`.
    fn us(date: &str, destination: &str, codes: &[&str]) -> Self;
    /// Adds line `number` with `codes` (HS 8542.31, ten pieces, 1000.00 USD).
    fn line(self, number: u32, codes: &[&str]) -> Self;
    /// Sets `us_content_percent` of line `number`.
    fn us_content(self, number: u32, percent: &str) -> Self;
}

impl DocExt for Doc {
    fn new(date: &str, origin: &str, destination: &str, codes: &[&str]) -> Self {
        Doc::on_route(date, &format!("{origin}>{destination}")).line(1, codes)
    }

    fn us(date: &str, destination: &str, codes: &[&str]) -> Self {
        <Doc as DocExt>::new(date, "US", destination, codes)
    }

    fn line(self, number: u32, codes: &[&str]) -> Self {
        self.add_line(number, "8542.31", codes)
            .set_line(number, "quantity", json!(10))
            .set_line(
                number,
                "value",
                json!({ "amount": "1000.00", "currency": "USD" }),
            )
    }

    fn us_content(self, number: u32, percent: &str) -> Self {
        self.set_line(number, "us_content_percent", json!(percent))
    }
}
