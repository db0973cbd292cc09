//! Compiled conditions and their evaluation, following the IAM User Guide pages
//! "IAM JSON policy elements: Condition operators", "Creating a condition with multiple
//! keys or values" and "Single-valued vs. multivalued context keys".
//!
//! - Values under one key are ORed; a negated operator NORs them.
//! - An absent key makes a condition false, except for negated operators (true),
//!   `...IfExists` (true), `ForAllValues:` (true: nothing fails) and `Null`.
//! - Without a set qualifier, a multivalued key matches when any of its values does
//!   (AWS documents that such keys need a qualifier, and is silent otherwise; "any" is
//!   the reading that keeps a Deny with a negated operator from opening up).

use std::net::IpAddr;

use crate::context::{Context, ContextValue, fast_hash};
use crate::document::Condition;
use crate::loc::Span;
use crate::operator::{BaseOperator, ConditionOperator, Family, SetQualifier};
use crate::pattern::{Arena, Colons, Match, Pattern, Syntax, Text};
use crate::value::{self, Cidr};

/// Why a condition did not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure<'p> {
    /// The key was absent from the request.
    KeyMissing,
    /// The key was present but its values did not satisfy the operator.
    ValueMismatch,
    /// A policy variable in the condition's values was absent (and so matched nothing).
    VariableMissing(&'p str),
}

#[derive(Debug, Clone, PartialEq)]
enum Operands {
    /// String and ARN operators: patterns (wildcards on for `Like`).
    Text(Box<[Pattern]>),
    /// `...IgnoreCase`: patterns rendered, then compared case-insensitively.
    TextIgnoreCase(Box<[Pattern]>),
    /// ARN operators: six patterns per value, one per colon-separated component.
    Arn(Box<[Option<Box<[Pattern]>>]>),
    Number(Box<[Option<f64>]>),
    Date(Box<[Option<i64>]>),
    Bool(Box<[Option<bool>]>),
    Binary(Box<[(String, Option<Vec<u8>>)]>),
    Ip(Box<[Option<Cidr>]>),
    /// `Null`: `true` asks for an absent key, `false` for a present one.
    Null(Box<[Option<bool>]>),
}

/// A condition ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledCondition {
    pub(crate) operator: ConditionOperator,
    /// The key, folded to lowercase, in the policy's arena, and its hash.
    pub(crate) key: Text,
    pub(crate) key_hash: u64,
    /// Where the operator and the key are written, for explanations.
    pub(crate) operator_span: Span,
    pub(crate) key_span: Span,
    operands: Operands,
}

impl CompiledCondition {
    pub(crate) fn compile(condition: &Condition<'_>, variables: bool, arena: &mut Arena) -> Self {
        let operator = condition.operator;
        let texts = condition.values.iter().map(|value| value.value.as_ref());
        let text_syntax = |wildcards| Syntax {
            colons: Colons::Free,
            lowercase: false,
            variables,
            wildcards,
        };
        let operands = match operator.base.family() {
            Family::String => {
                let like = matches!(
                    operator.base,
                    BaseOperator::StringLike | BaseOperator::StringNotLike
                );
                let patterns = texts
                    .map(|text| Pattern::compile(text, text_syntax(like), arena))
                    .collect();
                if matches!(
                    operator.base,
                    BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringNotEqualsIgnoreCase
                ) {
                    Operands::TextIgnoreCase(patterns)
                } else {
                    Operands::Text(patterns)
                }
            }
            Family::Arn => Operands::Arn(
                texts
                    .map(|text| {
                        let parts: Vec<&str> = text.splitn(6, ':').collect();
                        (parts.len() == 6).then(|| {
                            parts
                                .iter()
                                .map(|part| Pattern::compile(part, text_syntax(true), arena))
                                .collect()
                        })
                    })
                    .collect(),
            ),
            Family::Numeric => Operands::Number(texts.map(value::number).collect()),
            Family::Date => Operands::Date(texts.map(value::date_millis).collect()),
            Family::Bool => Operands::Bool(texts.map(value::boolean).collect()),
            Family::Binary => Operands::Binary(
                texts
                    .map(|text| (text.to_string(), value::base64(text)))
                    .collect(),
            ),
            Family::Ip => Operands::Ip(texts.map(Cidr::parse).collect()),
            Family::Null => Operands::Null(texts.map(value::boolean).collect()),
        };
        let key = arena.push_text(&condition.key.value, true);
        Self {
            operator,
            key,
            key_hash: fast_hash(arena.text(key)),
            operator_span: condition.operator_text.span,
            key_span: condition.key.span,
            operands,
        }
    }

