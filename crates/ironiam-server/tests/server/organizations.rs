//! AWS Organizations over the JSON 1.1 protocol: the organization, accounts (each a
//! whole IAM namespace), OUs, SCPs and attachments, who may call what, and the
//! protocol's errors. SCP enforcement on IAM calls is in `scp.rs`.

use axum::body::Body;
use axum::http::Request;
use ironiam_protocol::sigv4::{self, SecretKey};
use ironiam_protocol::time::UnixTime;
use ironiam_server::clock::Clock;
use ironiam_store::StoreExt;
use ironiam_store::id::{self, OsRandom};
use ironiam_store::record::{
    AccessKey, AccessKeyStatus, KeyOwner, PrincipalKind, Timestamp, User, arn,
};
use serde_json::{Value as Json, json};
use tower::ServiceExt;

use crate::harness::*;

pub const TARGET_PREFIX: &str = "AWSOrganizationsV20161128";

/// A JSON-protocol reply.
pub struct JsonReply {
    pub status: u16,
    pub body: Json,
    pub content_type: String,
}

impl JsonReply {
    pub fn code(&self) -> &str {
        self.body["__type"].as_str().unwrap_or_default()
    }
    pub fn message(&self) -> &str {
        self.body["Message"].as_str().unwrap_or_default()
    }
    pub fn reason(&self) -> &str {
        self.body["Reason"].as_str().unwrap_or_default()
    }
}

/// Signs a JSON 1.1 request for `target` with the header form of SigV4, scoped to
/// `service`.
pub fn signed_json(
    target: &str,
    body: &str,
    key: (&str, &str),
    time: i64,
    service: &str,
) -> Request<Body> {
    let amz_date = UnixTime::from_secs(time).to_amz_date();
    let date = &amz_date[..8];
    let scope = format!("{date}/us-east-1/{service}/aws4_request");
    let signed_headers = "content-type;host;x-amz-date;x-amz-target";
    let placeholder = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={}",
        key.0,
        "0".repeat(64)
    );
    let mut headers = vec![
        ("host", "organizations.us-east-1.amazonaws.com"),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-date", amz_date.as_str()),
        ("x-amz-target", target),
        ("authorization", placeholder.as_str()),
    ];
    let inputs = sigv4::prepare(&sigv4::Request {
        method: "POST",
        path: "/",
        query: &Default::default(),
        headers: &headers,
        body: body.as_bytes(),
    })
    .unwrap();
    let signature = inputs.signature_for(&SecretKey::new(key.1)).unwrap();
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        key.0
    );
    headers.pop();
    let mut builder = Request::builder().method("POST").uri("/");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder
        .header("authorization", authorization)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

pub async fn send_json(h: &Harness, request: Request<Body>) -> JsonReply {
    let response = h.app.clone().oneshot(request).await.unwrap();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    JsonReply {
        status,
        body,
        content_type,
    }
}

/// Calls Organizations' `operation` as `key`.
pub async fn org_as(h: &Harness, key: (&str, &str), operation: &str, body: Json) -> JsonReply {
    let now = h.clock.now().as_secs();
    let request = signed_json(
        &format!("{TARGET_PREFIX}.{operation}"),
        &body.to_string(),
        key,
        now,
        "organizations",
    );
    send_json(h, request).await
}

/// Calls Organizations as the management account's root user, expecting success.
pub async fn org_ok(h: &Harness, operation: &str, body: Json) -> Json {
    let reply = org_as(h, (ROOT_ID, ROOT_SECRET), operation, body).await;
    assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
    reply.body
}

/// Calls Organizations as the management root, expecting `code`.
pub async fn org_err(h: &Harness, operation: &str, body: Json, code: &str) -> JsonReply {
    let reply = org_as(h, (ROOT_ID, ROOT_SECRET), operation, body).await;
    assert_eq!(reply.code(), code, "{operation}: {}", reply.body);
    assert_eq!(reply.status, 400, "{operation}: {}", reply.body);
    reply
}

/// An organization with SCPs enabled, an OU `prod` under the root, and one member
/// account created in the root and moved into `prod`.
pub struct Tree {
    pub org_id: String,
    pub root: String,
    pub prod: String,
    pub member: String,
}

