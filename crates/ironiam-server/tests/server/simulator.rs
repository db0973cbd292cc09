//! The policy simulator API: SimulateCustomPolicy, SimulatePrincipalPolicy and
//! GetContextKeysFor{Custom,Principal}Policy, through the Query pipeline.

use ironiam_store::StoreExt;
use ironiam_store::record::{InlinePolicy, PrincipalKind};

use crate::harness::*;

/// AWS's AdministratorAccess as GetPolicyVersion returns it: AWS's simulator puts its
/// statement at 3:17 to 8:6.
const ADMIN: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";

/// Seed 004's force-MFA policy.
const SEED_004: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyAllExceptListedIfNotMFAAuthenticated",
      "Effect": "Deny",
      "NotAction": [
        "iam:CreateVirtualMFADevice",
        "iam:EnableMFADevice",
        "iam:ListMFADevices",
        "iam:ResyncMFADevice",
        "iam:ListVirtualMFADevices",
        "iam:DeleteVirtualMFADevice",
        "iam:DeactivateMFADevice"
      ],
      "Resource": "*",
      "Condition": {
        "BoolIfExists": {
          "aws:MultiFactorAuthPresent": "false"
        }
      }
    }
  ]
}"#;

/// Seed 004's SCP.
const SEED_004_SCP: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"RequireMFAAccess","Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
const FULL_AWS_ACCESS: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const S3_ONLY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

const MFA_TRUE: [(&str, &str); 3] = [
    (
        "ContextEntries.member.1.ContextKeyName",
        "aws:MultiFactorAuthPresent",
    ),
    ("ContextEntries.member.1.ContextKeyValues.member.1", "true"),
    ("ContextEntries.member.1.ContextKeyType", "boolean"),
];

/// Every text of `<tag>` in `body`, in order.
fn all<'a>(body: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find(&open) {
        let from = &rest[start + open.len()..];
        let Some(end) = from.find(&close) else { break };
        found.push(&from[..end]);
        rest = &from[end + close.len()..];
    }
    found
}

/// The position elements of the first matched statement: (start line, start column,
/// end line, end column).
fn first_position(body: &str) -> (u32, u32, u32, u32) {
    let start = between(body, "<StartPosition>", "</StartPosition>").unwrap();
    let end = between(body, "<EndPosition>", "</EndPosition>").unwrap();
    let number = |text: &str, tag: &str| {
        between(text, &format!("<{tag}>"), &format!("</{tag}>"))
            .unwrap()
            .parse()
            .unwrap()
    };
    (
        number(start, "Line"),
        number(start, "Column"),
        number(end, "Line"),
        number(end, "Column"),
    )
}

async fn custom(h: &Harness, params: &[(&str, &str)]) -> Reply {
    h.root("SimulateCustomPolicy", params).await
}

async fn ok(reply: Reply) -> Reply {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
}

#[tokio::test]
async fn custom_policy_explains_the_force_mfa_deny() {
    let h = harness();
    let base = [
        ("PolicyInputList.member.1", ADMIN),
        ("PolicyInputList.member.2", SEED_004),
        ("ActionNames.member.1", "ec2:DescribeInstances"),
    ];
    let reply = ok(custom(&h, &base).await).await;
    assert!(reply.body.starts_with(
        "<SimulateCustomPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><SimulateCustomPolicyResult><EvaluationResults><member><EvalActionName>ec2:DescribeInstances</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>explicitDeny</EvalDecision>"
    ), "{}", reply.body);
    assert_eq!(all(&reply.body, "SourcePolicyId"), ["PolicyInputList.2"]);
    assert_eq!(all(&reply.body, "SourcePolicyType"), ["IAM Policy"]);
    // From just after the `[` of line 3 to just after the statement's `}` on line 22.
    assert_eq!(first_position(&reply.body), (3, 17, 22, 6));
    assert_eq!(
        between(
            &reply.body,
            "<MissingContextValues>",
            "</MissingContextValues>"
        ),
        Some("<member>aws:MultiFactorAuthPresent</member>")
    );
    assert_eq!(reply.field("IsTruncated"), Some("false"));
    assert!(reply.field("Marker").is_none());
    // No organization input, no boundary, `*`: none of the details.
    assert!(!reply.body.contains("OrganizationsDecisionDetail"));
    assert!(!reply.body.contains("PermissionsBoundaryDecisionDetail"));
    assert!(!reply.body.contains("EvalDecisionDetails"));
    assert!(!reply.body.contains("ResourceSpecificResults"));

    let mut with_mfa = base.to_vec();
    with_mfa.extend(MFA_TRUE);
    let reply = ok(custom(&h, &with_mfa).await).await;
    assert_eq!(reply.field("EvalDecision"), Some("allowed"));
    assert_eq!(all(&reply.body, "SourcePolicyId"), ["PolicyInputList.1"]);
    assert_eq!(first_position(&reply.body), (3, 17, 8, 6));
    assert!(
        reply
            .body
            .contains("<MissingContextValues></MissingContextValues>")
    );
}

