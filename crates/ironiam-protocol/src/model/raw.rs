//! The botocore JSON model as it is on disk, before name resolution.
//!
//! Only the fields ironiam uses are read; `documentation` and the like are
//! skipped by serde. Structure members keep the model's order (serde_json's
//! map would sort them), because responses list elements in that order.

use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

/// A whole `service-2.json`.
#[derive(Debug, Deserialize)]
pub(super) struct RawModel {
    pub metadata: RawMetadata,
    #[serde(deserialize_with = "ordered")]
    pub operations: Vec<(String, RawOperation)>,
    #[serde(deserialize_with = "ordered")]
    pub shapes: Vec<(String, RawShape)>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawMetadata {
    pub api_version: String,
    pub protocol: String,
    #[serde(default)]
    pub xml_namespace: Option<String>,
    pub service_id: String,
    pub endpoint_prefix: String,
    #[serde(default)]
    pub target_prefix: Option<String>,
    #[serde(default)]
    pub json_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawOperation {
    pub name: String,
    pub http: RawHttp,
    #[serde(default)]
    pub input: Option<RawShapeRef>,
    #[serde(default)]
    pub output: Option<RawShapeRef>,
    #[serde(default)]
    pub errors: Vec<RawShapeRef>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawHttp {
    pub method: String,
    pub request_uri: String,
}

/// A reference to a shape: operation input/output/errors, members, list
/// members, map keys and values.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawShapeRef {
    pub shape: String,
    #[serde(default)]
    pub location_name: Option<String>,
    #[serde(default)]
    pub result_wrapper: Option<String>,
    #[serde(default)]
    pub flattened: Option<bool>,
    #[serde(default)]
    pub xml_attribute: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawShape {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "ordered_opt")]
    pub members: Option<Vec<(String, RawShapeRef)>>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub member: Option<RawShapeRef>,
    #[serde(default)]
    pub key: Option<RawShapeRef>,
    #[serde(default)]
    pub value: Option<RawShapeRef>,
    #[serde(default)]
    pub min: Option<serde_json::Number>,
    #[serde(default)]
    pub max: Option<serde_json::Number>,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub flattened: bool,
    #[serde(default)]
    pub union: bool,
    #[serde(default)]
    pub exception: bool,
    #[serde(default)]
    pub error: Option<RawErrorTrait>,
    #[serde(default)]
    pub timestamp_format: Option<String>,
}

/// The `error` trait of an exception shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawErrorTrait {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub http_status_code: Option<u16>,
    #[serde(default)]
    pub sender_fault: bool,
}

/// A JSON object read as a list of pairs in document order.
fn ordered<'de, D, T>(deserializer: D) -> Result<Vec<(String, T)>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Ordered<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Ordered<T> {
        type Value = Vec<(String, T)>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(pair) = map.next_entry()? {
                out.push(pair);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_map(Ordered(std::marker::PhantomData))
}

fn ordered_opt<'de, D, T>(deserializer: D) -> Result<Option<Vec<(String, T)>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    ordered(deserializer).map(Some)
}
