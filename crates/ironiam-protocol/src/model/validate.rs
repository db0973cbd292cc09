//! Constraint validation with AWS's `ValidationError` wording.
//!
//! AWS's Query services (IAM, STS) check the model's `required`, `min`,
//! `max`, `pattern` and `enum` traits before the operation runs, and answer
//! every failure at once as one `ValidationError` (HTTP 400):
//!
//! ```text
//! 1 validation error detected: Value 'x…x' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64
//! 2 validation errors detected: Value '' at 'memberId.userId' failed to satisfy constraint: Member must satisfy regular expression pattern: …; Value '' at 'memberId.userId' failed to satisfy constraint: Member must have length greater than or equal to 1
//! ```
//!
//! The pieces, each from AWS responses quoted in public issues:
//!
//! - the count, `error` / `errors`, and `; ` between violations;
//! - the location: member names in lowerCamelCase joined by `.`, list
//!   elements as `name.N.member` (`tags.6.member.value`, IAM `CreateUser`);
//! - `Value null at '…'` + `Member must not be null` for a missing required
//!   member (IAM `CreateUser` without `UserName`, STS `AssumeRole` without
//!   `RoleArn`): IAM does not use `MissingParameter` for these;
//! - `Value at '…'`, without the value, for members whose shape is
//!   `sensitive` (as Cognito does for passwords); others quote the value;
//! - the constraint texts in [`Constraint`]'s `Display`.
//!
//! AWS's order among several violations is not stable across services (hash
//! order in its Java validator); here it is model member order, and for one
//! member: length, then pattern, then enum.

use std::fmt;

use super::shape::{ShapeId, ShapeKind};
use super::value::Value;
use super::{Model, Operation, lower_camel};

/// One failed constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Constraint {
    /// A `required` member is absent.
    NotNull,
    /// Shorter than `min` (UTF-16 units for strings, elements for lists).
    MinLength(i64),
    /// Longer than `max`.
    MaxLength(i64),
    /// Does not match `pattern` (the model's text).
    Pattern(String),
    /// Not one of `enum`.
    Enum(Vec<String>),
    /// A number below `min`.
    MinValue(i64),
    /// A number above `max`.
    MaxValue(i64),
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotNull => f.write_str("Member must not be null"),
            Self::MinLength(n) => write!(f, "Member must have length greater than or equal to {n}"),
            Self::MaxLength(n) => write!(f, "Member must have length less than or equal to {n}"),
            Self::Pattern(p) => write!(f, "Member must satisfy regular expression pattern: {p}"),
            Self::Enum(values) => {
                write!(
                    f,
                    "Member must satisfy enum value set: [{}]",
                    values.join(", ")
                )
            }
            Self::MinValue(n) => write!(f, "Member must have value greater than or equal to {n}"),
            Self::MaxValue(n) => write!(f, "Member must have value less than or equal to {n}"),
        }
    }
}

/// How the offending value appears in the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// `Value null at`: the member is absent.
    Null,
    /// `Value at`: the shape is `sensitive`.
    Hidden,
    /// `Value '…' at`.
    Text(String),
}

/// One violation: where, what value, which constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `userName`, `tags.1.member.value`.
    pub path: String,
    /// The value as AWS shows it.
    pub value: Shown,
    /// The constraint.
    pub constraint: Constraint,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Shown::Null => f.write_str("Value null")?,
            Shown::Hidden => f.write_str("Value")?,
            Shown::Text(text) => write!(f, "Value '{text}'")?,
        }
        write!(
            f,
            " at '{}' failed to satisfy constraint: {}",
            self.path, self.constraint
        )
    }
}

/// All violations of one request; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors {
    violations: Vec<Violation>,
}

impl ValidationErrors {
    /// The violations, in reporting order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The `<Message>`: `N validation error(s) detected: …; …`.
    pub fn aws_message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(
            f,
            "{n} validation error{} detected: ",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Checks a decoded input against the operation's input shape.
pub fn validate(
    model: &Model,
    operation: &Operation,
    input: &Value,
) -> Result<(), ValidationErrors> {
    let mut violations = Vec::new();
    if let Some(id) = operation.input() {
        Checker {
            model,
            out: &mut violations,
        }
        .check(input, id, "");
    }
    if violations.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors { violations })
    }
}

