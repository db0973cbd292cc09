//! Bad input exits 2 and says where the problem is.

use std::fs;

use super::{ironiam, stderr};

#[test]
fn a_malformed_policy_names_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("ironiam-cli-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    // `Effect` has a value IAM refuses, on line 4.
    fs::write(
        &path,
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Permit\", \"Action\": \"s3:*\", \"Resource\": \"*\"\n  }]\n}\n",
    )
    .unwrap();
    let path = path.display().to_string();
    let output = ironiam(&["simulate", "--policy", &path, "--action", "s3:GetObject"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!("error: {path}:4:")),
        "{message}"
    );
    assert!(output.stdout.is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_files_and_bad_flags_exit_2() {
    let output = ironiam(&[
        "simulate",
        "--policy",
        "examples/nope.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read `examples/nope.json`"));

    let cases: [&[&str]; 5] = [
        &["simulate", "--policy", "examples/AdministratorAccess.json"],
        &["simulate", "--action", "s3:GetObject", "--caller", "alice"],
        &[
            "simulate",
            "--action",
            "s3:GetObject",
            "--context",
            "aws:MultiFactorAuthPresent=maybe",
        ],
        &[
            "simulate",
            "--action",
            "s3:GetObject",
            "--resource-owner",
            "bob",
        ],
        &["simulate", "--action", "s3:GetObject", "--mfa", "--no-mfa"],
    ];
    for args in cases {
        assert_eq!(ironiam(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_resource_policy_needs_a_principal() {
    // Resource-based policies are validated as such: IAM refuses one without Principal.
    let output = ironiam(&[
        "simulate",
        "--resource-policy",
        "examples/AdministratorAccess.json",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("examples/AdministratorAccess.json:1:"),
        "{}",
        stderr(&output)
    );
}
