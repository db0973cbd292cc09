//! The AWS SDK for Rust (`aws-sdk-iam`) against the real ironiam server on
//! 127.0.0.1 with an ephemeral port and an in-memory store. Every assertion
//! is a result the IAM API Reference documents.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::net::SocketAddr;
use std::sync::Arc;

use aws_sdk_iam::Client;
use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region, retry::RetryConfig};
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::Tag;
use ironiam_server::clock::SystemClock;
use ironiam_server::{AppState, Config, router};

const ACCOUNT: &str = "123456789012";
const ROOT_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const ROOT_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// A running server; aborted when dropped.
struct Server {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    async fn start() -> Self {
        let config = Config::ephemeral_for_tests(ACCOUNT, ROOT_ID, ROOT_SECRET);
        let (state, _) = AppState::open(&config, Arc::new(SystemClock)).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, router(state)).await.unwrap();
        });
        Self { addr, task }
    }

    /// An IAM client signing with the given key, over plain HTTP.
    fn client(&self, key_id: &str, secret: &str) -> Client {
        let config = aws_sdk_iam::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(format!("http://{}", self.addr))
            .credentials_provider(Credentials::new(key_id, secret, None, None, "ironiam-test"))
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .retry_config(RetryConfig::disabled())
            .build();
        Client::from_conf(config)
    }

    fn root(&self) -> Client {
        self.client(ROOT_ID, ROOT_SECRET)
    }
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().unwrap()
}

/// Decodes the RFC 3986 percent-encoding IAM applies to policy documents.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn create_user_with_path_and_tags_then_get_user() {
    let server = Server::start().await;
    let iam = server.root();
    let created = iam
        .create_user()
        .user_name("alice")
        .path("/division/")
        .tags(tag("team", "blue"))
        .tags(tag("cost-center", "42"))
        .send()
        .await
        .unwrap();
    let user = created.user().unwrap();
    assert_eq!(user.user_name(), "alice");
    assert_eq!(user.path(), "/division/");
    assert_eq!(user.arn(), "arn:aws:iam::123456789012:user/division/alice");
    assert!(user.user_id().starts_with("AIDA"), "{}", user.user_id());

    let got = iam.get_user().user_name("alice").send().await.unwrap();
    let got = got.user().unwrap();
    assert_eq!(got.user_id(), user.user_id());
    assert_eq!(got.arn(), user.arn());
    assert_eq!(got.path(), "/division/");
    let mut tags: Vec<(&str, &str)> = got.tags().iter().map(|t| (t.key(), t.value())).collect();
    tags.sort();
    assert_eq!(tags, vec![("cost-center", "42"), ("team", "blue")]);
}

