//! AWS's service models, the specification of IAM's, STS's and Organizations'
//! wire API.
//!
//! botocore's `service-2.json` for IAM (2010-05-08), STS (2011-06-15) and
//! Organizations (2016-11-28) are embedded (see `models/README.md` for the
//! version) and parsed once, on first use, into typed [`Shape`]s. From them
//! this module:
//!
//! - resolves an `Action` to its [`Operation`] (input, output,
//!   `resultWrapper`, error shapes);
//! - decodes a request's [`QueryParams`] into a generic [`Value`] tree
//!   following the Query protocol's serialization rules ([`decode`]), or a
//!   JSON-protocol body following botocore's JSON serializer ([`json`]);
//! - validates that tree against the model's `required`, `min`/`max`,
//!   `pattern` and `enum` constraints and renders AWS's exact
//!   `ValidationError` message ([`validate`]);
//! - exposes what a response writer needs: member and element names,
//!   `flattened`, `locationName`, and the error shapes' codes and statuses.
//!
//! Parameters the model does not know are ignored, as AWS's Query services
//! ignore them; [`Decoded::unknown`] lists them for logging.

pub mod decode;
mod error;
pub mod json;
pub mod pattern;
mod raw;
pub mod shape;
#[cfg(test)]
mod tests;
pub mod validate;
pub mod value;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use crate::query::QueryParams;

pub use decode::Decoded;
pub use error::{InputError, ModelError};
pub use pattern::Pattern;
pub use shape::{
    ErrorInfo, ListShape, MapShape, Member, PatternId, Range, Shape, ShapeId, ShapeKind,
    StringShape, StructureShape,
};
pub use validate::{Constraint, ValidationErrors, Violation};
pub use value::Value;

use raw::{RawModel, RawShape, RawShapeRef};

/// The embedded IAM model.
pub const IAM_JSON: &str = include_str!("../models/iam-2010-05-08.json");
/// The embedded STS model.
pub const STS_JSON: &str = include_str!("../models/sts-2011-06-15.json");
/// The embedded AWS Organizations model (JSON 1.1 protocol).
pub const ORGANIZATIONS_JSON: &str = include_str!("../models/organizations-2016-11-28.json");
/// The embedded AWS Config model (JSON 1.1 protocol).
pub const CONFIG_JSON: &str = include_str!("../models/config-2014-11-12.json");

static IAM: LazyLock<Result<Model, ModelError>> = LazyLock::new(|| Model::from_json(IAM_JSON));
static STS: LazyLock<Result<Model, ModelError>> = LazyLock::new(|| Model::from_json(STS_JSON));
static ORGANIZATIONS: LazyLock<Result<Model, ModelError>> =
    LazyLock::new(|| Model::from_json(ORGANIZATIONS_JSON));
static CONFIG: LazyLock<Result<Model, ModelError>> =
    LazyLock::new(|| Model::from_json(CONFIG_JSON));

/// A parsed service model.
#[derive(Debug)]
pub struct Model {
    metadata: Metadata,
    operations: BTreeMap<String, Operation>,
    shapes: Vec<Shape>,
    shape_ids: HashMap<String, ShapeId>,
    patterns: Vec<Pattern>,
    errors_by_code: HashMap<String, ShapeId>,
}

/// The model's `metadata` block.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// `apiVersion`, the `Version` parameter clients send (`2010-05-08`).
    pub api_version: String,
    /// `protocol` (`query`).
    pub protocol: String,
    /// `xmlNamespace` of responses.
    pub xml_namespace: Option<String>,
    /// `serviceId` (`IAM`, `STS`).
    pub service_id: String,
    /// `endpointPrefix` (`iam`, `sts`), also the SigV4 service name.
    pub endpoint_prefix: String,
    /// `targetPrefix` of JSON-protocol services: the part of `X-Amz-Target` before
    /// the operation name (`AWSOrganizationsV20161128`).
    pub target_prefix: Option<String>,
    /// `jsonVersion` of JSON-protocol services (`1.1`).
    pub json_version: Option<String>,
}

/// One API operation.
#[derive(Debug, Clone)]
pub struct Operation {
    name: String,
    http_method: String,
    request_uri: String,
    input: Option<ShapeId>,
    output: Option<ShapeId>,
    result_wrapper: Option<String>,
    errors: Vec<ShapeId>,
}

impl Operation {
    /// The operation name, which is the Query `Action` (`CreateUser`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `http.method` (`POST` for every IAM and STS operation).
    pub fn http_method(&self) -> &str {
        &self.http_method
    }

    /// `http.requestUri` (`/`).
    pub fn request_uri(&self) -> &str {
        &self.request_uri
    }

    /// The input structure, if the operation takes parameters.
    pub fn input(&self) -> Option<ShapeId> {
        self.input
    }

    /// The output structure, if the operation returns data.
    pub fn output(&self) -> Option<ShapeId> {
        self.output
    }

