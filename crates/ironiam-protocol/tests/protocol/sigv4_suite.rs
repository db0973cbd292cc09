//! AWS's SigV4 test suite, run against `sigv4::prepare` and `sigv4::verify`.

use std::fs;
use std::path::{Path, PathBuf};

use ironiam_protocol::sigv4::{
    self, AuthForm, ExpectedScope, Mismatch, QueryParams, Request, SecretKey, SigV4Error,
};
use ironiam_protocol::time::UnixTime;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_TIME: &str = "20150830T123600Z";
const STS_TOKEN_PREFIX: &str = "AQoDYXdzEPT//////////wEXAMPLE";

fn data_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/sigv4")
        .join(sub)
}

/// An owned request parsed from a `.req` file.
#[derive(Clone, Debug)]
struct OwnedRequest {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl OwnedRequest {
    fn parse(text: &str) -> Self {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut lines = head.lines();
        let request_line = lines.next().unwrap();
        let (method, rest) = request_line.split_once(' ').unwrap();
        let (uri, _protocol) = rest.rsplit_once(' ').unwrap();
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with(char::is_whitespace) {
                // A folded continuation: another value of the previous header.
                let name = headers.last().unwrap().0.clone();
                headers.push((name, line.trim().to_owned()));
            } else {
                let (name, value) = line.split_once(':').unwrap();
                headers.push((name.to_owned(), value.to_owned()));
            }
        }
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&Request<'_>) -> R) -> R {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let query = QueryParams::decode(self.query.as_bytes()).unwrap();
        let request = Request {
            method: &self.method,
            path: &self.path,
            query: &query,
            headers: &headers,
            body: &self.body,
        };
        f(&request)
    }
}

struct Vector {
    name: String,
    request: OwnedRequest,
    creq: Option<String>,
    sts: Option<String>,
    signature: String,
    now: UnixTime,
}

fn field<'a>(authz: &'a str, key: &str) -> &'a str {
    authz
        .split([' ', ','])
        .find_map(|part| part.strip_prefix(key))
        .unwrap_or_else(|| panic!("{key} in {authz}"))
}

fn suite() -> Vec<Vector> {
    let dir = data_dir("suite");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "req"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let read = |ext: &str| fs::read_to_string(dir.join(format!("{name}.{ext}"))).ok();
            let mut request = OwnedRequest::parse(&read("req").unwrap());
            let creq = read("creq");
            let sts = read("sts");
            let authz = read("authz").unwrap();
            let signed = match &creq {
                Some(c) => c.lines().rev().nth(1).unwrap().to_owned(),
                None => field(&authz, "SignedHeaders=").to_owned(),
            };
            let signature = field(&authz, "Signature=").to_owned();
            let credential = field(&authz, "Credential=");
            request.headers.push((
                "Authorization".to_owned(),
                format!(
                    "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, Signature={signature}"
                ),
            ));
            let time = sts.as_deref().map_or(SUITE_TIME, |s| s.lines().nth(1).unwrap());
            let now = UnixTime::parse_amz_date(time).unwrap();
            Vector { name, request, creq, sts, signature, now }
        })
        .collect()
}

fn keys(id: &str) -> Option<SecretKey> {
    (id == AKID).then(|| SecretKey::new(SECRET))
}

