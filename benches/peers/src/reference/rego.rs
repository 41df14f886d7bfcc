//! The reference rule in Rego, run by regorus: compiled once to its bytecode VM
//! (RVM), and by its tree-walking interpreter. The CHPL codes are data
//! (`data.chpl`, an object keyed by code, so membership is one lookup), as an OPA
//! user keeps a list apart from the policy.

use super::{chpl_codes, destination};
use crate::PeersError;
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Value};
use std::collections::BTreeMap;

/// The rule (`benches/peers/rules/reference.rego`).
pub const POLICY: &str = include_str!("../../rules/reference.rego");

/// The rule's entry point.
const ENTRY: &str = "data.peers.deny";

const VM: &str = "regorus RVM";
const INTERPRETER: &str = "regorus interpreter";

/// The rule compiled for both of regorus's evaluators.
pub struct RegoRule {
    vm: RegoVM,
    engine: Engine,
}

impl RegoRule {
    /// Compiles the rule, with the CHPL codes as data.
    pub fn new() -> Result<RegoRule, PeersError> {
        let data: BTreeMap<Value, Value> = chpl_codes()
            .map(|c| (Value::from(c), Value::from(true)))
            .collect();
        let data = Value::from(BTreeMap::from([(Value::from("chpl"), Value::from(data))]));
        let mut engine = Engine::new();
        engine
            .add_policy("peers.rego".into(), POLICY.into())
            .map_err(|e| PeersError::engine(INTERPRETER, e))?;
        engine
            .add_data(data.clone())
            .map_err(|e| PeersError::engine(INTERPRETER, e))?;
        let compiled = engine
            .compile_with_entrypoint(&ENTRY.into())
            .map_err(|e| PeersError::engine(VM, e))?;
        let program = Compiler::compile_from_policy(&compiled, &[ENTRY])
            .map_err(|e| PeersError::engine(VM, e))?;
        let mut vm = RegoVM::new();
        vm.load_program(program);
        vm.set_data(data).map_err(|e| PeersError::engine(VM, e))?;
        Ok(RegoRule { vm, engine })
    }

    /// The rule's input for a shipment: `{"destination": "RU", "lines": [{"hs_code": "85423100"}, …]}`
    /// (HS codes as validated: digits only; the rule takes the subheading itself).
    pub fn input(shipment: &exportctl_sdk::validated::Shipment) -> Value {
        let lines: Vec<Value> = shipment
            .lines
            .iter()
            .map(|l| {
                Value::from(BTreeMap::from([(
                    Value::from("hs_code"),
                    Value::from(l.hs_code.as_str()),
                )]))
            })
            .collect();
        Value::from(BTreeMap::from([
            (
                Value::from("destination"),
                Value::from(destination(shipment)),
            ),
            (Value::from("lines"), Value::from(lines)),
        ]))
    }

    /// The bytecode VM's decision on a built input.
    pub fn vm(&mut self, input: &Value) -> Result<bool, PeersError> {
        self.vm.set_input(input.clone());
        let result = self.vm.execute().map_err(|e| PeersError::engine(VM, e))?;
        decision(VM, &result)
    }

    /// The interpreter's decision on a built input.
    pub fn interpreter(&mut self, input: &Value) -> Result<bool, PeersError> {
        self.engine.set_input(input.clone());
        let result = self
            .engine
            .eval_rule(ENTRY.into())
            .map_err(|e| PeersError::engine(INTERPRETER, e))?;
        decision(INTERPRETER, &result)
    }
}

/// `deny` as a boolean; anything else is the policy's error.
fn decision(engine: &'static str, value: &Value) -> Result<bool, PeersError> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(PeersError::engine(
            engine,
            format!("`deny` is {other}, not a boolean"),
        )),
    }
}