    /// `output.resultWrapper`: the element that wraps the output members
    /// inside `<{Action}Response>` (`CreateUserResult`).
    pub fn result_wrapper(&self) -> Option<&str> {
        self.result_wrapper.as_deref()
    }

    /// The exception shapes the operation declares.
    pub fn errors(&self) -> &[ShapeId] {
        &self.errors
    }
}

impl Model {
    /// The IAM model, parsed on first use. An `Err` means the embedded file
    /// or this crate is broken; tests make sure it is not.
    pub fn iam() -> Result<&'static Model, ModelError> {
        IAM.as_ref().map_err(Clone::clone)
    }

    /// The STS model, parsed on first use.
    pub fn sts() -> Result<&'static Model, ModelError> {
        STS.as_ref().map_err(Clone::clone)
    }

    /// The AWS Organizations model, parsed on first use.
    pub fn organizations() -> Result<&'static Model, ModelError> {
        ORGANIZATIONS.as_ref().map_err(Clone::clone)
    }

    /// The AWS Config model, parsed on first use.
    pub fn config() -> Result<&'static Model, ModelError> {
        CONFIG.as_ref().map_err(Clone::clone)
    }

    /// Parses a botocore `service-2.json`.
    pub fn from_json(json: &str) -> Result<Self, ModelError> {
        let raw: RawModel =
            serde_json::from_str(json).map_err(|e| ModelError::Json(e.to_string()))?;
        Builder::new(&raw).build(raw)
    }

    /// The `metadata` block.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// An operation by name (the `Action` parameter).
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    /// All operations, by name.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.operations.values()
    }

    /// A shape by id.
    pub fn shape(&self, id: ShapeId) -> Option<&Shape> {
        self.shapes.get(id.0)
    }

    /// A shape by its model name.
    pub fn shape_id(&self, name: &str) -> Option<ShapeId> {
        self.shape_ids.get(name).copied()
    }

    /// All shapes with their ids.
    pub fn shapes(&self) -> impl Iterator<Item = (ShapeId, &Shape)> {
        self.shapes.iter().enumerate().map(|(i, s)| (ShapeId(i), s))
    }

    /// A compiled pattern.
    pub fn pattern(&self, id: PatternId) -> Option<&Pattern> {
        self.patterns.get(id.0)
    }

    /// Every distinct pattern in the model, compiled.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The exception shape with this wire code (`NoSuchEntity`).
    pub fn error_by_code(&self, code: &str) -> Option<&Shape> {
        self.errors_by_code.get(code).and_then(|id| self.shape(*id))
    }

    /// Decodes and validates an operation's input in one step.
    pub fn decode_input(
        &self,
        operation: &Operation,
        params: &QueryParams,
    ) -> Result<Decoded, InputError> {
        let decoded = decode::decode(self, operation, params)?;
        validate::validate(self, operation, &decoded.value)?;
        Ok(decoded)
    }

    /// Decodes a JSON-protocol request body as `operation`'s input and validates it,
    /// in one step (see [`json`]).
    pub fn decode_json_input(
        &self,
        operation: &Operation,
        body: &[u8],
    ) -> Result<Decoded, InputError> {
        let decoded = json::decode(self, operation, body)?;
        validate::validate(self, operation, &decoded.value)?;
        Ok(decoded)
    }
}

/// Turns the raw model into typed shapes, resolving names to ids.
struct Builder {
    ids: HashMap<String, ShapeId>,
    patterns: Vec<Pattern>,
    pattern_ids: HashMap<String, PatternId>,
}

