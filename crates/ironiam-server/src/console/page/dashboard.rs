//! The IAM dashboard: the account, its resources, and the security recommendations AWS
//! shows (MFA for the root user, no root access keys, MFA for yourself, users without
//! MFA). Each figure comes from an IAM operation the caller must be allowed to call; a
//! denied one shows why instead.

use std::collections::BTreeMap;

use super::super::caller::Caller;
use super::super::html::{self, Page, esc, url_part};
use super::super::{ConsoleError, Ctx, Reply};
use super::failure;

/// `GET /console/home`.
pub(crate) fn show(ctx: &Ctx<'_>) -> Result<Reply, ConsoleError> {
    let caller = ctx.caller()?;
    let mut body = account_section(ctx, &caller);
    let mut recommendations = String::new();
    let mut resources = String::new();
    match caller.call("GetAccountSummary", &[]) {
        Ok(summary) => {
            let map: BTreeMap<&str, &str> = summary.entries("SummaryMap").collect();
            let get = |k: &str| map.get(k).copied().unwrap_or("0");
            if get("AccountMFAEnabled") != "1" {
                recommendations.push_str(&recommendation(
                    "Add MFA for the root user",
                    "The root user has no MFA device. Sign in as the root user and assign one under My security credentials.",
                    caller.principal().is_root().then_some(("/console/credentials/mfa/new", "Add MFA for root user")),
                ));
            }
            if get("AccountAccessKeysPresent") == "1" {
                recommendations.push_str(&recommendation(
                    "Deactivate or delete the root user's access keys",
                    "The root user has access keys. Use IAM users or roles for programmatic access instead.",
                    None,
                ));
            }
            let rows = [
                ("Users", get("Users"), "/console/users"),
                ("User groups", get("Groups"), "/console/groups"),
                ("Roles", get("Roles"), "/console/roles"),
                (
                    "Customer managed policies",
                    get("Policies"),
                    "/console/policies",
                ),
            ]
            .iter()
            .map(|(label, count, href)| vec![html::link(href, label), esc(count).to_string()])
            .collect::<Vec<_>>();
            resources.push_str(&html::table("IAM resources", &["Resource", "Count"], &rows));
        }
        Err(err) => resources.push_str(&failure("view the account summary", &err)),
    }
    if caller.principal().user.is_some() {
        match caller.call("ListMFADevices", &[]) {
            Ok(listed) if listed.members("MFADevices").next().is_none() => {
                recommendations.push_str(&recommendation(
                    "Add MFA for yourself",
                    "You have no MFA device. Add one to protect your sign-in; many policies allow almost nothing without it.",
                    Some(("/console/credentials/mfa/new", "Add MFA")),
                ));
            }
            Ok(_) => {}
            Err(err) => recommendations.push_str(&failure("list your MFA devices", &err)),
        }
    }
    recommendations.push_str(&users_without_mfa(&caller));
    if recommendations.is_empty() {
        recommendations.push_str("<p>No recommendations: well done.</p>");
    }
    body.push_str(&html::section(
        "recommendations",
        "Security recommendations",
        &recommendations,
    ));
    body.push_str(&html::section("resources", "IAM resources", &resources));
    Ok(Reply::Page(Page::new("IAM dashboard", body)))
}

fn recommendation(title: &str, text: &str, action: Option<(&str, &str)>) -> String {
    let mut out = format!(
        "<div class=\"recommendation\"><h3>{}</h3><p>{}</p>",
        esc(title),
        esc(text)
    );
    if let Some((href, label)) = action {
        out.push_str(&format!("<p>{}</p>", html::link(href, label)));
    }
    out.push_str("</div>");
    out
}

fn users_without_mfa(caller: &Caller<'_>) -> String {
    let listed = match caller.call("ListUsers", &[("MaxItems", "1000")]) {
        Ok(listed) => listed,
        Err(err) => return failure("list the account's users", &err),
    };
    let mut without = Vec::new();
    for user in listed.members("Users") {
        let name = user.text_of("UserName");
        match caller.call("ListMFADevices", &[("UserName", name)]) {
            Ok(devices) if devices.members("MFADevices").next().is_none() => {
                without.push(name.to_owned());
            }
            Ok(_) => {}
            Err(err) => return failure("list the users' MFA devices", &err),
        }
    }
    if without.is_empty() {
        return String::new();
    }
    let links: Vec<String> = without
        .iter()
        .map(|name| {
            format!(
                "<li>{}</li>",
                html::link(&format!("/console/users/{}", url_part(name)), name)
            )
        })
        .collect();
    format!(
        "<div class=\"recommendation\"><h3>Users without MFA</h3><p>{} user(s) have no MFA device:</p><ul>{}</ul></div>",
        without.len(),
        links.concat()
    )
}

fn account_section(ctx: &Ctx<'_>, caller: &Caller<'_>) -> String {
    let account = &caller.principal().account_id;
    let alias = match caller.call("ListAccountAliases", &[]) {
        Ok(listed) => listed
            .members("AccountAliases")
            .next()
            .map(|a| a.text.clone()),
        Err(_) => None,
    };
    let named = alias.clone().unwrap_or_else(|| account.clone());
    let scheme = if ctx.secure { "https" } else { "http" };
    let url = format!(
        "{scheme}://{}/console/signin?account={}",
        ctx.host,
        url_part(&named)
    );
    let mut body = format!("<p>Account ID <code>{}</code>", esc(account));
    if let Some(alias) = alias {
        body.push_str(&format!(", alias <code>{}</code>", esc(&alias)));
    }
    body.push_str(".</p>");
    body.push_str(&html::copyable(
        "signin-url",
        "Sign-in URL for IAM users",
        &url,
    ));
    html::section("account", "AWS account", &body)
}