struct Checker<'a> {
    model: &'a Model,
    out: &'a mut Vec<Violation>,
}

fn join(prefix: &str, segment: &str) -> String {
    if prefix.is_empty() {
        segment.to_owned()
    } else {
        format!("{prefix}.{segment}")
    }
}

impl Checker<'_> {
    fn check(&mut self, value: &Value, id: ShapeId, path: &str) {
        let Some(shape) = self.model.shape(id) else {
            return;
        };
        let shown = || {
            if shape.is_sensitive() {
                Shown::Hidden
            } else {
                Shown::Text(value.to_string())
            }
        };
        let mut fail = |constraint| {
            self.out.push(Violation {
                path: path.to_owned(),
                value: shown(),
                constraint,
            });
        };
        match (shape.kind(), value) {
            (ShapeKind::Structure(s), Value::Struct(members)) => {
                for member in s.members() {
                    let member_path = join(path, &lower_camel(member.name()));
                    match members.get(member.name()) {
                        Some(v) => self.check(v, member.shape(), &member_path),
                        None if member.is_required() => self.out.push(Violation {
                            path: member_path,
                            value: Shown::Null,
                            constraint: Constraint::NotNull,
                        }),
                        None => {}
                    }
                }
            }
            (ShapeKind::String(s), Value::String(text)) => {
                let len = i64::try_from(text.encode_utf16().count()).unwrap_or(i64::MAX);
                length(s.length.min, s.length.max, len, &mut fail);
                if let Some(pattern) = s.pattern.and_then(|p| self.model.pattern(p))
                    && !pattern.is_match(text)
                {
                    fail(Constraint::Pattern(pattern.source().to_owned()));
                }
                if let Some(values) = &s.enum_values
                    && !values.iter().any(|v| v == text)
                {
                    fail(Constraint::Enum(values.clone()));
                }
            }
            (ShapeKind::Integer(r) | ShapeKind::Long(r), Value::Integer(n)) => {
                if let Some(min) = r.min
                    && *n < min
                {
                    fail(Constraint::MinValue(min));
                }
                if let Some(max) = r.max
                    && *n > max
                {
                    fail(Constraint::MaxValue(max));
                }
            }
            (ShapeKind::Blob(r), Value::Blob(bytes)) => {
                let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                length(r.min, r.max, len, &mut fail);
            }
            (ShapeKind::List(list), Value::List(items)) => {
                let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                length(list.length().min, list.length().max, len, &mut fail);
                let element = list.member().shape();
                for (i, item) in items.iter().enumerate() {
                    self.check(
                        item,
                        element,
                        &format!("{}.member", join(path, &(i + 1).to_string())),
                    );
                }
            }
            (ShapeKind::Map(map), Value::Map(entries)) => {
                let len = i64::try_from(entries.len()).unwrap_or(i64::MAX);
                length(map.length().min, map.length().max, len, &mut fail);
                let (key_shape, value_shape) = (map.key().shape(), map.value().shape());
                // AWS's location text for map entries was not found; this
                // follows the list form.
                for (i, (k, v)) in entries.iter().enumerate() {
                    let entry = format!("{}.member", join(path, &(i + 1).to_string()));
                    self.check(&Value::String(k.clone()), key_shape, &join(&entry, "key"));
                    self.check(v, value_shape, &join(&entry, "value"));
                }
            }
            // Booleans and timestamps carry no constraints; a value of the
            // wrong kind cannot come out of `decode`.
            _ => {}
        }
    }
}

fn length(min: Option<i64>, max: Option<i64>, len: i64, fail: &mut impl FnMut(Constraint)) {
    if let Some(min) = min
        && len < min
    {
        fail(Constraint::MinLength(min));
    }
    if let Some(max) = max
        && len > max
    {
        fail(Constraint::MaxLength(max));
    }
}