#[tokio::test]
async fn resources_get_specific_results_and_cross_account_details() {
    let h = harness();
    let bucket = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    let reply = ok(custom(
        &h,
        &[
            ("PolicyInputList.member.1", S3_ONLY),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ActionNames.member.2", "s3:DeleteObject"),
            ("ResourceArns.member.1", "arn:aws:s3:::b/key"),
            ("ResourcePolicy", bucket),
            ("CallerArn", "arn:aws:iam::123456789012:user/alice"),
        ],
    )
    .await)
    .await;
    assert_eq!(
        all(&reply.body, "EvalDecision"),
        ["allowed", "explicitDeny"]
    );
    assert_eq!(
        all(&reply.body, "EvalResourceDecision"),
        ["allowed", "explicitDeny"]
    );
    // Same account with a resource ARN: EvalDecisionDetails is present and empty.
    assert_eq!(
        all(&reply.body, "EvalDecisionDetails"),
        ["", "", "", ""],
        "{}",
        reply.body
    );
    let types = all(&reply.body, "SourcePolicyType");
    assert!(types.contains(&"Resource Policy"), "{types:?}");

    // The bucket in another account, which allows nothing: both sides must allow.
    let reply = ok(custom(
        &h,
        &[
            ("PolicyInputList.member.1", S3_ONLY),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ResourceArns.member.1", "arn:aws:s3:::b/key"),
            ("ResourcePolicy", bucket),
            ("ResourceOwner", "arn:aws:iam::444455556666:root"),
            ("CallerArn", "arn:aws:iam::123456789012:user/alice"),
        ],
    )
    .await)
    .await;
    assert_eq!(reply.field("EvalDecision"), Some("implicitDeny"));
    let details = reply.field("EvalDecisionDetails").unwrap();
    assert!(
        details.contains("<entry><key>IAM Policy</key><value>allowed</value></entry>"),
        "{details}"
    );
    assert!(
        details.contains("<entry><key>Resource Policy</key><value>implicitDeny</value></entry>"),
        "{details}"
    );
}

#[tokio::test]
async fn organization_policies_by_level() {
    let h = harness();
    let base = [
        ("PolicyInputList.member.1", ADMIN),
        ("ActionNames.member.1", "ec2:DescribeInstances"),
        (
            "OrderedOrganizationPolicyInputList.member.1.ServiceControlPolicyInputList.member.1",
            FULL_AWS_ACCESS,
        ),
        (
            "OrderedOrganizationPolicyInputList.member.2.ServiceControlPolicyInputList.member.1",
            FULL_AWS_ACCESS,
        ),
        (
            "OrderedOrganizationPolicyInputList.member.2.ServiceControlPolicyInputList.member.2",
            SEED_004_SCP,
        ),
    ];
    let reply = ok(custom(&h, &base).await).await;
    assert_eq!(reply.field("EvalDecision"), Some("explicitDeny"));
    assert_eq!(reply.field("AllowedByOrganizations"), Some("false"));
    assert_eq!(
        all(&reply.body, "SourcePolicyId"),
        ["OrderedOrganizationPolicyInputList.2.ServiceControlPolicyInputList.2"]
    );
    let mut with_mfa = base.to_vec();
    with_mfa.extend(MFA_TRUE);
    let reply = ok(custom(&h, &with_mfa).await).await;
    assert_eq!(reply.field("EvalDecision"), Some("allowed"));
    assert_eq!(reply.field("AllowedByOrganizations"), Some("true"));
    // FullAWSAccess only permits: AWS lists the identity-based statement alone.
    assert_eq!(all(&reply.body, "SourcePolicyId"), ["PolicyInputList.1"]);

    // A level whose SCPs allow only S3: EC2 is implicitly denied by Organizations.
    let reply = ok(custom(
        &h,
        &[
            ("PolicyInputList.member.1", ADMIN),
            ("ActionNames.member.1", "ec2:DescribeInstances"),
            (
                "OrderedOrganizationPolicyInputList.member.1.ServiceControlPolicyInputList.member.1",
                S3_ONLY,
            ),
        ],
    )
    .await)
    .await;
    assert_eq!(reply.field("EvalDecision"), Some("implicitDeny"));
    assert_eq!(reply.field("AllowedByOrganizations"), Some("false"));
}