#[tokio::test]
async fn list_users_pages_with_markers_and_the_paginator() {
    let server = Server::start().await;
    let iam = server.root();
    for name in ["u1", "u2", "u3", "u4", "u5"] {
        iam.create_user().user_name(name).send().await.unwrap();
    }
    // By hand: MaxItems 2, follow Marker while IsTruncated.
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = iam
            .list_users()
            .max_items(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(page.users().len() <= 2);
        names.extend(page.users().iter().map(|u| u.user_name().to_owned()));
        if page.is_truncated() {
            marker = Some(
                page.marker()
                    .expect("a truncated page has a Marker")
                    .to_owned(),
            );
        } else {
            assert_eq!(page.marker(), None);
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names, ["u1", "u2", "u3", "u4", "u5"]);

    // The SDK's own paginator follows the same markers.
    let users = iam
        .list_users()
        .max_items(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let paged: Vec<&str> = users.iter().map(|u| u.user_name()).collect();
    assert_eq!(paged, ["u1", "u2", "u3", "u4", "u5"]);
}

const READ_ONLY_SELF: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}"#;

#[tokio::test]
async fn managed_policy_attached_to_a_user_is_listed() {
    let server = Server::start().await;
    let iam = server.root();
    iam.create_user().user_name("bob").send().await.unwrap();
    let policy = iam
        .create_policy()
        .policy_name("GetUserOnly")
        .policy_document(READ_ONLY_SELF)
        .description("lets a user read users")
        .send()
        .await
        .unwrap();
    let policy = policy.policy().unwrap();
    let arn = policy.arn().unwrap();
    assert_eq!(arn, "arn:aws:iam::123456789012:policy/GetUserOnly");
    assert_eq!(policy.default_version_id(), Some("v1"));
    assert_eq!(policy.attachment_count(), Some(0));
    assert!(policy.is_attachable());

    iam.attach_user_policy()
        .user_name("bob")
        .policy_arn(arn)
        .send()
        .await
        .unwrap();
    let attached = iam
        .list_attached_user_policies()
        .user_name("bob")
        .send()
        .await
        .unwrap();
    let list: Vec<(Option<&str>, Option<&str>)> = attached
        .attached_policies()
        .iter()
        .map(|p| (p.policy_name(), p.policy_arn()))
        .collect();
    assert_eq!(list, vec![(Some("GetUserOnly"), Some(arn))]);
    assert!(!attached.is_truncated());

    let after = iam.get_policy().policy_arn(arn).send().await.unwrap();
    assert_eq!(after.policy().unwrap().attachment_count(), Some(1));
}

#[tokio::test]
async fn a_users_own_key_is_allowed_and_denied_by_its_policies() {
    let server = Server::start().await;
    let iam = server.root();
    iam.create_user().user_name("carol").send().await.unwrap();
    iam.put_user_policy()
        .user_name("carol")
        .policy_name("get-user")
        .policy_document(READ_ONLY_SELF)
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("carol")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    assert_eq!(key.user_name(), "carol");
    assert!(
        key.access_key_id().starts_with("AKIA"),
        "{}",
        key.access_key_id()
    );
    assert_eq!(key.status().as_str(), "Active");

    let carol = server.client(key.access_key_id(), key.secret_access_key());
    // Allowed: GetUser without a name is the caller itself.
    let me = carol.get_user().send().await.unwrap();
    assert_eq!(
        me.user().unwrap().arn(),
        "arn:aws:iam::123456789012:user/carol"
    );
    // Denied: nothing allows iam:CreateUser.
    let err = carol
        .create_user()
        .user_name("mallory")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDenied"));
    assert_eq!(
        err.message(),
        Some(
            "User: arn:aws:iam::123456789012:user/carol is not authorized to perform: \
             iam:CreateUser on resource: arn:aws:iam::123456789012:user/mallory \
             because no identity-based policy allows the iam:CreateUser action"
        )
    );
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
    // The denied call had no effect.
    let missing = iam
        .get_user()
        .user_name("mallory")
        .send()
        .await
        .unwrap_err();
    assert!(
        missing
            .as_service_error()
            .unwrap()
            .is_no_such_entity_exception()
    );
}

#[tokio::test]
async fn groups_for_a_user() {
    let server = Server::start().await;
    let iam = server.root();
    iam.create_user().user_name("dave").send().await.unwrap();
    let group = iam
        .create_group()
        .group_name("admins")
        .path("/ops/")
        .send()
        .await
        .unwrap();
    let group = group.group().unwrap();
    assert_eq!(group.arn(), "arn:aws:iam::123456789012:group/ops/admins");
    assert!(group.group_id().starts_with("AGPA"), "{}", group.group_id());
    iam.create_group().group_name("devs").send().await.unwrap();
    for name in ["admins", "devs"] {
        iam.add_user_to_group()
            .group_name(name)
            .user_name("dave")
            .send()
            .await
            .unwrap();
    }
    let groups = iam
        .list_groups_for_user()
        .user_name("dave")
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = groups.groups().iter().map(|g| g.group_name()).collect();
    assert_eq!(names, ["admins", "devs"]);
    assert!(!groups.is_truncated());
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

#[tokio::test]
async fn role_trust_policy_comes_back_url_encoded() {
    let server = Server::start().await;
    let iam = server.root();
    let created = iam
        .create_role()
        .role_name("web")
        .path("/app/")
        .assume_role_policy_document(TRUST)
        .description("web servers")
        .send()
        .await
        .unwrap();
    let role = created.role().unwrap();
    assert_eq!(role.arn(), "arn:aws:iam::123456789012:role/app/web");
    assert!(role.role_id().starts_with("AROA"), "{}", role.role_id());

    let got = iam.get_role().role_name("web").send().await.unwrap();
    let got = got.role().unwrap();
    assert_eq!(got.role_id(), role.role_id());
    assert_eq!(got.description(), Some("web servers"));
    assert_eq!(got.max_session_duration(), Some(3600));
    let encoded = got.assume_role_policy_document().unwrap();
    assert!(encoded.contains("%22"), "not URL-encoded: {encoded}");
    assert_eq!(percent_decode(encoded), TRUST);
}

#[tokio::test]
async fn inline_user_policy_round_trips() {
    let server = Server::start().await;
    let iam = server.root();
    iam.create_user().user_name("erin").send().await.unwrap();
    iam.put_user_policy()
        .user_name("erin")
        .policy_name("inline")
        .policy_document(READ_ONLY_SELF)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_user_policy()
        .user_name("erin")
        .policy_name("inline")
        .send()
        .await
        .unwrap();
    assert_eq!(got.user_name(), "erin");
    assert_eq!(got.policy_name(), "inline");
    assert_eq!(percent_decode(got.policy_document()), READ_ONLY_SELF);
    let names = iam
        .list_user_policies()
        .user_name("erin")
        .send()
        .await
        .unwrap();
    assert_eq!(names.policy_names(), ["inline"]);
}

#[tokio::test]
async fn delete_user_with_an_inline_policy_is_a_delete_conflict() {
    let server = Server::start().await;
    let iam = server.root();
    iam.create_user().user_name("frank").send().await.unwrap();
    iam.put_user_policy()
        .user_name("frank")
        .policy_name("inline")
        .policy_document(READ_ONLY_SELF)
        .send()
        .await
        .unwrap();
    let err = iam
        .delete_user()
        .user_name("frank")
        .send()
        .await
        .unwrap_err();
    let service = err.as_service_error().unwrap();
    assert!(service.is_delete_conflict_exception(), "{service:?}");
    assert_eq!(service.meta().code(), Some("DeleteConflict"));
    assert_eq!(
        service.meta().message(),
        Some("Cannot delete entity, must delete policies first.")
    );
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(409));
    // Still there; deleting the policy first lets the user go.
    iam.delete_user_policy()
        .user_name("frank")
        .policy_name("inline")
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("frank").send().await.unwrap();
    let gone = iam.get_user().user_name("frank").send().await.unwrap_err();
    assert!(
        gone.as_service_error()
            .unwrap()
            .is_no_such_entity_exception()
    );
}

#[tokio::test]
async fn a_65_character_user_name_is_a_validation_error() {
    let server = Server::start().await;
    let iam = server.root();
    let name = "a".repeat(65);
    let err = iam.create_user().user_name(&name).send().await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
    assert_eq!(
        err.message(),
        Some(
            format!(
                "1 validation error detected: Value '{name}' at 'userName' failed to satisfy \
                 constraint: Member must have length less than or equal to 64"
            )
            .as_str()
        )
    );
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));
    // 64 is the documented maximum and is accepted.
    iam.create_user()
        .user_name("a".repeat(64))
        .send()
        .await
        .unwrap();
}
