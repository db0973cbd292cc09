//! Arbitrary JSON 1.1 request bodies through the model-driven decoder and validator the
//! Organizations and Config endpoint runs (`Model::decode_json_input`), and arbitrary
//! `X-Amz-Target` values through `parse_target`. The first two bytes pick the service
//! and the operation; the rest is the body.
#![no_main]

use std::sync::OnceLock;

use ironiam_protocol::json::parse_target;
use ironiam_protocol::model::Model;
use libfuzzer_sys::fuzz_target;

/// Each model with its operation names, sorted so an input always means the same call.
fn models() -> &'static [(&'static Model, Vec<String>)] {
    static MODELS: OnceLock<Vec<(&'static Model, Vec<String>)>> = OnceLock::new();
    MODELS.get_or_init(|| {
        [Model::organizations(), Model::config()]
            .into_iter()
            .filter_map(Result::ok)
            .map(|model| {
                let mut names: Vec<String> =
                    model.operations().map(|op| op.name().to_owned()).collect();
                names.sort();
                (model, names)
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let [service, operation, body @ ..] = data else {
        return;
    };
    let models = models();
    if let Some((model, names)) = models.get(usize::from(*service) % models.len().max(1)) {
        if let Some(op) = names
            .get(usize::from(*operation) % names.len().max(1))
            .and_then(|name| model.operation(name))
        {
            let _ = model.decode_json_input(op, body);
        }
    }
    if let Ok(text) = std::str::from_utf8(body) {
        let _ = parse_target(text);
    }
});
