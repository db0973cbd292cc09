#![allow(clippy::unwrap_used)]

use super::*;
use crate::variable::Resolve;

struct Vars(&'static [(&'static str, &'static str)]);

impl Resolve for Vars {
    fn single_value(&self, _hash: u64, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

const NONE: Vars = Vars(&[]);

/// A pattern with its own arena, for tests.
struct Compiled(Arena, Pattern);

impl Compiled {
    fn matches(&self, text: &str, vars: &dyn Resolve) -> Match<'_> {
        self.1.matches(&self.0, text, vars)
    }
}

fn compile(pattern: &str, syntax: Syntax) -> Compiled {
    let mut arena = Arena::default();
    // Patterns share arenas in policies: compile another first so offsets are not zero.
    Pattern::compile(
        "arn:aws:iam::*:user/other-${aws:username}",
        syntax,
        &mut arena,
    );
    let compiled = Pattern::compile(pattern, syntax, &mut arena);
    Compiled(arena, compiled)
}

fn resource(pattern: &str) -> Compiled {
    compile(
        pattern,
        Syntax {
            colons: Colons::Bounded,
            lowercase: false,
            variables: true,
            wildcards: true,
        },
    )
}

fn action(pattern: &str) -> Compiled {
    compile(
        pattern,
        Syntax {
            colons: Colons::Free,
            lowercase: true,
            variables: false,
            wildcards: true,
        },
    )
}

#[test]
fn actions_fold_case_and_take_wildcards() {
    assert_eq!(
        action("IAM:List*").matches("iam:listusers", &NONE),
        Match::Yes
    );
    assert_eq!(
        action("iam:?etUser").matches("iam:getuser", &NONE),
        Match::Yes
    );
    assert_eq!(
        action("iam:Get*").matches("iam:listusers", &NONE),
        Match::No
    );
    assert_eq!(action("*").matches("anything:atall", &NONE), Match::Yes);
    assert_eq!(
        action("*:*Tag*").matches("ec2:createtags", &NONE),
        Match::Yes
    );
}

#[test]
fn resource_stars_stay_in_their_segment_unless_last() {
    // `*` mid-segment does not cross `:`.
    assert_eq!(
        resource("arn:aws:logs:us-east-1:1:log-group:a*b")
            .matches("arn:aws:logs:us-east-1:1:log-group:a:b", &NONE),
        Match::No
    );
    assert_eq!(
        resource("arn:aws:logs:us-east-1:1:log-group:a*b")
            .matches("arn:aws:logs:us-east-1:1:log-group:a/x/b", &NONE),
        Match::Yes
    );
    // A `*` ending its segment may run past colons.
    assert_eq!(
        resource("arn:aws:logs:us-east-1:1:log-group:*")
            .matches("arn:aws:logs:us-east-1:1:log-group:a:b", &NONE),
        Match::Yes
    );
    assert_eq!(
        resource("arn:aws:iam::*:user/bob").matches("arn:aws:iam::111122223333:user/bob", &NONE),
        Match::Yes
    );
    // ARNs are case-sensitive.
    assert_eq!(
        resource("arn:aws:iam::*:user/Bob").matches("arn:aws:iam::1:user/bob", &NONE),
        Match::No
    );
}

#[test]
fn several_stars_take_the_general_walk() {
    let pattern = resource("arn:aws:s3:::bucket/*/test/*");
    for key in [
        "1/test/object.jpg",
        "1/2/test/3/object.jpg",
        "1///test///object.jpg",
        "/test/object.jpg",
        "1/test/",
    ] {
        assert_eq!(
            pattern.matches(&format!("arn:aws:s3:::bucket/{key}"), &NONE),
            Match::Yes,
            "{key}"
        );
    }
    assert_eq!(
        pattern.matches("arn:aws:s3:::bucket/1-test/object.jpg", &NONE),
        Match::No
    );
    let long = format!("arn:aws:s3:::bucket/{}/test/x", "a".repeat(1000));
    assert_eq!(pattern.matches(&long, &NONE), Match::Yes);
}

#[test]
fn variables_substitute_literally_and_absent_ones_never_match() {
    let vars = Vars(&[("aws:username", "alice"), ("aws:principaltag/team", "a*")]);
    assert_eq!(
        resource("arn:aws:iam::*:user/${aws:username}").matches("arn:aws:iam::1:user/alice", &vars),
        Match::Yes
    );
    assert_eq!(
        resource("arn:aws:iam::*:user/${aws:username}").matches("arn:aws:iam::1:user/bob", &vars),
        Match::No
    );
    assert_eq!(
        resource("arn:aws:s3:::${aws:PrincipalTag/team}").matches("arn:aws:s3:::ab", &vars),
        Match::No
    );
    assert_eq!(
        resource("arn:aws:s3:::${aws:PrincipalTag/team}").matches("arn:aws:s3:::a*", &vars),
        Match::Yes
    );
    assert_eq!(
        resource("arn:aws:s3:::x/${aws:userid}").matches("arn:aws:s3:::x/", &vars),
        Match::Unresolved("aws:userid")
    );
    assert_eq!(
        resource("arn:aws:s3:::x/${aws:userid, 'anon'}").matches("arn:aws:s3:::x/anon", &vars),
        Match::Yes
    );
    assert_eq!(
        resource("arn:aws:s3:::x/${*}").matches("arn:aws:s3:::x/*", &vars),
        Match::Yes
    );
    assert_eq!(
        resource("arn:aws:s3:::x/${*}").matches("arn:aws:s3:::x/y", &vars),
        Match::No
    );
}