pub async fn tree(h: &Harness) -> Tree {
    let org = org_ok(h, "CreateOrganization", json!({"FeatureSet": "ALL"})).await;
    let org_id = org["Organization"]["Id"].as_str().unwrap().to_owned();
    let roots = org_ok(h, "ListRoots", json!({})).await;
    let root = roots["Roots"][0]["Id"].as_str().unwrap().to_owned();
    org_ok(
        h,
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    let ou = org_ok(
        h,
        "CreateOrganizationalUnit",
        json!({"ParentId": root, "Name": "prod"}),
    )
    .await;
    let prod = ou["OrganizationalUnit"]["Id"].as_str().unwrap().to_owned();
    let created = org_ok(
        h,
        "CreateAccount",
        json!({"Email": "dev@example.com", "AccountName": "dev"}),
    )
    .await;
    let member = created["CreateAccountStatus"]["AccountId"]
        .as_str()
        .unwrap()
        .to_owned();
    org_ok(
        h,
        "MoveAccount",
        json!({"AccountId": member, "SourceParentId": root, "DestinationParentId": prod}),
    )
    .await;
    Tree {
        org_id,
        root,
        prod,
        member,
    }
}

/// A user in `account` with an active access key and the given managed policies,
/// made directly through the store (quicker than assuming the account's role).
pub fn store_user(h: &Harness, account: &str, name: &str, policies: &[&str]) -> (String, String) {
    let user = User {
        id: id::unique_id(id::USER_PREFIX, &mut OsRandom).unwrap(),
        account_id: account.to_owned(),
        name: name.to_owned(),
        path: "/".to_owned(),
        arn: arn(account, "user", "/", name),
        create_date: Timestamp::from_secs(NOW),
        permissions_boundary: None,
        tags: Vec::new(),
        password_last_used: None,
    };
    let key = store_key(h, account, KeyOwner::User(user.id.clone()));
    h.state
        .store
        .write(|tx| -> Result<(), ironiam_store::StoreError> {
            tx.insert_user(&user)?;
            tx.insert_access_key(&key.2)?;
            for policy in policies {
                tx.attach_policy(account, PrincipalKind::User, name, policy)?;
            }
            Ok(())
        })
        .unwrap();
    (key.0, key.1)
}

/// An access key for the root user of `account`, made directly through the store.
pub fn store_root_key(h: &Harness, account: &str) -> (String, String) {
    let key = store_key(h, account, KeyOwner::Root);
    h.state
        .store
        .write(|tx| tx.insert_access_key(&key.2))
        .unwrap();
    (key.0, key.1)
}

fn store_key(h: &Harness, account: &str, owner: KeyOwner) -> (String, String, AccessKey) {
    let key_id = id::access_key_id(&mut OsRandom).unwrap();
    let secret = id::secret_access_key(&mut OsRandom).unwrap();
    let sealed = h
        .state
        .master_key
        .encrypt(&key_id, &secret, &mut OsRandom)
        .unwrap();
    let key = AccessKey {
        id: key_id.clone(),
        account_id: account.to_owned(),
        owner,
        secret: sealed,
        status: AccessKeyStatus::Active,
        create_date: Timestamp::from_secs(NOW),
        last_used: None,
    };
    (key_id, secret.expose().to_owned(), key)
}

pub const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

#[tokio::test]
async fn the_organization_tree_through_the_json_protocol() {
    let h = harness();
    // Before any organization.
    let reply = org_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "DescribeOrganization",
        json!({}),
    )
    .await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, "AWSOrganizationsNotInUseException")
    );
    assert_eq!(
        reply.message(),
        "Your account is not a member of an organization."
    );
    assert_eq!(reply.content_type, "application/x-amz-json-1.1");

    let created = org_ok(&h, "CreateOrganization", json!({})).await;
    let org = &created["Organization"];
    let org_id = org["Id"].as_str().unwrap();
    assert!(org_id.starts_with("o-") && org_id.len() == 12, "{org}");
    assert_eq!(org["FeatureSet"], "ALL");
    assert_eq!(org["MasterAccountId"], ACCOUNT);
    assert_eq!(
        org["Arn"],
        format!("arn:aws:organizations::{ACCOUNT}:organization/{org_id}")
    );
    assert_eq!(
        org["MasterAccountArn"],
        format!("arn:aws:organizations::{ACCOUNT}:account/{org_id}/{ACCOUNT}")
    );
    assert_eq!(
        org_ok(&h, "DescribeOrganization", json!({})).await["Organization"],
        *org
    );
    let again = org_err(
        &h,
        "CreateOrganization",
        json!({}),
        "AlreadyInOrganizationException",
    )
    .await;
    assert!(!again.message().is_empty());

    let roots = org_ok(&h, "ListRoots", json!({})).await;
    let root = roots["Roots"][0]["Id"].as_str().unwrap().to_owned();
    assert!(root.starts_with("r-") && root.len() == 6);
    assert_eq!(roots["Roots"][0]["Name"], "Root");
    assert_eq!(roots["Roots"][0]["PolicyTypes"], json!([]));
    let enabled = org_ok(
        &h,
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    assert_eq!(
        enabled["Root"]["PolicyTypes"],
        json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}])
    );
    org_err(
        &h,
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
        "PolicyTypeAlreadyEnabledException",
    )
    .await;
    org_err(
        &h,
        "EnablePolicyType",
        json!({"RootId": "r-zzzz", "PolicyType": "SERVICE_CONTROL_POLICY"}),
        "RootNotFoundException",
    )
    .await;
    org_err(
        &h,
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "TAG_POLICY"}),
        "PolicyTypeNotAvailableForOrganizationException",
    )
    .await;

    // OUs, two levels deep.
    let prod = org_ok(
        &h,
        "CreateOrganizationalUnit",
        json!({"ParentId": root, "Name": "prod", "Tags": [{"Key": "env", "Value": "prod"}]}),
    )
    .await["OrganizationalUnit"]
        .clone();
    let prod_id = prod["Id"].as_str().unwrap().to_owned();
    assert!(
        prod_id.starts_with(&format!("ou-{}-", &root[2..])),
        "{prod_id}"
    );
    assert_eq!(prod["Path"], format!("{org_id}/{root}/{prod_id}/"));
    let web = org_ok(
        &h,
        "CreateOrganizationalUnit",
        json!({"ParentId": prod_id, "Name": "web"}),
    )
    .await["OrganizationalUnit"]
        .clone();
    let web_id = web["Id"].as_str().unwrap().to_owned();
    assert_eq!(web["Path"], format!("{org_id}/{root}/{prod_id}/{web_id}/"));
    org_err(
        &h,
        "CreateOrganizationalUnit",
        json!({"ParentId": root, "Name": "prod"}),
        "DuplicateOrganizationalUnitException",
    )
    .await;
    org_err(
        &h,
        "CreateOrganizationalUnit",
        json!({"ParentId": "ou-zzzz-zzzzzzzz", "Name": "lost"}),
        "ParentNotFoundException",
    )
    .await;
    let listed = org_ok(
        &h,
        "ListOrganizationalUnitsForParent",
        json!({"ParentId": root}),
    )
    .await;
    assert_eq!(listed["OrganizationalUnits"], json!([prod.clone()]));
    assert_eq!(
        org_ok(
            &h,
            "DescribeOrganizationalUnit",
            json!({"OrganizationalUnitId": web_id})
        )
        .await["OrganizationalUnit"],
        web
    );

    // An account, moved into the nested OU.
    let created = org_ok(
        &h,
        "CreateAccount",
        json!({"Email": "dev@example.com", "AccountName": "dev"}),
    )
    .await["CreateAccountStatus"]
        .clone();
    assert_eq!(created["State"], "SUCCEEDED");
    assert_eq!(created["AccountName"], "dev");
    assert_eq!(created["RequestedTimestamp"], NOW);
    let request_id = created["Id"].as_str().unwrap();
    assert!(request_id.starts_with("car-"));
    let member = created["AccountId"].as_str().unwrap().to_owned();
    assert!(member.len() == 12 && member != ACCOUNT);
    assert_eq!(
        org_ok(
            &h,
            "DescribeCreateAccountStatus",
            json!({"CreateAccountRequestId": request_id})
        )
        .await["CreateAccountStatus"],
        created
    );
    org_err(
        &h,
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": "car-00000000000000000000000000000000"}),
        "CreateAccountStatusNotFoundException",
    )
    .await;
    org_ok(
        &h,
        "MoveAccount",
        json!({"AccountId": member, "SourceParentId": root, "DestinationParentId": web_id}),
    )
    .await;
    let described = org_ok(&h, "DescribeAccount", json!({"AccountId": member})).await;
    let account = &described["Account"];
    assert_eq!(account["Email"], "dev@example.com");
    assert_eq!(account["Status"], "ACTIVE");
    assert_eq!(account["JoinedMethod"], "CREATED");
    assert_eq!(
        account["Paths"],
        json!([format!("{org_id}/{root}/{prod_id}/{web_id}/{member}/")])
    );
    org_err(
        &h,
        "DescribeAccount",
        json!({"AccountId": "999999999999"}),
        "AccountNotFoundException",
    )
    .await;
    org_err(
        &h,
        "MoveAccount",
        json!({"AccountId": member, "SourceParentId": web_id, "DestinationParentId": web_id}),
        "DuplicateAccountException",
    )
    .await;
    org_err(
        &h,
        "MoveAccount",
        json!({"AccountId": member, "SourceParentId": root, "DestinationParentId": prod_id}),
        "SourceParentNotFoundException",
    )
    .await;
    org_err(
        &h,
        "MoveAccount",
        json!({"AccountId": member, "SourceParentId": web_id, "DestinationParentId": "ou-zzzz-zzzzzzzz"}),
        "DestinationParentNotFoundException",
    )
    .await;

    // The tree, both ways.
    let children = org_ok(
        &h,
        "ListChildren",
        json!({"ParentId": web_id, "ChildType": "ACCOUNT"}),
    )
    .await;
    assert_eq!(
        children["Children"],
        json!([{"Id": member, "Type": "ACCOUNT"}])
    );
    let children = org_ok(
        &h,
        "ListChildren",
        json!({"ParentId": root, "ChildType": "ORGANIZATIONAL_UNIT"}),
    )
    .await;
    assert_eq!(
        children["Children"],
        json!([{"Id": prod_id, "Type": "ORGANIZATIONAL_UNIT"}])
    );
    assert_eq!(
        org_ok(&h, "ListParents", json!({"ChildId": member})).await["Parents"],
        json!([{"Id": web_id, "Type": "ORGANIZATIONAL_UNIT"}])
    );
    assert_eq!(
        org_ok(&h, "ListParents", json!({"ChildId": prod_id})).await["Parents"],
        json!([{"Id": root, "Type": "ROOT"}])
    );
    org_err(
        &h,
        "ListParents",
        json!({"ChildId": "999999999999"}),
        "ChildNotFoundException",
    )
    .await;

    // An OU with an account or a child OU stays.
    org_err(
        &h,
        "DeleteOrganizationalUnit",
        json!({"OrganizationalUnitId": web_id}),
        "OrganizationalUnitNotEmptyException",
    )
    .await;
    org_err(
        &h,
        "DeleteOrganizationalUnit",
        json!({"OrganizationalUnitId": prod_id}),
        "OrganizationalUnitNotEmptyException",
    )
    .await;
    org_ok(
        &h,
        "MoveAccount",
        json!({"AccountId": member, "SourceParentId": web_id, "DestinationParentId": root}),
    )
    .await;
    org_ok(
        &h,
        "DeleteOrganizationalUnit",
        json!({"OrganizationalUnitId": web_id}),
    )
    .await;
    org_err(
        &h,
        "DescribeOrganizationalUnit",
        json!({"OrganizationalUnitId": web_id}),
        "OrganizationalUnitNotFoundException",
    )
    .await;

    // A non-empty organization cannot be deleted.
    org_err(
        &h,
        "DeleteOrganization",
        json!({}),
        "OrganizationNotEmptyException",
    )
    .await;
}

