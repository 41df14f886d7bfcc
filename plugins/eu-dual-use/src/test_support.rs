//! Test shipments for the rules' unit tests: the SDK's [`Doc`] builder, started the way
//! this policy's tests start (an export dated 3 Jun 2024 of a laser, HS 9013.20).

pub use exportctl_sdk::testing::Doc;

/// How this policy's tests start a [`Doc`].
pub trait DocExt {
    /// Goods exported from `origin` to `destination` by an exporter in `origin`, to a
    /// consignee at the destination, on 3 Jun 2024; line 1 is a laser (HS 9013.20) with
    /// no control code.
    fn export(origin: &str, destination: &str) -> Self;
}

impl DocExt for Doc {
    fn export(origin: &str, destination: &str) -> Self {
        Doc::on_route("2024-06-03", &format!("{origin}>{destination}")).add_line(1, "9013.20", &[])
    }
}