#[tokio::test]
async fn a_permissions_boundary_is_reported() {
    let h = harness();
    let reply = ok(custom(
        &h,
        &[
            ("PolicyInputList.member.1", ADMIN),
            ("PermissionsBoundaryPolicyInputList.member.1", S3_ONLY),
            ("ActionNames.member.1", "ec2:DescribeInstances"),
            ("ActionNames.member.2", "s3:ListBucket"),
        ],
    )
    .await)
    .await;
    assert_eq!(
        all(&reply.body, "EvalDecision"),
        ["implicitDeny", "allowed"]
    );
    assert_eq!(
        all(&reply.body, "AllowedByPermissionsBoundary"),
        ["false", "true"]
    );
    let two = custom(
        &h,
        &[
            ("PolicyInputList.member.1", ADMIN),
            ("PermissionsBoundaryPolicyInputList.member.1", S3_ONLY),
            ("PermissionsBoundaryPolicyInputList.member.2", S3_ONLY),
            ("ActionNames.member.1", "s3:ListBucket"),
        ],
    )
    .await;
    assert_eq!((two.status, two.code()), (400, Some("InvalidInput")));
}

#[tokio::test]
async fn pages_follow_the_marker() {
    let h = harness();
    let mut params = vec![("PolicyInputList.member.1", S3_ONLY), ("MaxItems", "2")];
    let actions = ["s3:GetObject", "s3:PutObject", "ec2:RunInstances"];
    let names: Vec<String> = (1..=3).map(|n| format!("ActionNames.member.{n}")).collect();
    for (name, action) in names.iter().zip(actions) {
        params.push((name, action));
    }
    let first = ok(custom(&h, &params).await).await;
    assert_eq!(
        all(&first.body, "EvalActionName"),
        ["s3:GetObject", "s3:PutObject"]
    );
    assert_eq!(first.field("IsTruncated"), Some("true"));
    let marker = first.field("Marker").unwrap().to_owned();
    let mut next = params.clone();
    next.push(("Marker", &marker));
    let second = ok(custom(&h, &next).await).await;
    assert_eq!(all(&second.body, "EvalActionName"), ["ec2:RunInstances"]);
    assert_eq!(all(&second.body, "EvalDecision"), ["implicitDeny"]);
    assert_eq!(second.field("IsTruncated"), Some("false"));

    let mut wrong = params.clone();
    wrong.push(("Marker", "1.0000000000000000"));
    let reply = custom(&h, &wrong).await;
    assert_eq!((reply.status, reply.code()), (400, Some("InvalidInput")));
}