#[tokio::test]
async fn listings_page_with_next_token_and_max_results() {
    let h = harness();
    org_ok(&h, "CreateOrganization", json!({})).await;
    for n in 0..3 {
        org_ok(
            &h,
            "CreateAccount",
            json!({"Email": format!("a{n}@example.com"), "AccountName": format!("a{n}")}),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"MaxResults": 2});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let page = org_ok(&h, "ListAccounts", body).await;
        let accounts = page["Accounts"].as_array().unwrap();
        assert!(accounts.len() <= 2);
        seen.extend(
            accounts
                .iter()
                .map(|a| a["Id"].as_str().unwrap().to_owned()),
        );
        match page.get("NextToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen);
    let bad = org_err(
        &h,
        "ListAccounts",
        json!({"NextToken": "not a token"}),
        "InvalidInputException",
    )
    .await;
    assert_eq!(bad.reason(), "INVALID_NEXT_TOKEN");
    let too_many = org_err(
        &h,
        "ListAccounts",
        json!({"MaxResults": 21}),
        "InvalidInputException",
    )
    .await;
    assert_eq!(too_many.reason(), "MAX_VALUE_EXCEEDED");
}

#[tokio::test]
async fn a_new_account_is_its_own_iam_namespace() {
    let h = harness();
    let t = tree(&h).await;
    // The account, the AWS managed policies and the role that trusts the management
    // account, all in the member's namespace.
    let (role, attached, policies) = h
        .state
        .store
        .read(|tx| -> Result<_, ironiam_store::StoreError> {
            tx.get_account(&t.member)?;
            let role = tx.get_role(&t.member, "OrganizationAccountAccessRole")?;
            let attached = tx.list_attached_policies(
                &t.member,
                PrincipalKind::Role,
                "OrganizationAccountAccessRole",
                &ironiam_store::ListOptions::all(),
            )?;
            let policies =
                tx.list_policies(&t.member, &ironiam_store::ListOptions::all(), false)?;
            Ok((role, attached, policies))
        })
        .unwrap();
    assert_eq!(
        role.arn,
        format!(
            "arn:aws:iam::{}:role/OrganizationAccountAccessRole",
            t.member
        )
    );
    let trust: Json = serde_json::from_str(&role.assume_role_policy_document).unwrap();
    assert_eq!(
        trust["Statement"][0]["Principal"]["AWS"],
        format!("arn:aws:iam::{ACCOUNT}:root")
    );
    assert_eq!(trust["Statement"][0]["Action"], "sts:AssumeRole");
    assert_eq!(trust["Statement"][0]["Effect"], "Allow");
    assert_eq!(attached.items.len(), 1);
    assert_eq!(attached.items[0].policy_arn, ADMIN);
    let management_policies = h
        .state
        .store
        .read(|tx| tx.list_policies(ACCOUNT, &ironiam_store::ListOptions::all(), false))
        .unwrap();
    assert_eq!(policies.items.len(), management_policies.items.len());
    assert!(policies.items.len() >= 10);
    assert!(policies.items.iter().all(|p| p.account_id == t.member));

    // RoleName picks the role's name; the service-linked prefix is reserved.
    let custom = org_ok(
        &h,
        "CreateAccount",
        json!({"Email": "ops@example.com", "AccountName": "ops", "RoleName": "Admin"}),
    )
    .await;
    let ops = custom["CreateAccountStatus"]["AccountId"].as_str().unwrap();
    assert!(h.state.store.read(|tx| tx.get_role(ops, "Admin")).is_ok());
    let reserved = org_err(
        &h,
        "CreateAccount",
        json!({"Email": "x@example.com", "AccountName": "x", "RoleName": "AWSServiceRoleForX"}),
        "InvalidInputException",
    )
    .await;
    assert_eq!(reserved.reason(), "INVALID_ROLE_NAME");
    // A taken email fails the request, as its status says.
    let dup = org_ok(
        &h,
        "CreateAccount",
        json!({"Email": "DEV@example.com", "AccountName": "again"}),
    )
    .await;
    assert_eq!(dup["CreateAccountStatus"]["State"], "FAILED");
    assert_eq!(
        dup["CreateAccountStatus"]["FailureReason"],
        "EMAIL_ALREADY_EXISTS"
    );
    assert!(dup["CreateAccountStatus"].get("AccountId").is_none());

    // IAM calls act in the caller's own account.
    let (key, secret) = store_user(&h, &t.member, "alice", &[ADMIN]);
    assert_eq!(
        h.root("CreateUser", &[("UserName", "bob")]).await.status,
        200
    );
    let listed = h.call_as((&key, &secret), "ListUsers", &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(listed.body.contains("<UserName>alice</UserName>"));
    assert!(!listed.body.contains("bob"));
    let created = h
        .call_as((&key, &secret), "CreateUser", &[("UserName", "bob")])
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(
        created.field("Arn"),
        Some(format!("arn:aws:iam::{}:user/bob", t.member).as_str())
    );
}

#[tokio::test]
async fn service_control_policies_and_attachments() {
    let h = harness();
    let t = tree(&h).await;
    let full = org_ok(&h, "DescribePolicy", json!({"PolicyId": "p-FullAWSAccess"})).await;
    assert_eq!(full["Policy"]["PolicySummary"]["AwsManaged"], true);
    assert_eq!(
        full["Policy"]["PolicySummary"]["Arn"],
        "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    );
    // Enabling SCPs attached FullAWSAccess everywhere; new OUs and accounts get it too.
    let targets = org_ok(
        &h,
        "ListTargetsForPolicy",
        json!({"PolicyId": "p-FullAWSAccess"}),
    )
    .await;
    let mut ids: Vec<&str> = targets["Targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["TargetId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected = vec![ACCOUNT, t.member.as_str(), t.prod.as_str(), t.root.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert!(
        targets["Targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["Type"] == "ORGANIZATIONAL_UNIT" && x["Name"] == "prod")
    );

    let doc = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "RequireMFAAccess", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]});
    let created = org_ok(
        &h,
        "CreatePolicy",
        json!({"Name": "RequireMFA", "Description": "seed 004", "Type": "SERVICE_CONTROL_POLICY",
               "Content": doc.to_string()}),
    )
    .await;
    let summary = &created["Policy"]["PolicySummary"];
    let policy_id = summary["Id"].as_str().unwrap().to_owned();
    assert!(policy_id.starts_with("p-") && policy_id.len() == 10);
    assert_eq!(
        summary["Arn"],
        format!(
            "arn:aws:organizations::{ACCOUNT}:policy/{}/service_control_policy/{policy_id}",
            t.org_id
        )
    );
    assert_eq!(summary["AwsManaged"], false);
    assert_eq!(created["Policy"]["Content"], doc.to_string());
    org_err(
        &h,
        "CreatePolicy",
        json!({"Name": "RequireMFA", "Description": "", "Type": "SERVICE_CONTROL_POLICY",
               "Content": doc.to_string()}),
        "DuplicatePolicyException",
    )
    .await;
    let malformed = org_err(
        &h,
        "CreatePolicy",
        json!({"Name": "bad", "Description": "", "Type": "SERVICE_CONTROL_POLICY",
               "Content": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#}),
        "MalformedPolicyDocumentException",
    )
    .await;
    assert!(malformed.message().starts_with(
        "The provided policy document does not meet the requirements of the specified policy type."
    ));
    org_err(
        &h,
        "CreatePolicy",
        json!({"Name": "tags", "Description": "", "Type": "TAG_POLICY", "Content": "{}"}),
        "PolicyTypeNotAvailableForOrganizationException",
    )
    .await;
    let big = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": (0..400).map(|n| format!("s3:Action{n}")).collect::<Vec<_>>(), "Resource": "*"}]});
    let too_big = org_err(
        &h,
        "CreatePolicy",
        json!({"Name": "big", "Description": "", "Type": "SERVICE_CONTROL_POLICY", "Content": big.to_string()}),
        "ConstraintViolationException",
    )
    .await;
    assert_eq!(too_big.reason(), "POLICY_CONTENT_LIMIT_EXCEEDED");

    // AWS's own policy cannot change.
    let immutable = org_err(
        &h,
        "UpdatePolicy",
        json!({"PolicyId": "p-FullAWSAccess", "Name": "Mine"}),
        "InvalidInputException",
    )
    .await;
    assert_eq!(immutable.reason(), "IMMUTABLE_POLICY");
    let deleted = org_err(
        &h,
        "DeletePolicy",
        json!({"PolicyId": "p-FullAWSAccess"}),
        "InvalidInputException",
    )
    .await;
    assert_eq!(deleted.reason(), "IMMUTABLE_POLICY");

    // Attach, list, the quotas, detach.
    org_ok(
        &h,
        "AttachPolicy",
        json!({"PolicyId": policy_id, "TargetId": t.prod}),
    )
    .await;
    org_err(
        &h,
        "AttachPolicy",
        json!({"PolicyId": policy_id, "TargetId": t.prod}),
        "DuplicatePolicyAttachmentException",
    )
    .await;
    org_err(
        &h,
        "AttachPolicy",
        json!({"PolicyId": policy_id, "TargetId": "ou-zzzz-zzzzzzzz"}),
        "TargetNotFoundException",
    )
    .await;
    org_err(
        &h,
        "AttachPolicy",
        json!({"PolicyId": "p-zzzzzzzz", "TargetId": t.prod}),
        "PolicyNotFoundException",
    )
    .await;
    let names = |reply: &Json| -> Vec<String> {
        reply["Policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["Name"].as_str().unwrap().to_owned())
            .collect()
    };
    let on_prod = org_ok(
        &h,
        "ListPoliciesForTarget",
        json!({"TargetId": t.prod, "Filter": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    assert_eq!(names(&on_prod), vec!["FullAWSAccess", "RequireMFA"]);
    let all = org_ok(
        &h,
        "ListPolicies",
        json!({"Filter": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    assert_eq!(names(&all), vec!["FullAWSAccess", "RequireMFA"]);
    assert_eq!(
        org_ok(&h, "ListPolicies", json!({"Filter": "TAG_POLICY"})).await["Policies"],
        json!([])
    );
    for n in 0..3 {
        let extra = org_ok(
            &h,
            "CreatePolicy",
            json!({"Name": format!("extra{n}"), "Description": "", "Type": "SERVICE_CONTROL_POLICY",
                   "Content": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#}),
        )
        .await;
        let id = extra["Policy"]["PolicySummary"]["Id"].as_str().unwrap();
        org_ok(
            &h,
            "AttachPolicy",
            json!({"PolicyId": id, "TargetId": t.prod}),
        )
        .await;
    }
    let sixth = org_ok(
        &h,
        "CreatePolicy",
        json!({"Name": "sixth", "Description": "", "Type": "SERVICE_CONTROL_POLICY",
               "Content": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#}),
    )
    .await;
    let sixth = sixth["Policy"]["PolicySummary"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let over = org_err(
        &h,
        "AttachPolicy",
        json!({"PolicyId": sixth, "TargetId": t.prod}),
        "ConstraintViolationException",
    )
    .await;
    assert_eq!(over.reason(), "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
    org_err(
        &h,
        "DeletePolicy",
        json!({"PolicyId": policy_id}),
        "PolicyInUseException",
    )
    .await;
    org_err(
        &h,
        "DetachPolicy",
        json!({"PolicyId": sixth, "TargetId": t.prod}),
        "PolicyNotAttachedException",
    )
    .await;
    // The last SCP of a target stays.
    let last = org_err(
        &h,
        "DetachPolicy",
        json!({"PolicyId": "p-FullAWSAccess", "TargetId": t.root}),
        "ConstraintViolationException",
    )
    .await;
    assert_eq!(last.reason(), "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
    org_ok(
        &h,
        "DetachPolicy",
        json!({"PolicyId": policy_id, "TargetId": t.prod}),
    )
    .await;
    let updated = org_ok(
        &h,
        "UpdatePolicy",
        json!({"PolicyId": policy_id, "Name": "RequireMFAEverywhere", "Description": "new"}),
    )
    .await;
    assert_eq!(
        updated["Policy"]["PolicySummary"]["Name"],
        "RequireMFAEverywhere"
    );
    assert_eq!(updated["Policy"]["Content"], doc.to_string());
    org_ok(&h, "DeletePolicy", json!({"PolicyId": policy_id})).await;
    org_err(
        &h,
        "DescribePolicy",
        json!({"PolicyId": policy_id}),
        "PolicyNotFoundException",
    )
    .await;

    // Disabling SCPs detaches them all; attaching then needs the type again.
    org_ok(
        &h,
        "DisablePolicyType",
        json!({"RootId": t.root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    )
    .await;
    assert_eq!(
        org_ok(
            &h,
            "ListTargetsForPolicy",
            json!({"PolicyId": "p-FullAWSAccess"})
        )
        .await["Targets"],
        json!([])
    );
    org_err(
        &h,
        "AttachPolicy",
        json!({"PolicyId": sixth, "TargetId": t.prod}),
        "PolicyTypeNotEnabledException",
    )
    .await;
    org_err(
        &h,
        "DisablePolicyType",
        json!({"RootId": t.root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
        "PolicyTypeNotEnabledException",
    )
    .await;
}

#[tokio::test]
async fn only_the_management_account_runs_most_operations() {
    let h = harness();
    let t = tree(&h).await;
    let (key, secret) = store_user(&h, &t.member, "admin", &[ADMIN]);
    // Any member may describe its organization.
    let described = org_as(&h, (&key, &secret), "DescribeOrganization", json!({})).await;
    assert_eq!(described.status, 200, "{}", described.body);
    assert_eq!(described.body["Organization"]["Id"], t.org_id);
    for (operation, body) in [
        ("ListAccounts", json!({})),
        ("ListRoots", json!({})),
        (
            "CreateAccount",
            json!({"Email": "m@example.com", "AccountName": "m"}),
        ),
        ("DescribeAccount", json!({"AccountId": t.member})),
        ("ListPolicies", json!({"Filter": "SERVICE_CONTROL_POLICY"})),
        ("DeleteOrganization", json!({})),
    ] {
        let reply = org_as(&h, (&key, &secret), operation, body).await;
        assert_eq!(reply.status, 400, "{operation}");
        assert_eq!(reply.code(), "AccessDeniedException", "{operation}");
        assert_eq!(
            reply.message(),
            "You don't have permissions to access this resource.",
            "{operation}"
        );
    }
    let reply = org_as(&h, (&key, &secret), "CreateOrganization", json!({})).await;
    assert_eq!(reply.code(), "AlreadyInOrganizationException");
}

#[tokio::test]
async fn organizations_calls_are_authorized_by_the_policy_engine() {
    let h = harness();
    let t = tree(&h).await;
    let (key, secret) = h.user_with_key("auditor").await;
    let reply = org_as(&h, (&key, &secret), "ListAccounts", json!({})).await;
    assert_eq!((reply.status, reply.code()), (400, "AccessDeniedException"));
    assert_eq!(
        reply.message(),
        format!(
            "User: arn:aws:iam::{ACCOUNT}:user/auditor is not authorized to perform: organizations:ListAccounts on resource: * because no identity-based policy allows the organizations:ListAccounts action"
        )
    );
    // Resource-level permissions with the Service Authorization Reference's ARNs.
    let prod_arn = format!(
        "arn:aws:organizations::{ACCOUNT}:ou/{}/{}",
        t.org_id, t.prod
    );
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["organizations:List*", "organizations:DescribeOrganization"], "Resource": "*"},
        {"Effect": "Allow", "Action": "organizations:DescribeOrganizationalUnit", "Resource": prod_arn},
        {"Effect": "Allow", "Action": "organizations:DescribePolicy", "Resource": "*",
         "Condition": {"StringEquals": {"organizations:PolicyType": "TAG_POLICY"}}}]});
    let put = h
        .root(
            "PutUserPolicy",
            &[
                ("UserName", "auditor"),
                ("PolicyName", "read"),
                ("PolicyDocument", &policy.to_string()),
            ],
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let listed = org_as(&h, (&key, &secret), "ListAccounts", json!({})).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let ou = org_as(
        &h,
        (&key, &secret),
        "DescribeOrganizationalUnit",
        json!({"OrganizationalUnitId": t.prod}),
    )
    .await;
    assert_eq!(ou.status, 200, "{}", ou.body);
    let other = org_ok(
        &h,
        "CreateOrganizationalUnit",
        json!({"ParentId": t.root, "Name": "dev"}),
    )
    .await;
    let other_id = other["OrganizationalUnit"]["Id"].as_str().unwrap();
    let denied = org_as(
        &h,
        (&key, &secret),
        "DescribeOrganizationalUnit",
        json!({"OrganizationalUnitId": other_id}),
    )
    .await;
    assert_eq!(denied.code(), "AccessDeniedException");
    assert!(
        denied.message().contains(&format!(
            "on resource: arn:aws:organizations::{ACCOUNT}:ou/{}/{other_id}",
            t.org_id
        )),
        "{}",
        denied.message()
    );
    // organizations:PolicyType is the policy's type.
    let scp = org_as(
        &h,
        (&key, &secret),
        "DescribePolicy",
        json!({"PolicyId": "p-FullAWSAccess"}),
    )
    .await;
    assert_eq!(scp.code(), "AccessDeniedException");
    assert!(scp.message().contains(
        "on resource: arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    ));
}

#[tokio::test]
async fn json_protocol_errors_have_aws_form() {
    let h = harness();
    let now = NOW;
    // An unknown target, an unknown service, and a malformed header.
    for target in [
        format!("{TARGET_PREFIX}.NoSuchOperation"),
        "NoSuchService.ListAccounts".to_owned(),
        "nodot".to_owned(),
    ] {
        let reply = send_json(
            &h,
            signed_json(&target, "{}", (ROOT_ID, ROOT_SECRET), now, "organizations"),
        )
        .await;
        assert_eq!(reply.status, 400, "{target}");
        assert_eq!(
            reply.code(),
            "com.amazon.coral.service#UnknownOperationException"
        );
    }
    let target = format!("{TARGET_PREFIX}.ListAccounts");
    let reply = send_json(
        &h,
        signed_json(
            &target,
            "{not json",
            (ROOT_ID, ROOT_SECRET),
            now,
            "organizations",
        ),
    )
    .await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, "SerializationException")
    );
    let reply = send_json(
        &h,
        signed_json(
            &target,
            r#"{"MaxResults": "ten"}"#,
            (ROOT_ID, ROOT_SECRET),
            now,
            "organizations",
        ),
    )
    .await;
    assert_eq!(reply.code(), "SerializationException");
    assert_eq!(
        reply.message(),
        "Expected an integer at 'MaxResults', found a string."
    );
    let reply = org_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "DescribeAccount",
        json!({"AccountId": "12345"}),
    )
    .await;
    assert_eq!(reply.code(), "InvalidInputException");
    assert_eq!(reply.reason(), "INVALID_PATTERN");
    assert!(
        reply
            .message()
            .starts_with("You provided a value that does not match the required pattern.")
    );
    let reply = org_as(&h, (ROOT_ID, ROOT_SECRET), "DescribeAccount", json!({})).await;
    assert_eq!(reply.reason(), "INPUT_REQUIRED");
    let reply = org_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "ListPolicies",
        json!({"Filter": "NOPE"}),
    )
    .await;
    assert_eq!(reply.reason(), "INVALID_ENUM_POLICY_TYPE");

    // Authentication failures take the JSON services' codes.
    let reply = org_as(
        &h,
        ("AKIAUNKNOWNKEY000000", "secret"),
        "ListRoots",
        json!({}),
    )
    .await;
    assert_eq!(reply.code(), "UnrecognizedClientException");
    let reply = org_as(&h, (ROOT_ID, "wrong secret"), "ListRoots", json!({})).await;
    assert_eq!(reply.code(), "InvalidSignatureException");
    let reply = send_json(
        &h,
        signed_json(&target, "{}", (ROOT_ID, ROOT_SECRET), now, "iam"),
    )
    .await;
    assert_eq!(reply.code(), "InvalidSignatureException");
    assert!(
        reply.message().contains("organizations"),
        "{}",
        reply.message()
    );
    let unsigned = Request::builder()
        .method("POST")
        .uri("/")
        .header("x-amz-target", &target)
        .header("content-type", "application/x-amz-json-1.1")
        .body(Body::from("{}"))
        .unwrap();
    let reply = send_json(&h, unsigned).await;
    assert_eq!(reply.code(), "MissingAuthenticationTokenException");

    // A modelled operation ironiam does not run is authorized, then refused.
    let reply = org_as(
        &h,
        (ROOT_ID, ROOT_SECRET),
        "ListHandshakesForAccount",
        json!({}),
    )
    .await;
    assert_eq!((reply.status, reply.code()), (501, "NotImplemented"));

    // Requests without X-Amz-Target still reach the Query endpoint.
    assert_eq!(h.root("ListUsers", &[]).await.status, 200);
}

#[tokio::test]
async fn deleting_an_empty_organization() {
    let h = harness();
    org_ok(
        &h,
        "CreateOrganization",
        json!({"FeatureSet": "CONSOLIDATED_BILLING"}),
    )
    .await;
    let roots = org_ok(&h, "ListRoots", json!({})).await;
    let root = roots["Roots"][0]["Id"].as_str().unwrap();
    // Without all features, no policy type can be enabled.
    org_err(
        &h,
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
        "PolicyTypeNotAvailableForOrganizationException",
    )
    .await;
    org_ok(&h, "DeleteOrganization", json!({})).await;
    org_err(
        &h,
        "DescribeOrganization",
        json!({}),
        "AWSOrganizationsNotInUseException",
    )
    .await;
    org_ok(&h, "CreateOrganization", json!({})).await;
}
