//! A denied action, explained: which action on which resource, the rule that decided
//! (explicit Deny, no Allow, boundary), the deciding statements with their text, and
//! what the caller can do about it, including the seed tutorials' two classic
//! situations (a force-MFA Deny before MFA sign-in, and `iam:ChangePassword` at first
//! sign-in).

use ironiam_policy::{
    ConditionFailure, EvalDecision, Reason, SetKind, StatementOutcome, StatementRef, StatementTrace,
};

use super::caller::DeniedView;
use super::html::esc;

/// How a policy id from the server's policy cache reads to a person.
pub(crate) fn policy_label(id: &str) -> String {
    if let Some(rest) = id.strip_prefix("managed:") {
        // managed:{arn}:{version}:{kind}
        let mut parts = rest.rsplitn(3, ':');
        let (_kind, version, arn) = (parts.next(), parts.next(), parts.next());
        if let (Some(version), Some(arn)) = (version, arn) {
            let name = arn.rsplit('/').next().unwrap_or(arn);
            return format!("managed policy {name} (version v{version}, {arn})");
        }
    }
    if let Some(rest) = id.strip_prefix("inline:") {
        let name = rest.split_once(':').map_or(rest, |(_, name)| name);
        return format!("inline policy {name}");
    }
    if id.starts_with("account-setting:allow-users-to-change-password") {
        return "the account password policy's setting \"Allow users to change their own password\"".to_owned();
    }
    id.to_owned()
}

fn set_words(set: SetKind) -> String {
    match set {
        SetKind::Identity => "an identity-based policy".to_owned(),
        SetKind::PermissionsBoundary => "the permissions boundary".to_owned(),
        SetKind::Session => "a session policy".to_owned(),
        SetKind::Resource => "a resource-based policy".to_owned(),
        SetKind::ServiceControl(level) => format!("a service control policy (level {})", level + 1),
        SetKind::ResourceControl(level) => {
            format!("a resource control policy (level {})", level + 1)
        }
    }
}

/// The decision's rule in words.
pub(crate) fn reason_words(reason: Reason) -> String {
    match reason {
        Reason::ExplicitDeny(set) => format!(
            "A Deny statement in {} applies to this request. An explicit Deny overrides every Allow.",
            set_words(set)
        ),
        Reason::NoIdentityAllow => "No identity-based policy allows this action, so it is denied by default (implicit deny).".to_owned(),
        Reason::PermissionsBoundaryNoAllow => "The permissions boundary does not allow this action; a boundary caps what identity-based policies can grant.".to_owned(),
        Reason::SessionNoAllow => "No session policy allows this action.".to_owned(),
        Reason::ServiceControlNoAllow(level) => format!(
            "No service control policy at level {} allows this action.",
            level + 1
        ),
        Reason::ResourceControlNoAllow(level) => format!(
            "No resource control policy at level {} allows this action.",
            level + 1
        ),
        Reason::ResourcePolicyNoAllow => "The resource's policy does not allow the caller.".to_owned(),
        Reason::RootUser | Reason::ResourcePolicy | Reason::IdentityPolicy => {
            "The request is allowed.".to_owned()
        }
    }
}

fn statement_name(statement: &StatementRef) -> String {
    match &statement.sid {
        Some(sid) if !sid.is_empty() => format!("Sid {sid}"),
        _ => format!("statement {}", statement.statement_index + 1),
    }
}

fn lines(statement: &StatementRef) -> String {
    if statement.start.line == statement.end.line {
        format!("line {}", statement.start.line)
    } else {
        format!("lines {}–{}", statement.start.line, statement.end.line)
    }
}

fn outcome_words(trace: &StatementTrace) -> String {
    match &trace.outcome {
        StatementOutcome::Applied => "applies".to_owned(),
        StatementOutcome::ActionNotMatched => {
            "does not apply: the action is not matched".to_owned()
        }
        StatementOutcome::ResourceNotMatched => {
            "does not apply: the resource is not matched".to_owned()
        }
        StatementOutcome::ResourceVariableMissing { variable } => format!(
            "does not apply: its resource uses ${{{variable}}}, which this request has no value for"
        ),
        StatementOutcome::PrincipalNotMatched => {
            "does not apply: its Principal does not name you".to_owned()
        }
        StatementOutcome::ConditionNotMet {
            operator,
            key,
            failure,
        } => match failure {
            ConditionFailure::KeyMissing => {
                format!(
                    "does not apply: condition {operator} on {key} needs a value the request lacks"
                )
            }
            ConditionFailure::ValueMismatch => {
                format!("does not apply: condition {operator} on {key} does not hold")
            }
            ConditionFailure::VariableMissing(variable) => format!(
                "does not apply: condition {operator} on {key} uses ${{{variable}}}, which has no value"
            ),
        },
    }
}

fn same(a: &StatementRef, b: &StatementRef) -> bool {
    a.set == b.set && a.policy_index == b.policy_index && a.statement_index == b.statement_index
}

fn mentions_mfa(text: &str) -> bool {
    text.to_ascii_lowercase().contains("aws:multifactorauth")
}

