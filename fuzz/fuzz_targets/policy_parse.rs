//! Policy text through parsing, validation and compilation for every policy kind; a
//! document that compiles is then evaluated, and the fast decision must agree with the
//! explained one.
#![no_main]

use ironiam_policy::{decide, explain, Action, Caller, Context, ContextValue, Policy, PolicyKind, PolicySet, Request};
use libfuzzer_sys::fuzz_target;

const KINDS: [PolicyKind; 8] = [
    PolicyKind::Identity,
    PolicyKind::Managed,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::ServiceControl,
    PolicyKind::ResourceControl,
    PolicyKind::PermissionsBoundary,
    PolicyKind::Session,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(caller) = Caller::parse("arn:aws:iam::111122223333:user/alice") else { return };
    let mut context = Context::new();
    context.insert("aws:MultiFactorAuthPresent", ContextValue::boolean(false));
    context.insert("aws:TagKeys", ContextValue::list(ironiam_policy::ValueType::String, vec!["a".into(), "b".into()]));
    caller.add_derived_keys(&mut context);
    for kind in KINDS {
        let Ok(policy) = Policy::new("fuzz", text, kind) else { continue };
        for (action, resource) in [("iam:GetUser", "arn:aws:iam::111122223333:user/alice"), ("s3:GetObject", "*")] {
            let action = Action::new(action);
            let request = Request { caller: &caller, action: &action, resource, resource_account: None, context: &context };
            let identity = [&policy];
            let set = match kind {
                PolicyKind::Resource | PolicyKind::Trust | PolicyKind::ResourceControl => {
                    PolicySet { resource: Some(&policy), ..PolicySet::default() }
                }
                _ => PolicySet { identity: &identity, ..PolicySet::default() },
            };
            assert_eq!(decide(&set, &request).decision, explain(&set, &request).decision);
        }
    }
});
