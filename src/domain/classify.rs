//! Pre-classification of a new ticket by regex rules from config.

use regex::Regex;

use super::ticket::Classification;
use super::ticket::{Kind, Severity};

/// One rule: when `pattern` matches the customer's text, it proposes the fields it sets.
#[derive(Debug, Clone)]
pub struct Rule {
    pub pattern: Regex,
    pub domain: Option<String>,
    pub kind: Option<Kind>,
    pub severity: Option<Severity>,
}

/// Rules in config order; for each field the first matching rule that sets it wins.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    pub fn new(rules: Vec<Rule>) -> Self {
        RuleSet { rules }
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub fn classify(&self, text: &str) -> Classification {
        let mut result = Classification::default();
        for rule in &self.rules {
            let needs_something = (rule.domain.is_some() && result.domain.is_none())
                || (rule.kind.is_some() && result.kind.is_none())
                || (rule.severity.is_some() && result.severity.is_none());
            if !needs_something || !rule.pattern.is_match(text) {
                continue;
            }
            if result.domain.is_none() {
                result.domain.clone_from(&rule.domain);
            }
            result.kind = result.kind.or(rule.kind);
            result.severity = result.severity.or(rule.severity);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: &str, domain: Option<&str>, kind: Option<Kind>, severity: Option<Severity>) -> Rule {
        Rule { pattern: Regex::new(pattern).unwrap(), domain: domain.map(str::to_owned), kind, severity }
    }

    fn rules() -> RuleSet {
        RuleSet::new(vec![
            rule(r"(?i)\b(urgent|outage)\b|紧急", None, None, Some(Severity::P1)),
            rule(r"(?i)flicker|screen|屏", Some("screen"), Some(Kind::Fault), Some(Severity::P2)),
            rule(r"(?i)signal|信号", Some("rf"), Some(Kind::Fault), None),
        ])
    }

    #[test]
    fn the_first_rule_setting_a_field_wins() {
        let c = rules().classify("URGENT: my screen flickers");
        assert_eq!(c.domain.as_deref(), Some("screen"));
        assert_eq!(c.kind, Some(Kind::Fault));
        assert_eq!(c.severity, Some(Severity::P1));
    }

    #[test]
    fn chinese_text_is_classified_too() {
        let c = rules().classify("手机屏幕一直闪");
        assert_eq!(c.domain.as_deref(), Some("screen"));
        assert_eq!(c.severity, Some(Severity::P2));
    }

    #[test]
    fn text_no_rule_matches_stays_unclassified() {
        assert!(rules().classify("hello there").is_empty());
    }
}