    /// Evaluates the condition against the request's context.
    pub(crate) fn evaluate<'p>(
        &'p self,
        arena: &'p Arena,
        context: &Context,
    ) -> Result<(), Failure<'p>> {
        let found = context.get_hashed(self.key_hash, arena.text(self.key));
        if let Operands::Null(wants_absent) = &self.operands {
            let absent = found.is_none_or(|value| value.values.is_empty());
            return if wants_absent.contains(&Some(absent)) {
                Ok(())
            } else {
                Err(Failure::ValueMismatch)
            };
        }
        let values = match found {
            Some(ContextValue { values, .. }) if !values.is_empty() => values,
            _ => return self.when_absent(),
        };
        let negated = self.operator.base.is_negated();
        let mut unresolved = None;
        let mut matches_any = |value: &str| -> bool {
            let (matched, missing) = self.matches_any_operand(arena, value, context);
            if missing.is_some() {
                unresolved = missing;
            }
            matched
        };
        let holds = match self.operator.qualifier {
            None | Some(SetQualifier::ForAnyValue) if !negated => {
                values.iter().any(|v| matches_any(v))
            }
            None => !values.iter().any(|v| matches_any(v)),
            Some(SetQualifier::ForAnyValue) => values.iter().any(|v| !matches_any(v)),
            Some(SetQualifier::ForAllValues) if !negated => values.iter().all(|v| matches_any(v)),
            Some(SetQualifier::ForAllValues) => values.iter().all(|v| !matches_any(v)),
        };
        match (holds, unresolved) {
            (true, _) => Ok(()),
            (false, Some(key)) => Err(Failure::VariableMissing(key)),
            (false, None) => Err(Failure::ValueMismatch),
        }
    }

    fn when_absent<'p>(&self) -> Result<(), Failure<'p>> {
        let holds = self.operator.if_exists
            || match self.operator.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => self.operator.base.is_negated(),
            };
        if holds {
            Ok(())
        } else {
            Err(Failure::KeyMissing)
        }
    }

    /// Whether `value` satisfies the positive form of the operator for any operand.
    /// Also returns a variable key that was absent, for explanations.
    fn matches_any_operand<'p>(
        &'p self,
        arena: &'p Arena,
        value: &str,
        context: &Context,
    ) -> (bool, Option<&'p str>) {
        let mut unresolved = None;
        let matched = match &self.operands {
            Operands::Text(patterns) => {
                patterns
                    .iter()
                    .any(|pattern| match pattern.matches(arena, value, context) {
                        Match::Yes => true,
                        Match::No => false,
                        Match::Unresolved(key) => {
                            unresolved = Some(key);
                            false
                        }
                    })
            }
            Operands::TextIgnoreCase(patterns) => {
                let folded = value.to_lowercase();
                patterns
                    .iter()
                    .any(|pattern| match pattern.render(arena, context) {
                        Ok(expected) => expected.to_lowercase() == folded,
                        Err(key) => {
                            unresolved = Some(key);
                            false
                        }
                    })
            }
            Operands::Arn(patterns) => {
                let parts: Vec<&str> = value.splitn(6, ':').collect();
                parts.len() == 6
                    && patterns.iter().flatten().any(|components| {
                        components.iter().zip(&parts).all(|(pattern, part)| {
                            match pattern.matches(arena, part, context) {
                                Match::Yes => true,
                                Match::No => false,
                                Match::Unresolved(key) => {
                                    unresolved = Some(key);
                                    false
                                }
                            }
                        })
                    })
            }
            Operands::Number(numbers) => value::number(value).is_some_and(|actual| {
                numbers
                    .iter()
                    .flatten()
                    .any(|expected| compare(self.operator.base, actual, *expected))
            }),
            Operands::Date(dates) => value::date_millis(value).is_some_and(|actual| {
                dates
                    .iter()
                    .flatten()
                    .any(|expected| compare(self.operator.base, actual, *expected))
            }),
            Operands::Bool(flags) => {
                value::boolean(value).is_some_and(|actual| flags.contains(&Some(actual)))
            }
            Operands::Binary(expected) => {
                let decoded = value::base64(value);
                expected
                    .iter()
                    .any(|(text, bytes)| match (bytes, &decoded) {
                        (Some(bytes), Some(actual)) => bytes == actual,
                        _ => text == value,
                    })
            }
            Operands::Ip(ranges) => value
                .trim()
                .parse::<IpAddr>()
                .is_ok_and(|address| ranges.iter().flatten().any(|range| range.contains(address))),
            Operands::Null(_) => false,
        };
        (matched, unresolved)
    }
}

/// The positive comparison of numeric and date operators: `NumericNotEquals` compares
/// for equality and the caller negates.
fn compare<T: PartialOrd>(operator: BaseOperator, actual: T, expected: T) -> bool {
    use BaseOperator::*;
    match operator {
        NumericLessThan | DateLessThan => actual < expected,
        NumericLessThanEquals | DateLessThanEquals => actual <= expected,
        NumericGreaterThan | DateGreaterThan => actual > expected,
        NumericGreaterThanEquals | DateGreaterThanEquals => actual >= expected,
        _ => actual == expected,
    }
}