#[tokio::test]
async fn bad_input_is_invalid_input() {
    let h = harness();
    let reply = custom(
        &h,
        &[
            ("PolicyInputList.member.1", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#),
            ("ActionNames.member.1", "s3:GetObject"),
        ],
    )
    .await;
    assert_eq!((reply.status, reply.code()), (400, Some("InvalidInput")));
    assert!(
        reply.message().unwrap().starts_with(
            "Policy statement must contain resources. (PolicyInputList.1, at line 1, column"
        ),
        "{}",
        reply.body
    );
    let reply = custom(
        &h,
        &[
            ("PolicyInputList.member.1", "{not json"),
            ("ActionNames.member.1", "s3:GetObject"),
        ],
    )
    .await;
    assert_eq!(reply.code(), Some("InvalidInput"));
    assert!(
        reply
            .message()
            .unwrap()
            .starts_with("Syntax errors in policy.")
    );
    for (key, value, kind) in [
        ("aws:MultiFactorAuthPresent", "maybe", "boolean"),
        ("aws:SourceIp", "300.1.1.1", "ip"),
        ("aws:CurrentTime", "yesterday", "date"),
    ] {
        let reply = custom(
            &h,
            &[
                ("PolicyInputList.member.1", S3_ONLY),
                ("ActionNames.member.1", "s3:GetObject"),
                ("ContextEntries.member.1.ContextKeyName", key),
                ("ContextEntries.member.1.ContextKeyValues.member.1", value),
                ("ContextEntries.member.1.ContextKeyType", kind),
            ],
        )
        .await;
        assert_eq!(reply.code(), Some("InvalidInput"), "{key}");
        assert!(reply.message().unwrap().contains(value), "{}", reply.body);
    }
    let reply = custom(
        &h,
        &[
            ("PolicyInputList.member.1", S3_ONLY),
            ("ActionNames.member.1", "GetObject"),
        ],
    )
    .await;
    assert_eq!(reply.code(), Some("InvalidInput"));
    let reply = custom(
        &h,
        &[
            ("PolicyInputList.member.1", S3_ONLY),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ResourceOwner", "alice"),
        ],
    )
    .await;
    assert_eq!(reply.code(), Some("InvalidInput"));
    // A resource policy needs an IAM user to match its Principal.
    let reply = custom(
        &h,
        &[
            ("PolicyInputList.member.1", S3_ONLY),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ResourcePolicy", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#),
        ],
    )
    .await;
    assert_eq!(
        reply.message(),
        Some("Invalid caller - Caller must be an IAM user in this context.")
    );
    let reply = custom(
        &h,
        &[
            ("PolicyInputList.member.1", S3_ONLY),
            ("ActionNames.member.1", "ec2:RunInstances"),
            ("ResourceHandlingOption", "EC2-VPC-EBS"),
            (
                "ResourceArns.member.1",
                "arn:aws:ec2:us-east-1:123456789012:instance/*",
            ),
        ],
    )
    .await;
    assert_eq!(reply.code(), Some("InvalidInput"));
    assert!(
        reply
            .message()
            .unwrap()
            .contains("missing: image, security-group, network-interface, volume"),
        "{}",
        reply.body
    );
    // The model's own constraints come first, as AWS's ValidationError.
    let reply = custom(&h, &[("PolicyInputList.member.1", S3_ONLY)]).await;
    assert_eq!(reply.code(), Some("ValidationError"));
}

/// A user as in seed 004: AdministratorAccess and a customer managed force-MFA policy.
async fn seed_004_user(h: &Harness) {
    ok(h.root("CreateUser", &[("UserName", "alice")]).await).await;
    ok(h.root(
        "AttachUserPolicy",
        &[
            ("UserName", "alice"),
            ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
        ],
    )
    .await)
    .await;
    let created = ok(h
        .root(
            "CreatePolicy",
            &[("PolicyName", "ForceMFA"), ("PolicyDocument", SEED_004)],
        )
        .await)
    .await;
    let arn = created.field("Arn").unwrap().to_owned();
    ok(h.root(
        "AttachUserPolicy",
        &[("UserName", "alice"), ("PolicyArn", &arn)],
    )
    .await)
    .await;
}

#[tokio::test]
async fn seed_004_simulate_principal_policy() {
    let h = harness();
    seed_004_user(&h).await;
    let base = [
        ("PolicySourceArn", "arn:aws:iam::123456789012:user/alice"),
        ("ActionNames.member.1", "ec2:DescribeInstances"),
    ];
    let reply = ok(h.root("SimulatePrincipalPolicy", &base).await).await;
    assert!(reply.body.starts_with("<SimulatePrincipalPolicyResponse"));
    assert_eq!(reply.field("EvalDecision"), Some("explicitDeny"));
    assert_eq!(all(&reply.body, "SourcePolicyId"), ["ForceMFA"]);
    assert_eq!(all(&reply.body, "SourcePolicyType"), ["IAM Policy"]);
    assert_eq!(first_position(&reply.body), (3, 17, 22, 6));
    assert_eq!(
        all(&reply.body, "MissingContextValues"),
        ["<member>aws:MultiFactorAuthPresent</member>"]
    );
    // No organization: nothing restricts.
    assert_eq!(reply.field("AllowedByOrganizations"), Some("true"));

    let mut with_mfa = base.to_vec();
    with_mfa.extend(MFA_TRUE);
    let reply = ok(h.root("SimulatePrincipalPolicy", &with_mfa).await).await;
    assert_eq!(reply.field("EvalDecision"), Some("allowed"));
    assert_eq!(all(&reply.body, "SourcePolicyId"), ["AdministratorAccess"]);
    assert_eq!(
        all(&reply.body, "MissingContextValues"),
        [""],
        "the key is given"
    );

    // The actions the policy exempts stay allowed without MFA.
    let reply = ok(h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:user/alice"),
                ("ActionNames.member.1", "iam:EnableMFADevice"),
            ],
        )
        .await)
    .await;
    assert_eq!(reply.field("EvalDecision"), Some("allowed"));
}

