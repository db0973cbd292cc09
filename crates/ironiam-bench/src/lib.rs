//! Fixtures shared by the benchmarks: the seed user's policies and generated policy
//! sets of known shape.

use ironiam_policy::{Policy, PolicyKind};

/// AWS's managed AdministratorAccess policy, as AWS publishes it.
pub const ADMINISTRATOR_ACCESS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }]
}"#;

/// The force-MFA policy of seed tutorial 000, verbatim.
pub const SEED_000_FORCE_MFA: &str = r#"{
"Version": "2012-10-17",
"Statement": [
{
"Sid": "AllowViewAccountInfo",
"Effect": "Allow",
"Action": "iam:ListVirtualMFADevices",
"Resource": "*"
},
{
"Sid": "AllowManageOwnVirtualMFADevice",
"Effect": "Allow",
"Action": [
"iam:CreateVirtualMFADevice",
"iam:DeleteVirtualMFADevice"
],
"Resource": "arn:aws:iam::*:mfa/*"
},
{
"Sid": "AllowManageOwnUserMFA",
"Effect": "Allow",
"Action": [
"iam:DeactivateMFADevice",
"iam:EnableMFADevice",
"iam:GetUser",
"iam:ListMFADevices",
"iam:ResyncMFADevice"
],
"Resource": "arn:aws:iam::*:user/${aws:username}"
},
{
"Sid": "DenyAllExceptListedIfNoMFA",
"Effect": "Deny",
"NotAction": [
"iam:CreateVirtualMFADevice",
"iam:EnableMFADevice",
"iam:GetUser",
"iam:ListMFADevices",
"iam:ListVirtualMFADevices",
"iam:ResyncMFADevice",
"sts:GetSessionToken"
],
"Resource": "*",
"Condition": {
"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}
}
}
]
}"#;

/// Services the generated policies draw their actions from.
pub const SERVICES: [&str; 10] = [
    "s3", "ec2", "iam", "sqs", "sns", "dynamodb", "lambda", "kms", "logs", "rds",
];

/// One generated statement with two conditions, for `service`, numbered `n`.
fn statement(service: &str, n: usize) -> String {
    // Every tenth statement, all on one service, denies.
    let effect = if n % 10 == 5 { "Deny" } else { "Allow" };
    // IAM ARNs carry no region, and their resource part names an IAM resource type.
    let (region, any_region, thing, other) = match service {
        "iam" => ("", "", "user/thing", "user/other"),
        _ => ("us-east-1", "*", "thing", "other"),
    };
    format!(
        r#"{{"Sid": "S{n}", "Effect": "{effect}", "Action": ["{service}:Get*", "{service}:List{n}", "{service}:Describe*"],
 "Resource": ["arn:aws:{service}:{region}:111122223333:{thing}/{n}/*", "arn:aws:{service}:{any_region}:111122223333:{other}/${{aws:username}}/*"],
 "Condition": {{"StringEquals": {{"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
   "NumericLessThan": {{"aws:MultiFactorAuthAge": "{age}"}}}}}}"#,
        age = 3600 + n
    )
}

/// A policy document of `count` generated statements, spread over `services`.
pub fn policy_text(count: usize, services: &[&str], offset: usize) -> String {
    let statements: Vec<String> = (0..count)
        .map(|i| {
            statement(
                services
                    .get((i + offset) % services.len())
                    .copied()
                    .unwrap_or("s3"),
                i + offset,
            )
        })
        .collect();
    format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
        statements.join(",\n")
    )
}

/// `policies` identity policies of `statements` statements each.
pub fn policy_set(policies: usize, statements: usize) -> Vec<Policy> {
    (0..policies)
        .map(|p| {
            Policy::new(
                format!("p{p}"),
                &policy_text(statements, &SERVICES, p * statements),
                PolicyKind::Identity,
            )
        })
        .collect::<Result<_, _>>()
        .unwrap_or_default()
}

/// A managed policy of about `target` characters (IAM's size: white space not counted).
pub fn policy_of_size(target: usize) -> String {
    let mut count = 1;
    loop {
        let text = policy_text(count, &SERVICES, 0);
        let size = text.chars().filter(|c| !c.is_whitespace()).count();
        if size >= target {
            return policy_text(count.saturating_sub(1).max(1), &SERVICES, 0);
        }
        count += 1;
    }
}
