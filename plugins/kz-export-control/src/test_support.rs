//! Test shipments for the rules' unit tests: the SDK's [`Doc`] builder, with this
//! policy's usual line (a combat drone, HS 8806.23, ML10, 1000 USD).

pub use exportctl_sdk::testing::Doc;
use serde_json::json;

/// How this policy's tests start and change a [`Doc`].
pub trait DocExt {
    /// A document dated `date` on `route`, written `origin>transit…>destination`
    /// (e.g. `KG>KZ>RU`), with one line: combat drone, ML10. The consignee sits at
    /// the destination and no end user is named.
    fn new(date: &str, route: &str) -> Self;
    /// Adds line `number`: a drone (HS 8806.23) with `codes`, worth 1000 USD.
    fn line(self, number: u32, codes: &[&str]) -> Self;
    /// Declares a military end use (the armed forces).
    fn military_end_use(self) -> Self;
}

impl DocExt for Doc {
    fn new(date: &str, route: &str) -> Self {
        Doc::on_route(date, route).line(1, &["ML10"])
    }

    fn line(self, number: u32, codes: &[&str]) -> Self {
        self.add_line(number, "8806.23", codes).set_line(
            number,
            "value",
            json!({ "amount": "1000", "currency": "USD" }),
        )
    }

    fn military_end_use(self) -> Self {
        self.end_use("armed forces", true)
    }
}
