//! `userhash schemes`: the vendor presets, what each signs and how, and how sure we are.

use serde_json::json;
use userhash::{Scheme, Subject};

use crate::commands::{Status, Streams};
use crate::error::CliError;

/// Lists the presets.
///
/// # Errors
/// [`CliError::Io`] when stdout cannot be written.
pub fn run(streams: &mut Streams<'_>) -> Result<Status, CliError> {
    if streams.json {
        let presets: Vec<serde_json::Value> =
            Scheme::presets().map(|scheme| describe(&scheme)).collect();
        streams.json_line(&serde_json::Value::Array(presets))?;
        return Ok(Status::Success);
    }
    for scheme in Scheme::presets() {
        let Some(preset) = scheme.preset() else {
            continue;
        };
        let secret = match spec_value(&scheme, "key").as_str() {
            "hex" => "secret hex-decoded",
            _ => "secret used as text",
        };
        let output = match spec_value(&scheme, "output").as_str() {
            "base64" => "base64",
            _ => "lower-case hex",
        };
        let timestamp = if scheme.is_timestamped() {
            " + \"-{unix seconds}\""
        } else {
            ""
        };
        streams.line(&format!(
            "\n{name}  ({vendor}, {confidence})\n    signs {signs} · {secret} · {output}{timestamp} · sent as {parameter} (payload key {key})\n    source: {source}",
            name = preset.name,
            vendor = preset.vendor,
            confidence = preset.confidence.as_str(),
            signs = plain_subject(scheme.subject()),
            parameter = preset.client_parameter,
            key = preset.payload_key,
            source = preset.source,
        ))?;
    }
    streams.line(
        "\nA vendor without a preset: --scheme \"subject=user_id,key=utf8,output=hex,timestamp=none\"\n(subject: user_id, email, user_id_else_email, user_id_and_email; key: utf8, hex;\noutput: hex, base64; timestamp: none, suffix).",
    )?;
    Ok(Status::Success)
}

/// One preset as JSON: its parts by their spec names, and where the rule comes from.
fn describe(scheme: &Scheme) -> serde_json::Value {
    let preset = scheme.preset();
    json!({
        "name": scheme.name(),
        "vendor": preset.map(|p| p.vendor),
        "subject": spec_value(scheme, "subject"),
        "key_encoding": spec_value(scheme, "key"),
        "output": spec_value(scheme, "output"),
        "timestamp": spec_value(scheme, "timestamp"),
        "confidence": preset.map(|p| p.confidence.as_str()),
        "client_parameter": preset.map(|p| p.client_parameter),
        "payload_key": preset.map(|p| p.payload_key),
        "source": preset.map(|p| p.source),
        "spec": scheme.spec(),
    })
}

/// The value of one part in the scheme's canonical spec: the core owns the names.
fn spec_value(scheme: &Scheme, key: &str) -> String {
    scheme
        .spec()
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(have, _)| *have == key)
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

/// What a subject signs, in words.
fn plain_subject(subject: Subject) -> &'static str {
    match subject {
        Subject::UserId => "the user id",
        Subject::Email => "the email",
        Subject::UserIdElseEmail => "the user id, else the email",
        Subject::UserIdAndEmail => "user id + email concatenated (whichever are present)",
        // A subject newer than this command's words: its spec says what it signs.
        _ => "the fields its spec names",
    }
}
