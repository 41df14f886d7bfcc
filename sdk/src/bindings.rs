//! The generated guest side of `wit/policy.wit`. Policy authors never use this
//! directly: [`export_policy!`](crate::export_policy) wires a [`Policy`](crate::Policy) to it.

wit_bindgen::generate!({
    path: "wit",
    // The larger world: it holds every interface of the contract. An ordinary
    // policy exports only the evaluator (`export_policy!`), and the plugin
    // builder then drops the party screener from the component type it embeds.
    world: "screening-policy",
    pub_export_macro: true,
    export_macro_name: "__export_screening_policy_bindings",
    default_bindings_module: "exportctl_sdk::bindings",
    runtime_path: "exportctl_sdk::__private::wit_bindgen::rt",
});
