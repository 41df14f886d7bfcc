//! Test shipments for the rules' unit tests: the SDK's [`Doc`] builder, with this
//! policy's usual first line (furniture, HS 9403.60, no control code).

pub use exportctl_sdk::testing::Doc;

/// How this policy's tests start and change a [`Doc`].
pub trait DocExt {
    /// A document dated `date` on `route`, written `origin>transit…>destination` (e.g.
    /// `DE>PL>RU>MN`). The exporter sits in the origin country, the consignee at the
    /// destination, no end user is named, and line 1 is furniture (HS 9403.60) with no
    /// control code.
    fn new(date: &str, route: &str) -> Self;
    /// Replaces the HS code of line 1.
    fn hs(self, hs: &str) -> Self;
}

impl DocExt for Doc {
    fn new(date: &str, route: &str) -> Self {
        Doc::on_route(date, route).add_line(1, "9403.60", &[])
    }

    fn hs(self, hs: &str) -> Self {
        self.line_hs(1, hs)
    }
}
