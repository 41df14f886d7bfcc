//! The host side of `sdk/wit/policy.wit`, generated. Private to the crate: the
//! rest of the host converts to and from its own types at this boundary.
//!
//! A leaf module: the engine (which links the log import), the sandbox (which
//! implements it) and the plugin loader (which instantiates the world) all depend
//! on it, and it on none of them, so no two of those three depend on each other
//! both ways.

wasmtime::component::bindgen!({
    path: "../sdk/wit",
    world: "policy",
    // The log may trap: a plugin that floods it is stopped, not indulged.
    imports: { "exportctl:policy/host.log": trappable },
});

/// The `screening-policy` world, the contract's largest, for its optional
/// exports: the party screener (1.1.0) and the keyed evaluator (1.2.0) of the
/// plugins that export them. Its types and log are the ones above.
pub(crate) mod optional {
    wasmtime::component::bindgen!({
        path: "../sdk/wit",
        world: "screening-policy",
        with: {
            "exportctl:policy/types": crate::bindings::exportctl::policy::types,
            "exportctl:policy/host": crate::bindings::exportctl::policy::host,
        },
    });
}
