//! The host side of `sdk/wit/policy.wit`, generated. Private to the crate: the
//! rest of the host converts to and from its own types at this boundary.

wasmtime::component::bindgen!({
    path: "../sdk/wit",
    world: "policy",
    // The log may trap: a plugin that floods it is stopped, not indulged.
    imports: { "exportctl:policy/host.log": trappable },
});
