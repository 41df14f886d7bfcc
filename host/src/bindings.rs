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