#[tokio::test]
async fn principal_sources_bring_their_policies_with_aws_ids() {
    let h = harness();
    ok(h.root("CreateUser", &[("UserName", "bob")]).await).await;
    ok(h.root("CreateGroup", &[("GroupName", "ops")]).await).await;
    ok(h.root(
        "AddUserToGroup",
        &[("GroupName", "ops"), ("UserName", "bob")],
    )
    .await)
    .await;
    ok(h.root(
        "PutGroupPolicy",
        &[
            ("GroupName", "ops"),
            ("PolicyName", "S3"),
            ("PolicyDocument", S3_ONLY),
        ],
    )
    .await)
    .await;
    ok(h.root(
        "PutUserPolicy",
        &[
            ("UserName", "bob"),
            ("PolicyName", "Ec2"),
            (
                "PolicyDocument",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#,
            ),
        ],
    )
    .await)
    .await;
    let reply = ok(h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:user/bob"),
                ("ActionNames.member.1", "s3:GetObject"),
                ("ActionNames.member.2", "ec2:RunInstances"),
                ("ActionNames.member.3", "iam:GetUser"),
            ],
        )
        .await)
    .await;
    assert_eq!(
        all(&reply.body, "EvalDecision"),
        ["allowed", "allowed", "implicitDeny"]
    );
    assert_eq!(
        all(&reply.body, "SourcePolicyId"),
        ["group_ops_S3", "user_bob_Ec2"]
    );
    // The group alone has only its own policy.
    let reply = ok(h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:group/ops"),
                ("ActionNames.member.1", "ec2:RunInstances"),
                ("ActionNames.member.2", "s3:GetObject"),
            ],
        )
        .await)
    .await;
    assert_eq!(
        all(&reply.body, "EvalDecision"),
        ["implicitDeny", "allowed"]
    );
    // Excluding the group's inline policy by identifier.
    let reply = ok(h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:user/bob"),
                ("ActionNames.member.1", "s3:GetObject"),
                (
                    "PolicyExclusionList.member.1.InlinePolicyIdentifier.PolicyName",
                    "s3",
                ),
                (
                    "PolicyExclusionList.member.1.InlinePolicyIdentifier.AttachmentType",
                    "group",
                ),
                (
                    "PolicyExclusionList.member.1.InlinePolicyIdentifier.AttachmentName",
                    "ops",
                ),
            ],
        )
        .await)
    .await;
    assert_eq!(reply.field("EvalDecision"), Some("implicitDeny"));
    // PolicyType inline excludes both inline policies.
    let reply = ok(h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:user/bob"),
                ("ActionNames.member.1", "ec2:RunInstances"),
                ("PolicyExclusionList.member.1.PolicyType", "inline"),
            ],
        )
        .await)
    .await;
    assert_eq!(reply.field("EvalDecision"), Some("implicitDeny"));
    let reply = h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:user/bob"),
                ("ActionNames.member.1", "ec2:RunInstances"),
                ("PolicyExclusionList.member.1.PolicyType", "inline"),
                (
                    "PolicyExclusionList.member.1.PolicyArn",
                    "arn:aws:iam::aws:policy/x",
                ),
            ],
        )
        .await;
    assert_eq!(reply.code(), Some("InvalidInput"));
}

