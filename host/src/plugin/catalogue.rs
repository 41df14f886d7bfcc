//! The rules a plugin declares (contract 1.4.0's `rule-catalogue`), checked at
//! load: what `exportctl policies`, `policy inspect`, `GET /v1/policies` and
//! `exportctl test --coverage` list, and what a finding's rule id is held to.

use crate::bindings::exportctl::policy::types::RuleDescription as RawRule;
use exportctl_sdk::{MAX_RULES, Rule};
use serde::Serialize;
use std::collections::BTreeSet;

/// One rule a plugin declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclaredRule {
    /// Kebab-case rule id, as the plugin's findings name it.
    pub id: String,
    /// Regulation, article, annex and list version the rule implements.
    pub legal_basis: String,
    /// One line saying what the rule catches.
    pub description: String,
}

/// Every rule a plugin declares, in the plugin's order, each id once.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleCatalogue {
    rules: Vec<DeclaredRule>,
    /// The ids, for the check of every finding.
    ids: BTreeSet<String>,
}

impl RuleCatalogue {
    /// Checks what the plugin's `rules` returned; the error names the rule and
    /// what is wrong with it, as the SDK's `rules_problem` words it.
    pub(crate) fn from_raw(raw: Vec<RawRule>) -> Result<RuleCatalogue, String> {
        if raw.len() > MAX_RULES {
            return Err(format!(
                "{} rules declared, more than the {MAX_RULES} allowed",
                raw.len()
            ));
        }
        let mut catalogue = RuleCatalogue::default();
        for (i, rule) in raw.into_iter().enumerate() {
            check(&rule).map_err(|reason| format!("rule {i}: {reason}"))?;
            if !catalogue.ids.insert(rule.id.clone()) {
                return Err(format!("rule {i}: `{}` is declared twice", rule.id));
            }
            catalogue.rules.push(DeclaredRule {
                id: rule.id,
                legal_basis: rule.legal_basis,
                description: rule.description,
            });
        }
        Ok(catalogue)
    }

    /// Whether the plugin declares a rule of this id.
    pub(crate) fn declares(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// The declared rules, in the plugin's order.
    pub(crate) fn rules(&self) -> &[DeclaredRule] {
        &self.rules
    }
}

/// What is wrong with one declaration: the SDK's check, and the id the host
/// keeps for its own findings.
fn check(rule: &RawRule) -> Result<(), String> {
    Rule::check_declaration(&rule.id, &rule.legal_basis, &rule.description)?;
    if rule.id == crate::verdict::POLICY_ERROR_RULE {
        return Err("rule id `policy-error` is reserved for the host".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(id: &str, description: &str) -> RawRule {
        RawRule {
            id: id.to_owned(),
            legal_basis: "Law 1 Art. 2".to_owned(),
            description: description.to_owned(),
        }
    }

    #[test]
    fn a_sound_catalogue_keeps_the_plugins_order() {
        let catalogue = RuleCatalogue::from_raw(vec![
            raw("b-rule", "what b catches"),
            raw("a-rule", "what a catches"),
        ])
        .unwrap_or_else(|e| unreachable!("{e}"));
        let ids: Vec<&str> = catalogue.rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["b-rule", "a-rule"]);
        assert!(catalogue.declares("a-rule"));
        assert!(!catalogue.declares("c-rule"));
    }

    #[test]
    fn declarations_outside_the_contract_are_refused() {
        let refused =
            |rules: Vec<RawRule>| RuleCatalogue::from_raw(rules).err().unwrap_or_default();
        assert!(refused(vec![raw("A", "x")]).contains("not kebab-case"));
        assert!(refused(vec![raw("policy-error", "x")]).contains("reserved"));
        assert!(refused(vec![raw("a", " ")]).contains("no description"));
        assert!(refused(vec![raw("a", "two\nlines")]).contains("one line"));
        assert!(refused(vec![raw("a", &"x".repeat(513))]).contains("one line"));
        let twice = refused(vec![raw("a", "x"), raw("a", "y")]);
        assert_eq!(twice, "rule 1: `a` is declared twice");
        let mut no_basis = raw("a", "x");
        no_basis.legal_basis.clear();
        assert!(refused(vec![no_basis]).contains("legal basis"));
        let many = (0..=MAX_RULES)
            .map(|i| raw(&format!("r{i}"), "x"))
            .collect();
        assert!(refused(many).contains("more than the 1024 allowed"));
    }
}