fn wrong_keys(id: &str) -> Option<SecretKey> {
    (id == AKID).then(|| SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz"))
}

fn verify(request: &OwnedRequest, now: UnixTime) -> Result<sigv4::VerifiedRequest, SigV4Error> {
    request.with(|r| sigv4::verify(r, now, &keys, ExpectedScope::default()))
}

#[test]
fn suite_is_present() {
    assert_eq!(suite().len(), 33);
}

#[test]
fn canonical_request_string_to_sign_and_signature_match_every_vector() {
    for v in suite() {
        let inputs = v
            .request
            .with(sigv4::prepare)
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        if let Some(creq) = &v.creq {
            assert_eq!(
                inputs.canonical_request(),
                creq,
                "{}: canonical request",
                v.name
            );
        }
        if let Some(sts) = &v.sts {
            assert_eq!(inputs.string_to_sign(), sts, "{}: string to sign", v.name);
        }
        assert_eq!(
            inputs.signature_for(&SecretKey::new(SECRET)).unwrap(),
            v.signature,
            "{}: signature",
            v.name
        );
    }
}

#[test]
fn verification_accepts_every_vector_at_its_time() {
    for v in suite() {
        let verified = verify(&v.request, v.now).unwrap_or_else(|e| panic!("{}: {e:?}", v.name));
        assert_eq!(verified.access_key_id, AKID);
        assert_eq!(verified.form, AuthForm::Header);
        assert_eq!(verified.request_time, v.now);
        assert_eq!(verified.scope.region, "us-east-1");
        let token = verified
            .security_token
            .as_ref()
            .map(|t| t.as_str().to_owned());
        assert_eq!(
            token.is_some_and(|t| t.starts_with(STS_TOKEN_PREFIX)),
            v.name.starts_with("post-sts-"),
            "{}: token pass-through",
            v.name
        );
        // 14 minutes either way is still inside the window.
        assert!(
            verify(&v.request, v.now.saturating_add(14 * 60)).is_ok(),
            "{}",
            v.name
        );
        assert!(
            verify(&v.request, v.now.saturating_add(-14 * 60)).is_ok(),
            "{}",
            v.name
        );
    }
}

#[test]
fn verification_rejects_clock_skew_of_sixteen_minutes() {
    for v in suite() {
        let later = v.now.saturating_add(16 * 60);
        assert!(
            matches!(
                verify(&v.request, later),
                Err(SigV4Error::SignatureDoesNotMatch(Mismatch::Expired { .. }))
            ),
            "{}",
            v.name
        );
        let earlier = v.now.saturating_add(-16 * 60);
        assert!(
            matches!(
                verify(&v.request, earlier),
                Err(SigV4Error::SignatureDoesNotMatch(
                    Mismatch::NotYetCurrent { .. }
                ))
            ),
            "{}",
            v.name
        );
    }
}

#[test]
fn verification_rejects_a_wrong_or_unknown_key() {
    for v in suite() {
        let wrong = v
            .request
            .with(|r| sigv4::verify(r, v.now, &wrong_keys, ExpectedScope::default()));
        assert_eq!(
            wrong.unwrap_err(),
            SigV4Error::SignatureDoesNotMatch(Mismatch::Signature),
            "{}",
            v.name
        );
        let none = |_: &str| None;
        let unknown = v
            .request
            .with(|r| sigv4::verify(r, v.now, &none, ExpectedScope::default()));
        assert_eq!(
            unknown.unwrap_err(),
            SigV4Error::InvalidClientTokenId,
            "{}",
            v.name
        );
    }
}

/// Every single-field change to a signed part must break the signature.
fn mutations(request: &OwnedRequest, signed_headers: &[String]) -> Vec<(String, OwnedRequest)> {
    let mut out = Vec::new();
    let mut m = request.clone();
    m.method = if m.method == "GET" {
        "PUT".into()
    } else {
        "GET".into()
    };
    out.push(("method".into(), m));
    let mut m = request.clone();
    m.path.push('x');
    out.push(("path".into(), m));
    let mut m = request.clone();
    m.query
        .push_str(if m.query.is_empty() { "a=b" } else { "&a=b" });
    out.push(("query".into(), m));
    let mut m = request.clone();
    match m.body.first_mut() {
        Some(b) => *b ^= 1,
        None => m.body.push(b'x'),
    }
    out.push(("body".into(), m));
    for (i, (name, _)) in request.headers.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" || !signed_headers.contains(&lower) {
            continue;
        }
        let mut m = request.clone();
        m.headers[i].1.push('x');
        out.push((format!("header {name}"), m));
    }
    out
}