#[tokio::test]
async fn roles_bring_their_boundary() {
    let h = harness();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    ok(h.root(
        "CreateRole",
        &[
            ("RoleName", "deployer"),
            ("AssumeRolePolicyDocument", trust),
        ],
    )
    .await)
    .await;
    let created = ok(h
        .root(
            "CreatePolicy",
            &[("PolicyName", "OnlyS3"), ("PolicyDocument", S3_ONLY)],
        )
        .await)
    .await;
    let boundary = created.field("Arn").unwrap().to_owned();
    ok(h.root(
        "PutRolePermissionsBoundary",
        &[("RoleName", "deployer"), ("PermissionsBoundary", &boundary)],
    )
    .await)
    .await;
    ok(h.root(
        "AttachRolePolicy",
        &[
            ("RoleName", "deployer"),
            ("PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
        ],
    )
    .await)
    .await;
    let source = ("PolicySourceArn", "arn:aws:iam::123456789012:role/deployer");
    let reply = ok(h
        .root(
            "SimulatePrincipalPolicy",
            &[
                source,
                ("ActionNames.member.1", "ec2:RunInstances"),
                ("ActionNames.member.2", "s3:PutObject"),
            ],
        )
        .await)
    .await;
    assert_eq!(
        all(&reply.body, "EvalDecision"),
        ["implicitDeny", "allowed"]
    );
    assert_eq!(
        all(&reply.body, "AllowedByPermissionsBoundary"),
        ["false", "true"]
    );
    // The boundary only permits: the identity-based Allow is what AWS lists.
    assert_eq!(all(&reply.body, "SourcePolicyId"), ["AdministratorAccess"]);
    // A boundary given as text replaces the role's; its Deny is listed as the boundary's.
    let reply = ok(h
        .root(
            "SimulatePrincipalPolicy",
            &[
                source,
                ("ActionNames.member.1", "ec2:RunInstances"),
                (
                    "PermissionsBoundaryPolicyInputList.member.1",
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#,
                ),
            ],
        )
        .await)
    .await;
    assert_eq!(reply.field("EvalDecision"), Some("explicitDeny"));
    assert_eq!(
        all(&reply.body, "SourcePolicyId"),
        ["PermissionsBoundaryPolicyInputList.1"]
    );
    assert_eq!(
        all(&reply.body, "SourcePolicyType"),
        ["Permissions Boundary Policy"]
    );
    assert_eq!(reply.field("AllowedByPermissionsBoundary"), Some("false"));
    // A resource policy needs a user as caller: the role is not one.
    let reply = h
        .root(
            "SimulatePrincipalPolicy",
            &[
                source,
                ("ActionNames.member.1", "s3:GetObject"),
                ("ResourcePolicy", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#),
            ],
        )
        .await;
    assert_eq!(
        (reply.status, reply.message()),
        (
            400,
            Some("Invalid caller - Caller must be an IAM user in this context.")
        )
    );
}

#[tokio::test]
async fn unknown_and_malformed_sources() {
    let h = harness();
    let reply = h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:user/nobody"),
                ("ActionNames.member.1", "s3:GetObject"),
            ],
        )
        .await;
    assert_eq!((reply.status, reply.code()), (404, Some("NoSuchEntity")));
    assert_eq!(
        reply.message(),
        Some("The user with name nobody cannot be found.")
    );
    let reply = h
        .root(
            "GetContextKeysForPrincipalPolicy",
            &[("PolicySourceArn", "this-is-not-an-iam-source-arn")],
        )
        .await;
    assert_eq!((reply.status, reply.code()), (400, Some("InvalidInput")));
    let reply = h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::999999999999:user/alice"),
                ("ActionNames.member.1", "s3:GetObject"),
            ],
        )
        .await;
    assert_eq!(reply.code(), Some("NoSuchEntity"));
}

#[tokio::test]
async fn a_stored_policy_that_no_longer_compiles_is_a_policy_evaluation_error() {
    let h = harness();
    ok(h.root("CreateUser", &[("UserName", "carol")]).await).await;
    // Written past the API's validation, as a document stored before a stricter rule.
    h.state
        .store
        .write(|tx| {
            tx.put_inline_policy(
                ACCOUNT,
                PrincipalKind::User,
                "carol",
                &InlinePolicy {
                    name: "Broken".to_owned(),
                    document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}"#
                        .to_owned(),
                },
            )
        })
        .unwrap();
    let reply = h
        .root(
            "SimulatePrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:user/carol"),
                ("ActionNames.member.1", "s3:GetObject"),
            ],
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (500, Some("PolicyEvaluation"))
    );
    assert!(reply.message().unwrap().contains("user_carol_Broken"));
}

