//! The generated guest side of `wit/policy.wit`. Policy authors never use this
//! directly: [`export_policy!`](crate::export_policy) wires a [`Policy`](crate::Policy) to it.

wit_bindgen::generate!({
    path: "wit",
    world: "policy",
    pub_export_macro: true,
    export_macro_name: "__export_policy_bindings",
    default_bindings_module: "exportctl_sdk::bindings",
    runtime_path: "exportctl_sdk::__private::wit_bindgen::rt",
});
