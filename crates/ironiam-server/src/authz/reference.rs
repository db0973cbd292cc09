//! The bundled Service Authorization Reference tables
//! (`data/service-authorization/{iam,sts,organizations,config}.json`), parsed once.
//!
//! Each action's row names its resource types (each with the keys the row adds for
//! that type) and its own condition keys; each resource type lists the keys every
//! action on it carries (`aws:ResourceTag/${TagKey}` for taggable resources). The
//! authorization contract ([`super::contract`]) and the Organizations and Config
//! authorizers read them from here.

use std::collections::HashMap;
use std::sync::LazyLock;

/// One resource type an action's row names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceRef {
    /// The type, as the row spells it (`user`, `ConfigRule`).
    pub kind: String,
    /// Marked `*` (required) in the reference.
    pub required: bool,
    /// Keys the row adds for this type.
    pub condition_keys: Vec<String>,
}

/// One action's row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionRef {
    /// The resource types, in the reference's order.
    pub resources: Vec<ResourceRef>,
    /// The action's own condition keys.
    pub condition_keys: Vec<String>,
}

/// One service's table.
#[derive(Debug, Default)]
pub struct ServiceRef {
    actions: HashMap<String, ActionRef>,
    resource_types: HashMap<String, Vec<String>>,
}

impl ServiceRef {
    /// The action's row.
    pub fn action(&self, name: &str) -> Option<&ActionRef> {
        self.actions.get(name)
    }

    /// The keys of a resource type (`aws:ResourceTag/${TagKey}`, ...). The tables key
    /// Config's types in lowercase while its rows name them as the page does, so the
    /// lookup falls back to lowercase (README of the data).
    pub fn resource_type_keys(&self, kind: &str) -> &[String] {
        self.resource_types
            .get(kind)
            .or_else(|| self.resource_types.get(&kind.to_lowercase()))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every action name in the table.
    pub fn action_names(&self) -> impl Iterator<Item = &str> {
        self.actions.keys().map(String::as_str)
    }
}

static IAM: LazyLock<ServiceRef> = LazyLock::new(|| {
    load(
        "iam",
        include_str!("../../../../data/service-authorization/iam.json"),
    )
});
static STS: LazyLock<ServiceRef> = LazyLock::new(|| {
    load(
        "sts",
        include_str!("../../../../data/service-authorization/sts.json"),
    )
});
static ORGANIZATIONS: LazyLock<ServiceRef> = LazyLock::new(|| {
    load(
        "organizations",
        include_str!("../../../../data/service-authorization/organizations.json"),
    )
});
static CONFIG: LazyLock<ServiceRef> = LazyLock::new(|| {
    load(
        "config",
        include_str!("../../../../data/service-authorization/config.json"),
    )
});

/// The table of a service by its action prefix (`iam`, `sts`, `organizations`,
/// `config`); an empty one for any other.
pub fn service(prefix: &str) -> &'static ServiceRef {
    static EMPTY: LazyLock<ServiceRef> = LazyLock::new(ServiceRef::default);
    match prefix {
        "iam" => &IAM,
        "sts" => &STS,
        "organizations" => &ORGANIZATIONS,
        "config" => &CONFIG,
        _ => &EMPTY,
    }
}

fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn load(name: &str, text: &str) -> ServiceRef {
    let mut out = ServiceRef::default();
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        tracing::error!(
            service = name,
            "bundled service authorization data is malformed"
        );
        return out;
    };
    for (action, row) in value
        .get("actions")
        .and_then(|a| a.as_object())
        .into_iter()
        .flatten()
    {
        let resources = row
            .get("resources")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
            .filter_map(|r| {
                Some(ResourceRef {
                    kind: r.get("type")?.as_str()?.to_owned(),
                    required: r.get("required").and_then(|x| x.as_bool()) == Some(true),
                    condition_keys: strings(r.get("condition_keys")),
                })
            })
            .collect();
        out.actions.insert(
            action.clone(),
            ActionRef {
                resources,
                condition_keys: strings(row.get("condition_keys")),
            },
        );
    }
    for (kind, entry) in value
        .get("resource_types")
        .and_then(|a| a.as_object())
        .into_iter()
        .flatten()
    {
        out.resource_types
            .insert(kind.clone(), strings(entry.get("condition_keys")));
    }
    out
}