#[test]
fn verification_rejects_a_changed_byte() {
    for v in suite() {
        let signed: Vec<String> = match &v.creq {
            Some(c) => c
                .lines()
                .rev()
                .nth(1)
                .unwrap()
                .split(';')
                .map(str::to_owned)
                .collect(),
            None => vec!["host".into(), "x-amz-date".into()],
        };
        for (what, mutated) in mutations(&v.request, &signed) {
            let result = verify(&mutated, v.now);
            assert!(
                result.is_err(),
                "{}: changing the {what} was accepted",
                v.name
            );
        }
        // And the signature itself.
        let mut m = v.request.clone();
        let auth = &mut m.headers.last_mut().unwrap().1;
        let last = auth.pop().unwrap();
        auth.push(if last == '0' { '1' } else { '0' });
        assert_eq!(
            verify(&m, v.now).unwrap_err(),
            SigV4Error::SignatureDoesNotMatch(Mismatch::Signature),
            "{}",
            v.name
        );
    }
}

fn presigned() -> Vec<(String, OwnedRequest)> {
    let dir = data_dir("presigned");
    let mut out: Vec<(String, OwnedRequest)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, OwnedRequest::parse(&fs::read_to_string(&p).unwrap()))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn presigned_vectors_verify_until_they_expire() {
    let signed_at = UnixTime::parse_amz_date(SUITE_TIME).unwrap();
    let all = presigned();
    assert_eq!(all.len(), 6);
    for (name, request) in all {
        let verified = verify(&request, signed_at).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(verified.form, AuthForm::Presigned, "{name}");
        assert_eq!(verified.scope.service, "service");
        assert_eq!(
            verified.security_token.as_ref().map(|t| t.as_str().len()),
            (name == "get-vanilla-with-session-token").then_some(64),
            "{name}"
        );
        assert!(
            verify(&request, signed_at.saturating_add(3600)).is_ok(),
            "{name}"
        );
        assert!(matches!(
            verify(&request, signed_at.saturating_add(3601)),
            Err(SigV4Error::RequestExpired { .. })
        ));
        assert!(matches!(
            verify(&request, signed_at.saturating_add(-16 * 60)),
            Err(SigV4Error::SignatureDoesNotMatch(
                Mismatch::NotYetCurrent { .. }
            ))
        ));
        let none = |_: &str| None;
        assert_eq!(
            request
                .with(|r| sigv4::verify(r, signed_at, &none, ExpectedScope::default()))
                .unwrap_err(),
            SigV4Error::InvalidClientTokenId
        );
        for (what, mutated) in mutations(&request, &["host".to_owned()]) {
            assert!(
                verify(&mutated, signed_at).is_err(),
                "{name}: changing the {what} was accepted"
            );
        }
        let mut extended = request.clone();
        extended.query = extended
            .query
            .replace("X-Amz-Expires=3600", "X-Amz-Expires=7200");
        assert_eq!(
            verify(&extended, signed_at).unwrap_err(),
            SigV4Error::SignatureDoesNotMatch(Mismatch::Signature),
            "{name}: lengthening X-Amz-Expires must break the signature"
        );
    }
}

#[test]
fn expected_scope_is_enforced() {
    let v = suite()
        .into_iter()
        .find(|v| v.name == "get-vanilla")
        .unwrap();
    let wrong_service = v.request.with(|r| {
        sigv4::verify(
            r,
            v.now,
            &keys,
            ExpectedScope {
                service: Some("iam"),
                regions: None,
            },
        )
    });
    assert_eq!(
        wrong_service.unwrap_err().aws_message(),
        "Credential should be scoped to correct service: 'iam'. "
    );
    let wrong_region = v.request.with(|r| {
        sigv4::verify(
            r,
            v.now,
            &keys,
            ExpectedScope {
                service: None,
                regions: Some(&["eu-west-1"]),
            },
        )
    });
    assert_eq!(wrong_region.unwrap_err().code(), "SignatureDoesNotMatch");
    let right = v.request.with(|r| {
        sigv4::verify(
            r,
            v.now,
            &keys,
            ExpectedScope {
                service: Some("service"),
                regions: Some(&["us-east-1"]),
            },
        )
    });
    assert!(right.is_ok());
}