impl Builder {
    fn new(raw: &RawModel) -> Self {
        let ids = raw
            .shapes
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), ShapeId(i)))
            .collect();
        Self {
            ids,
            patterns: Vec::new(),
            pattern_ids: HashMap::new(),
        }
    }

    fn build(mut self, raw: RawModel) -> Result<Model, ModelError> {
        let mut shapes = Vec::with_capacity(raw.shapes.len());
        let mut errors_by_code = HashMap::new();
        for (index, (name, shape)) in raw.shapes.iter().enumerate() {
            let built = self.shape(name, shape)?;
            if let Some(info) = &built.error {
                errors_by_code.insert(info.code.clone(), ShapeId(index));
            }
            shapes.push(built);
        }
        let mut operations = BTreeMap::new();
        for (name, op) in &raw.operations {
            let resolve = |r: &RawShapeRef| self.id(name, &r.shape);
            let operation = Operation {
                name: op.name.clone(),
                http_method: op.http.method.clone(),
                request_uri: op.http.request_uri.clone(),
                input: op.input.as_ref().map(resolve).transpose()?,
                output: op.output.as_ref().map(resolve).transpose()?,
                result_wrapper: op.output.as_ref().and_then(|o| o.result_wrapper.clone()),
                errors: op.errors.iter().map(resolve).collect::<Result<_, _>>()?,
            };
            operations.insert(name.clone(), operation);
        }
        let m = raw.metadata;
        Ok(Model {
            metadata: Metadata {
                api_version: m.api_version,
                protocol: m.protocol,
                xml_namespace: m.xml_namespace,
                service_id: m.service_id,
                endpoint_prefix: m.endpoint_prefix,
                target_prefix: m.target_prefix,
                json_version: m.json_version,
            },
            operations,
            shapes,
            shape_ids: self.ids,
            patterns: self.patterns,
            errors_by_code,
        })
    }

    fn id(&self, from: &str, to: &str) -> Result<ShapeId, ModelError> {
        self.ids
            .get(to)
            .copied()
            .ok_or_else(|| ModelError::UnknownShape {
                from: from.to_owned(),
                to: to.to_owned(),
            })
    }

    fn member(
        &self,
        from: &str,
        name: &str,
        r: &RawShapeRef,
        required: bool,
    ) -> Result<Member, ModelError> {
        Ok(Member {
            name: name.to_owned(),
            shape: self.id(from, &r.shape)?,
            location_name: r.location_name.clone(),
            flattened: r.flattened.unwrap_or(false),
            xml_attribute: r.xml_attribute.unwrap_or(false),
            required,
        })
    }

    fn shape(&mut self, name: &str, raw: &RawShape) -> Result<Shape, ModelError> {
        let range = || -> Result<Range, ModelError> {
            let bound = |n: &Option<serde_json::Number>| -> Result<Option<i64>, ModelError> {
                n.as_ref()
                    .map(|n| {
                        n.as_i64().ok_or_else(|| ModelError::BadBound {
                            shape: name.to_owned(),
                        })
                    })
                    .transpose()
            };
            Ok(Range {
                min: bound(&raw.min)?,
                max: bound(&raw.max)?,
            })
        };
        let missing = |field| ModelError::MissingField {
            shape: name.to_owned(),
            field,
        };
        let kind = match raw.kind.as_str() {
            "structure" => {
                let raw_members = raw.members.as_deref().unwrap_or_default();
                for req in &raw.required {
                    if !raw_members.iter().any(|(m, _)| m == req) {
                        return Err(ModelError::UnknownRequired {
                            shape: name.to_owned(),
                            member: req.clone(),
                        });
                    }
                }
                let members = raw_members
                    .iter()
                    .map(|(m, r)| self.member(name, m, r, raw.required.contains(m)))
                    .collect::<Result<_, _>>()?;
                ShapeKind::Structure(StructureShape {
                    members,
                    union: raw.union,
                })
            }
            "string" => ShapeKind::String(StringShape {
                length: range()?,
                pattern: raw
                    .pattern
                    .as_deref()
                    .map(|p| self.pattern(p))
                    .transpose()?,
                enum_values: raw.enum_values.clone(),
            }),
            "integer" => ShapeKind::Integer(range()?),
            "long" => ShapeKind::Long(range()?),
            "boolean" => ShapeKind::Boolean,
            "timestamp" => ShapeKind::Timestamp {
                format: raw.timestamp_format.clone(),
            },
            "blob" => ShapeKind::Blob(range()?),
            "list" => {
                let member = raw.member.as_ref().ok_or_else(|| missing("member"))?;
                ShapeKind::List(ListShape {
                    member: self.member(name, "member", member, false)?,
                    length: range()?,
                    flattened: raw.flattened,
                })
            }
            "map" => {
                let key = raw.key.as_ref().ok_or_else(|| missing("key"))?;
                let value = raw.value.as_ref().ok_or_else(|| missing("value"))?;
                ShapeKind::Map(MapShape {
                    key: self.member(name, "key", key, false)?,
                    value: self.member(name, "value", value, false)?,
                    length: range()?,
                    flattened: raw.flattened,
                })
            }
            other => {
                return Err(ModelError::UnsupportedType {
                    shape: name.to_owned(),
                    kind: other.to_owned(),
                });
            }
        };
        let error = raw.exception.then(|| {
            let trait_ = raw.error.as_ref();
            ErrorInfo {
                code: trait_
                    .and_then(|e| e.code.clone())
                    .unwrap_or_else(|| name.to_owned()),
                http_status: trait_.and_then(|e| e.http_status_code).unwrap_or(400),
                sender_fault: trait_.is_none_or(|e| e.sender_fault),
            }
        });
        Ok(Shape {
            name: name.to_owned(),
            kind,
            sensitive: raw.sensitive,
            error,
        })
    }

    /// Compiles each distinct pattern once.
    fn pattern(&mut self, source: &str) -> Result<PatternId, ModelError> {
        if let Some(id) = self.pattern_ids.get(source) {
            return Ok(*id);
        }
        let id = PatternId(self.patterns.len());
        self.patterns.push(Pattern::compile(source)?);
        self.pattern_ids.insert(source.to_owned(), id);
        Ok(id)
    }
}

/// `UserName` -> `userName`: how AWS names members in validation messages.
pub fn lower_camel(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