#[tokio::test]
async fn context_keys_custom_and_principal() {
    let h = harness();
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:us-west-2:123456789012:table/${aws:username}","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2015-08-16T12:00:00Z"}}}}"#;
    let reply = ok(h
        .root(
            "GetContextKeysForCustomPolicy",
            &[("PolicyInputList.member.1", policy)],
        )
        .await)
    .await;
    assert!(
        reply
            .body
            .starts_with("<GetContextKeysForCustomPolicyResponse")
    );
    assert_eq!(
        all(&reply.body, "member"),
        ["aws:username", "aws:CurrentTime"]
    );
    // Keys are listed per policy: two policies with the same key list it twice, as AWS.
    let reply = ok(h
        .root(
            "GetContextKeysForCustomPolicy",
            &[
                ("PolicyInputList.member.1", SEED_004),
                ("PolicyInputList.member.2", SEED_004),
            ],
        )
        .await)
    .await;
    assert_eq!(
        all(&reply.body, "member"),
        ["aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent"]
    );
    let reply = h
        .root(
            "GetContextKeysForCustomPolicy",
            &[(
                "PolicyInputList.member.1",
                r#"{"Statement":{"Action":"*","Resource":"*"}}"#,
            )],
        )
        .await;
    assert_eq!((reply.status, reply.code()), (400, Some("InvalidInput")));

    seed_004_user(&h).await;
    let reply = ok(h
        .root(
            "GetContextKeysForPrincipalPolicy",
            &[
                ("PolicySourceArn", "arn:aws:iam::123456789012:user/alice"),
                ("PolicyInputList.member.1", policy),
            ],
        )
        .await)
    .await;
    assert!(
        reply
            .body
            .starts_with("<GetContextKeysForPrincipalPolicyResponse")
    );
    assert_eq!(
        all(&reply.body, "member"),
        [
            "aws:MultiFactorAuthPresent",
            "aws:username",
            "aws:CurrentTime"
        ]
    );
}

#[tokio::test]
async fn simulating_someone_is_authorized_on_their_arn() {
    let h = harness();
    ok(h.root("CreateUser", &[("UserName", "alice")]).await).await;
    ok(h.root("CreateUser", &[("UserName", "bob")]).await).await;
    let (key, secret) = h.user_with_key("auditor").await;
    ok(h.root(
        "PutUserPolicy",
        &[
            ("UserName", "auditor"),
            ("PolicyName", "SimulateAlice"),
            (
                "PolicyDocument",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:SimulatePrincipalPolicy","iam:GetContextKeysForPrincipalPolicy"],"Resource":"arn:aws:iam::123456789012:user/alice"}]}"#,
            ),
        ],
    )
    .await)
    .await;
    let simulate = |who: &'static str| {
        let source = format!("arn:aws:iam::123456789012:user/{who}");
        let (key, secret) = (key.clone(), secret.clone());
        let h = &h;
        async move {
            h.call_as(
                (&key, &secret),
                "SimulatePrincipalPolicy",
                &[
                    ("PolicySourceArn", &source),
                    ("ActionNames.member.1", "s3:GetObject"),
                ],
            )
            .await
        }
    };
    let reply = simulate("alice").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = simulate("bob").await;
    assert_eq!((reply.status, reply.code()), (403, Some("AccessDenied")));
    assert_eq!(
        reply.message(),
        Some(
            "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:SimulatePrincipalPolicy on resource: arn:aws:iam::123456789012:user/bob because no identity-based policy allows the iam:SimulatePrincipalPolicy action"
        )
    );
    let reply = h
        .call_as(
            (&key, &secret),
            "SimulateCustomPolicy",
            &[
                ("PolicyInputList.member.1", S3_ONLY),
                ("ActionNames.member.1", "s3:GetObject"),
            ],
        )
        .await;
    assert_eq!(reply.code(), Some("AccessDenied"));
    assert!(
        reply
            .message()
            .unwrap()
            .contains("iam:SimulateCustomPolicy on resource: *")
    );
}

/// Issue 10, found item 7: the simulator's inputs are capped where AWS's model leaves
/// them open (context entries, values per key, value length), and the work of one
/// request is bounded before it runs.
#[tokio::test]
async fn simulator_inputs_are_capped() {
    let h = harness();
    let policy = FULL_AWS_ACCESS;
    let base = [
        ("PolicyInputList.member.1", policy),
        ("ActionNames.member.1", "s3:GetObject"),
    ];
    // A value longer than an ARN.
    let long = "a".repeat(2049);
    let mut params = base.to_vec();
    params.extend([
        ("ContextEntries.member.1.ContextKeyName", "aws:username"),
        (
            "ContextEntries.member.1.ContextKeyValues.member.1",
            long.as_str(),
        ),
        ("ContextEntries.member.1.ContextKeyType", "string"),
    ]);
    let reply = custom(&h, &params).await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, Some("InvalidInput")),
        "{}",
        reply.body
    );
    assert!(
        reply.message().unwrap().contains("longer than 2048"),
        "{}",
        reply.body
    );
    // At the cap it is taken.
    let exact = "a".repeat(2048);
    params[3].1 = exact.as_str();
    ok(custom(&h, &params).await).await;
    // Too many values for one key.
    let names: Vec<String> = (1..=51)
        .map(|n| format!("ContextEntries.member.1.ContextKeyValues.member.{n}"))
        .collect();
    let mut params = base.to_vec();
    params.extend([
        ("ContextEntries.member.1.ContextKeyName", "aws:TagKeys"),
        ("ContextEntries.member.1.ContextKeyType", "stringList"),
    ]);
    params.extend(names.iter().map(|name| (name.as_str(), "k")));
    let reply = custom(&h, &params).await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, Some("InvalidInput")),
        "{}",
        reply.body
    );
    // Too many entries.
    let entries: Vec<(String, String)> = (1..=257)
        .flat_map(|n| {
            [
                (
                    format!("ContextEntries.member.{n}.ContextKeyName"),
                    format!("aws:PrincipalTag/k{n}"),
                ),
                (
                    format!("ContextEntries.member.{n}.ContextKeyValues.member.1"),
                    "v".to_owned(),
                ),
            ]
        })
        .collect();
    let mut params = base.to_vec();
    params.extend(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let reply = custom(&h, &params).await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, Some("InvalidInput")),
        "{}",
        reply.body
    );
}