/// The full explanation, as a section.
pub(crate) fn render(view: &DeniedView) -> String {
    let denial = &view.denial;
    let explanation = &denial.explanation;
    let mut out =
        String::from("<section class=\"denied\" role=\"alert\" aria-label=\"Access denied\">");
    out.push_str("<h2>Access denied</h2>");
    out.push_str(&format!(
        "<p>You are not authorized to perform <code>{}</code> on resource <code>{}</code>.</p>",
        esc(&denial.action),
        esc(&denial.resource)
    ));
    let decision = match explanation.decision {
        EvalDecision::ExplicitDeny => "explicit deny",
        EvalDecision::ImplicitDeny => "implicit deny",
        EvalDecision::Allowed => "allowed",
    };
    out.push_str(&format!(
        "<p><strong>Decision: {decision}.</strong> {}</p>",
        esc(&reason_words(explanation.reason))
    ));
    if !view.excerpts.is_empty() {
        out.push_str("<h3>Deciding statements</h3><ul>");
        for (statement, text) in &view.excerpts {
            out.push_str(&format!(
                "<li>{} {}, {} of {}",
                esc(statement.effect.as_str()),
                esc(&statement_name(statement)),
                esc(&lines(statement)),
                esc(&policy_label(&statement.policy_id))
            ));
            let held = explanation
                .statements
                .iter()
                .find(|t| same(&t.statement, statement))
                .map(|t| t.held_because_absent.as_slice())
                .unwrap_or_default();
            for (operator, key) in held {
                out.push_str(&format!(
                    "<br>condition {} on {} held only because the request has no {}",
                    esc(operator),
                    esc(key),
                    esc(key)
                ));
            }
            if !text.is_empty() {
                out.push_str(&format!("<pre>{}</pre>", esc(text)));
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    // The context keys the seeds' policies test.
    let mut facts = Vec::new();
    for key in [
        "aws:MultiFactorAuthPresent",
        "aws:MultiFactorAuthAge",
        "aws:username",
    ] {
        if let Some(value) = denial.context.get(key) {
            facts.push(format!(
                "<li><code>{}</code> = <code>{}</code></li>",
                esc(key),
                esc(&value.values.join(", "))
            ));
        }
    }
    if !facts.is_empty() {
        out.push_str("<h3>Your request</h3><ul>");
        out.push_str(&facts.concat());
        out.push_str("</ul>");
    }
    if !explanation.missing_context_values.is_empty() {
        out.push_str(&format!(
            "<p>Context keys the policies test but the request lacks: <code>{}</code></p>",
            esc(&explanation.missing_context_values.join(", "))
        ));
    }
    out.push_str(&hints(view));
    if !explanation.statements.is_empty() {
        out.push_str("<details><summary>Every statement evaluated</summary><ul>");
        for trace in &explanation.statements {
            let st = &trace.statement;
            out.push_str(&format!(
                "<li>{} {} ({}) of {}: {}</li>",
                esc(st.effect.as_str()),
                esc(&statement_name(st)),
                esc(&lines(st)),
                esc(&policy_label(&st.policy_id)),
                esc(&outcome_words(trace))
            ));
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</section>");
    out
}

/// A short form for a section of a page: one line, the details behind a disclosure.
pub(crate) fn render_compact(what: &str, view: &DeniedView) -> String {
    format!(
        "<div class=\"denied\"><p><strong>You don't have permission to {}.</strong> \
         <code>{}</code> is denied ({}).</p><details><summary>Why?</summary>{}</details></div>",
        esc(what),
        esc(&view.denial.action),
        match view.denial.explanation.decision {
            EvalDecision::ExplicitDeny => "explicit deny",
            _ => "implicit deny",
        },
        render(view)
    )
}

/// What the caller can do next.
fn hints(view: &DeniedView) -> String {
    let denial = &view.denial;
    let explicit = denial.explanation.decision == EvalDecision::ExplicitDeny;
    let mfa_deny = explicit && view.excerpts.iter().any(|(_, text)| mentions_mfa(text));
    let mut out = String::new();
    if denial.action == "iam:ChangePassword" {
        if mfa_deny && !view.session_mfa {
            out.push_str(
                "<div class=\"recommendation\"><h3>Why you cannot change your password yet</h3>\
                 <p>Your policies deny <code>iam:ChangePassword</code> until you sign in with MFA, \
                 but you have to change your password before you can do anything else, including \
                 adding an MFA device. Ask an administrator to do one of these:</p><ul>\
                 <li>turn on <strong>Require MFA enrollment at first sign-in</strong> in Account \
                 settings, so that you add a device right after your password, before this step;</li>\
                 <li>add <code>iam:ChangePassword</code> to the Deny statement's <code>NotAction</code> \
                 list, as seed 001's policy does;</li>\
                 <li>or reset your password without \"must change at next sign-in\".</li></ul></div>",
            );
        } else if !explicit {
            out.push_str(
                "<div class=\"recommendation\"><h3>Why you cannot change your password</h3>\
                 <p>No policy allows <code>iam:ChangePassword</code> for you. When an administrator \
                 requires a new password at next sign-in, AWS attaches the \
                 <code>IAMUserChangePassword</code> managed policy; an administrator can attach it, \
                 or allow users to change their own password in the account password policy.</p></div>",
            );
        }
    } else if mfa_deny && !view.session_mfa {
        out.push_str(
            "<div class=\"recommendation\"><h3>Sign in with MFA</h3>\
             <p>The deciding statement denies requests made without multi-factor authentication, \
             and this session was signed in without it. Add an MFA device under \
             <a href=\"/console/credentials\">My security credentials</a>, then sign out and sign \
             in again with a code from the device.</p></div>",
        );
    }
    out
}
