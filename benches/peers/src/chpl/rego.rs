//! The `chpl-diversion` decision in Rego (`benches/peers/rules/chpl.rego`), run by
//! regorus's bytecode VM. The code lists and country sets are data, taken from the
//! same tables the plugin uses.

use super::{Decision, Finding};
use crate::PeersError;
use exportctl_sdk::validated::Shipment;
use exportctl_sdk::{CountrySet, country_sets};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Value};
use std::collections::BTreeMap;

/// The rules (`benches/peers/rules/chpl.rego`).
pub const POLICY: &str = include_str!("../../rules/chpl.rego");

/// The entry point: the set of findings.
const ENTRY: &str = "data.chpl.findings";

const VM: &str = "regorus RVM";

/// CHPL subheadings Annex XL named only from 25 Jun 2024 (Reg. (EU) 2024/1745), as
/// `plugins/chpl-diversion/src/lists.rs` holds them.
const ADDED_TO_ANNEX_XL_IN_2024: [&str; 5] = ["845710", "845811", "845891", "845961", "846693"];

/// The rules compiled to RVM bytecode, with their data.
pub struct RegoChpl {
    vm: RegoVM,
}

impl RegoChpl {
    /// Compiles the rules and loads the lists.
    pub fn new() -> Result<RegoChpl, PeersError> {
        let lists = object([
            ("chpl", keys(crate::reference::chpl_codes())),
            ("added_to_annex_xl_in_2024", keys(ADDED_TO_ANNEX_XL_IN_2024)),
        ]);
        let sets = object([
            ("eu27", countries(&country_sets::EU27)),
            ("ru_by", countries(&country_sets::RUSSIA_BELARUS)),
            (
                "transshipment_risk",
                countries(&country_sets::TRANSSHIPMENT_RISK),
            ),
        ]);
        let data = object([("lists", lists), ("countries", sets)]);
        let mut engine = Engine::new();
        engine
            .add_policy("chpl.rego".into(), POLICY.into())
            .map_err(|e| PeersError::engine(VM, e))?;
        engine
            .add_data(data.clone())
            .map_err(|e| PeersError::engine(VM, e))?;
        let compiled = engine
            .compile_with_entrypoint(&ENTRY.into())
            .map_err(|e| PeersError::engine(VM, e))?;
        let program = Compiler::compile_from_policy(&compiled, &[ENTRY])
            .map_err(|e| PeersError::engine(VM, e))?;
        let mut vm = RegoVM::new();
        vm.load_program(program);
        vm.set_data(data).map_err(|e| PeersError::engine(VM, e))?;
        Ok(RegoChpl { vm })
    }

    /// The input for a shipment: the fields of the validated shipment the rules read,
    /// in the shape of the input document.
    pub fn input(s: &Shipment) -> Value {
        let country = |c: &exportctl_sdk::Country| object([("country", Value::from(c.as_str()))]);
        let mut fields = vec![
            ("as_of", Value::from(s.as_of.to_string())),
            ("exporter", country(&s.exporter.country)),
            ("origin_country", Value::from(s.origin_country.as_str())),
            (
                "destination_country",
                Value::from(s.destination_country.as_str()),
            ),
            ("consignee", country(&s.consignee.country)),
            (
                "other_parties",
                Value::from(
                    s.other_parties
                        .iter()
                        .map(|p| {
                            object([
                                ("role", Value::from(p.role.as_str())),
                                ("country", Value::from(p.party.country.as_str())),
                            ])
                        })
                        .collect::<Vec<_>>(),
                ),
            ),
            (
                "transit_countries",
                Value::from(
                    s.transit_countries
                        .iter()
                        .map(|c| Value::from(c.as_str()))
                        .collect::<Vec<_>>(),
                ),
            ),
            (
                "lines",
                Value::from(s.lines.iter().map(line).collect::<Vec<_>>()),
            ),
        ];
        if let Some(end_user) = &s.end_user {
            fields.push(("end_user", country(&end_user.country)));
        }
        object(fields)
    }

    /// The decision on a built input.
    pub fn decide(&mut self, input: &Value) -> Result<Decision, PeersError> {
        self.vm.set_input(input.clone());
        let result = self.vm.execute().map_err(|e| PeersError::engine(VM, e))?;
        decision(&result)
    }
}

/// A line as the rules read it.
fn line(l: &exportctl_sdk::validated::Line) -> Value {
    let mut fields = vec![
        ("line", Value::from(l.line)),
        ("hs_code", Value::from(l.hs_code.as_str())),
    ];
    if let Some(c) = l.origin_country {
        fields.push(("origin_country", Value::from(c.as_str())));
    }
    if let Some(p) = l.us_content_percent {
        // Percentages have at most a few decimals: f64 holds them exactly enough
        // for the `> 25` test.
        fields.push((
            "us_content_percent",
            Value::from(p.to_string().parse::<f64>().unwrap_or(f64::NAN)),
        ));
    }
    object(fields)
}

fn object<'k>(fields: impl IntoIterator<Item = (&'k str, Value)>) -> Value {
    Value::from(
        fields
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn keys<'k>(codes: impl IntoIterator<Item = &'k str>) -> Value {
    object(codes.into_iter().map(|c| (c, Value::from(true))))
}

fn countries(set: &CountrySet) -> Value {
    keys(set.members.iter().map(|c| c.as_str()))
}

/// The set of findings as a [`Decision`].
fn decision(value: &Value) -> Result<Decision, PeersError> {
    let bad = |what: &str| PeersError::engine(VM, format!("`findings`: {what} in {value}"));
    let set = value.as_set().map_err(|_| bad("not a set"))?;
    let mut findings = Vec::new();
    for f in set.iter() {
        let text = |key: &str| -> Result<String, PeersError> {
            Ok(f[key].as_string().map_err(|_| bad(key))?.to_string())
        };
        let lines = f["lines"]
            .as_array()
            .map_err(|_| bad("lines"))?
            .iter()
            .map(|n| n.as_u32().map_err(|_| bad("a line number")))
            .collect::<Result<Vec<_>, _>>()?;
        findings.push(Finding {
            rule: text("rule")?,
            outcome: text("outcome")?,
            lines,
        });
    }
    Ok(Decision::new(findings))
}