/// A large policy times a full page of pairs is refused before it runs; a smaller page
/// of the same simulation is answered.
#[tokio::test]
async fn a_simulation_beyond_the_work_budget_is_refused() {
    let h = harness();
    let actions: Vec<String> = (0..9000).map(|n| format!("\"s3:x{n}*y\"")).collect();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    );
    assert!(policy.len() <= 131_072);
    let resources: Vec<(String, String)> = (1..=100)
        .map(|n| {
            (
                format!("ResourceArns.member.{n}"),
                format!("arn:aws:s3:::bucket/{n}"),
            )
        })
        .collect();
    let mut params = vec![
        ("PolicyInputList.member.1", policy.as_str()),
        ("ActionNames.member.1", "s3:GetObject"),
        ("ActionNames.member.2", "s3:PutObject"),
        ("ActionNames.member.3", "s3:x1y"),
        ("MaxItems", "300"),
    ];
    params.extend(resources.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let reply = custom(&h, &params).await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, Some("InvalidInput")),
        "{}",
        reply.body
    );
    assert!(
        reply
            .message()
            .unwrap()
            .starts_with("The simulation is too large"),
        "{}",
        reply.body
    );
    let smaller: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| {
            if *k == "MaxItems" {
                (*k, "10")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let reply = ok(custom(&h, &smaller).await).await;
    assert_eq!(all(&reply.body, "EvalDecision").len(), 10);
}

/// The issue's pattern at the simulator's size limits decides (the engine's work on it
/// is bounded in `ironiam-policy`'s tests; this is the same input through the API).
#[tokio::test]
async fn the_issue_pattern_at_the_size_limit_is_decided() {
    let h = harness();
    let pattern = format!("{}*b", "*a".repeat(60_000));
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"StringLike":{{"aws:username":"{pattern}"}}}}}}]}}"#
    );
    for (value, decision) in [
        (format!("{}b", "a".repeat(2047)), "implicitDeny"),
        (
            format!("{}b", "a".repeat(2047).replace("aa", "a")),
            "implicitDeny",
        ),
    ] {
        let params = [
            ("PolicyInputList.member.1", policy.as_str()),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ContextEntries.member.1.ContextKeyName", "aws:username"),
            (
                "ContextEntries.member.1.ContextKeyValues.member.1",
                value.as_str(),
            ),
            ("ContextEntries.member.1.ContextKeyType", "string"),
        ];
        let reply = ok(custom(&h, &params).await).await;
        assert_eq!(
            all(&reply.body, "EvalDecision"),
            [decision],
            "{}",
            reply.body
        );
    }
    // Fewer stars than `a`s: a match.
    let pattern = format!("{}*b", "*a".repeat(1000));
    let policy = policy.replace(&format!("{}*b", "*a".repeat(60_000)), &pattern);
    let value = format!("{}b", "a".repeat(2047));
    let params = [
        ("PolicyInputList.member.1", policy.as_str()),
        ("ActionNames.member.1", "s3:GetObject"),
        ("ContextEntries.member.1.ContextKeyName", "aws:username"),
        (
            "ContextEntries.member.1.ContextKeyValues.member.1",
            value.as_str(),
        ),
        ("ContextEntries.member.1.ContextKeyType", "string"),
    ];
    let reply = ok(custom(&h, &params).await).await;
    assert_eq!(
        all(&reply.body, "EvalDecision"),
        ["allowed"],
        "{}",
        reply.body
    );
}
