//! Tags on users, roles and managed policies, and the tag condition keys.

use crate::harness::*;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

fn tag_params(keys: std::ops::Range<usize>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, n) in keys.enumerate() {
        out.push((format!("Tags.member.{}.Key", i + 1), format!("k{n}")));
        out.push((format!("Tags.member.{}.Value", i + 1), format!("v{n}")));
    }
    out
}

async fn tag_many(
    h: &Harness,
    action: &str,
    target: (&str, &str),
    keys: std::ops::Range<usize>,
) -> Reply {
    let owned = tag_params(keys);
    let mut params = vec![target];
    params.extend(owned.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    h.root(action, &params).await
}

#[tokio::test]
async fn tags_on_users_roles_and_policies() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "u")]).await;
    h.root(
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    )
    .await;
    let arn = h
        .root(
            "CreatePolicy",
            &[("PolicyName", "p"), ("PolicyDocument", DOC)],
        )
        .await
        .field("Arn")
        .unwrap()
        .to_owned();
    for (tag, untag, list, member, name) in [
        ("TagUser", "UntagUser", "ListUserTags", "UserName", "u"),
        ("TagRole", "UntagRole", "ListRoleTags", "RoleName", "r"),
        (
            "TagPolicy",
            "UntagPolicy",
            "ListPolicyTags",
            "PolicyArn",
            arn.as_str(),
        ),
    ] {
        let reply = h
            .root(
                tag,
                &[
                    (member, name),
                    ("Tags.member.1.Key", "Dept"),
                    ("Tags.member.1.Value", "a"),
                    ("Tags.member.2.Key", "env"),
                    ("Tags.member.2.Value", ""),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{tag}: {}", reply.body);
        // Keys are unique case-insensitively: `dept` replaces `Dept`.
        h.root(
            tag,
            &[
                (member, name),
                ("Tags.member.1.Key", "dept"),
                ("Tags.member.1.Value", "b"),
            ],
        )
        .await;
        let listed = h.root(list, &[(member, name)]).await;
        assert_eq!(listed.status, 200, "{}", listed.body);
        assert!(
            listed.body.contains("<Key>dept</Key><Value>b</Value>"),
            "{}",
            listed.body
        );
        assert!(!listed.body.contains("Dept"));
        let page = h.root(list, &[(member, name), ("MaxItems", "1")]).await;
        assert_eq!(page.field("IsTruncated"), Some("true"));
        assert_eq!(page.field("Marker"), Some("dept"));
        let next = h.root(list, &[(member, name), ("Marker", "dept")]).await;
        assert!(next.body.contains("<Key>env</Key>") && next.field("IsTruncated") == Some("false"));
        let reply = h
            .root(
                untag,
                &[
                    (member, name),
                    ("TagKeys.member.1", "DEPT"),
                    ("TagKeys.member.2", "none"),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let listed = h.root(list, &[(member, name)]).await;
        assert!(!listed.body.contains("dept") && listed.body.contains("env"));
    }
    let missing = h.root("ListRoleTags", &[("RoleName", "none")]).await;
    assert_eq!(missing.code(), Some("NoSuchEntity"));
    let aws = h
        .root(
            "TagPolicy",
            &[
                ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
                ("Tags.member.1.Key", "a"),
                ("Tags.member.1.Value", "b"),
            ],
        )
        .await;
    assert_eq!(aws.code(), Some("InvalidInput"));
}

#[tokio::test]
async fn tag_limits_and_rules() {
    let h = harness();
    h.root("CreateUser", &[("UserName", "u")]).await;
    let reply = tag_many(&h, "TagUser", ("UserName", "u"), 0..50).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Replacing an existing key does not count against the quota.
    let reply = tag_many(&h, "TagUser", ("UserName", "u"), 0..1).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let over = tag_many(&h, "TagUser", ("UserName", "u"), 50..51).await;
    assert_eq!((over.status, over.code()), (409, Some("LimitExceeded")));
    let too_many = tag_many(&h, "TagUser", ("UserName", "u"), 0..51).await;
    assert_eq!(too_many.status, 400, "{}", too_many.body);
    let dup = h
        .root(
            "TagUser",
            &[
                ("UserName", "u"),
                ("Tags.member.1.Key", "a"),
                ("Tags.member.1.Value", "1"),
                ("Tags.member.2.Key", "A"),
                ("Tags.member.2.Value", "2"),
            ],
        )
        .await;
    assert_eq!((dup.status, dup.code()), (400, Some("InvalidInput")));
    let reserved = h
        .root(
            "TagUser",
            &[
                ("UserName", "u"),
                ("Tags.member.1.Key", "aws:x"),
                ("Tags.member.1.Value", "1"),
            ],
        )
        .await;
    assert_eq!(reserved.code(), Some("InvalidInput"));
    let bad_key = h
        .root(
            "TagUser",
            &[
                ("UserName", "u"),
                ("Tags.member.1.Key", "a*b"),
                ("Tags.member.1.Value", "1"),
            ],
        )
        .await;
    assert_eq!(
        (bad_key.status, bad_key.code()),
        (400, Some("ValidationError"))
    );
}

#[tokio::test]
async fn tag_keys_condition_applies_to_tagging() {
    let h = harness();
    let (id, secret) = h.user_with_key("tagger").await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:TagUser","iam:UntagUser"],"Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}},{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"red"}}}]}"#;
    h.root(
        "PutUserPolicy",
        &[
            ("UserName", "tagger"),
            ("PolicyName", "p"),
            ("PolicyDocument", policy),
        ],
    )
    .await;
    h.root("CreateUser", &[("UserName", "t")]).await;
    let key = (id.as_str(), secret.as_str());
    let ok = h
        .call_as(
            key,
            "TagUser",
            &[
                ("UserName", "t"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "blue"),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let denied = h
        .call_as(
            key,
            "TagUser",
            &[
                ("UserName", "t"),
                ("Tags.member.1.Key", "cost"),
                ("Tags.member.1.Value", "blue"),
            ],
        )
        .await;
    assert_eq!((denied.status, denied.code()), (403, Some("AccessDenied")));
    let via_request_tag = h
        .call_as(
            key,
            "TagUser",
            &[
                ("UserName", "t"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "red"),
                ("Tags.member.2.Key", "cost"),
                ("Tags.member.2.Value", "1"),
            ],
        )
        .await;
    assert_eq!(via_request_tag.status, 200, "{}", via_request_tag.body);
    let untag = h
        .call_as(
            key,
            "UntagUser",
            &[("UserName", "t"), ("TagKeys.member.1", "cost")],
        )
        .await;
    assert_eq!(untag.code(), Some("AccessDenied"));
    let untag = h
        .call_as(
            key,
            "UntagUser",
            &[("UserName", "t"), ("TagKeys.member.1", "team")],
        )
        .await;
    assert_eq!(untag.status, 200, "{}", untag.body);
}
