//! JSON Lines rows: identifier fields found by name in each object, and the output the object
//! with the hash field added (or the line, its error and its input, for a failed row).

use std::io::BufRead;

use serde_json::{Map, Value, json};
use userhash::{Identity, Signer};

use super::rows::{
    DEFAULT_EMAIL_COLUMN, DEFAULT_USER_ID_COLUMN, Names, Part, RowError, RowReader, RowSigner,
};
use crate::args;
use crate::error::CliError;

/// Checks the flags' field names (rows name their fields per row, so only the flags can be
/// checked up front): the rows of `input` and their signer.
///
/// # Errors
/// A hash field named like an identifier field.
pub(super) fn open<'a, R: BufRead>(
    input: R,
    signer: &'a Signer,
    at: Option<u64>,
    names: &Names<'a>,
) -> Result<(JsonRows<R>, JsonSigner<'a>), CliError> {
    check_fields_named(names)?;
    let row_signer = JsonSigner {
        signer,
        at,
        user_id: names.user_id.unwrap_or(DEFAULT_USER_ID_COLUMN),
        email: names.email.unwrap_or(DEFAULT_EMAIL_COLUMN),
        hash: names.hash,
    };
    let rows = JsonRows {
        input,
        line: 0,
        bytes: 0,
    };
    Ok((rows, row_signer))
}

/// One line of JSON Lines input.
#[derive(Debug, Default)]
pub(super) struct JsonRow {
    line: u64,
    text: Vec<u8>,
}

/// The input's non-blank lines.
pub(super) struct JsonRows<R: BufRead> {
    input: R,
    line: u64,
    bytes: u64,
}

impl<R: BufRead> RowReader for JsonRows<R> {
    type Row = JsonRow;

    /// The next non-blank line.
    fn next(&mut self, row: &mut JsonRow) -> Result<bool, CliError> {
        loop {
            row.text.clear();
            let read = self
                .input
                .read_until(b'\n', &mut row.text)
                .map_err(|error| CliError::io("cannot read the input", error))?;
            if read == 0 {
                return Ok(false);
            }
            self.bytes += read as u64;
            self.line += 1;
            if !row.text.iter().all(u8::is_ascii_whitespace) {
                row.line = self.line;
                return Ok(true);
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

/// Signs JSON objects: identifier fields by name, output = the object + the hash field.
pub(super) struct JsonSigner<'a> {
    signer: &'a Signer,
    at: Option<u64>,
    user_id: &'a str,
    email: &'a str,
    hash: &'a str,
}

impl JsonSigner<'_> {
    /// The row's object with the hash added, or why not and the row as read.
    fn sign_line(&self, text: &[u8]) -> Result<Map<String, Value>, (RowError, Value)> {
        let value: Value = serde_json::from_slice(text).map_err(|error| {
            let raw = String::from_utf8_lossy(text).trim_end().to_owned();
            (
                RowError::new("invalid_json", format!("not valid JSON: {error}")),
                Value::String(raw),
            )
        })?;
        let Value::Object(mut object) = value else {
            let kind = json_kind(&value);
            return Err((
                RowError::new(
                    "not_an_object",
                    format!("the row is {kind}, not a JSON object"),
                ),
                value,
            ));
        };
        let fields = (|| {
            if object.contains_key(self.hash) {
                return Err(RowError::new(
                    "hash_field_exists",
                    format!(
                        "the row already has a {:?} field; choose another with --hash-column",
                        self.hash
                    ),
                ));
            }
            let user_id = json_field(&object, self.user_id)?;
            let email = json_field(&object, self.email)?;
            Ok(args::sign(
                self.signer,
                &Identity::new(user_id, email),
                self.at,
            )?)
        })();
        match fields {
            Ok(token) => {
                object.insert(self.hash.to_owned(), Value::String(token));
                Ok(object)
            }
            Err(error) => Err((error, Value::Object(object))),
        }
    }
}

/// A field as an optional identifier: absent or null = no value; integers are written in
/// decimal; other types are errors.
fn json_field(object: &Map<String, Value>, name: &str) -> Result<Option<String>, RowError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) if number.is_i64() || number.is_u64() => {
            Ok(Some(number.to_string()))
        }
        Some(other) => Err(RowError::new(
            "invalid_field",
            format!(
                "the {name:?} field is {}; expected a string or an integer",
                json_kind(other)
            ),
        )),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a non-integer number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl RowSigner for JsonSigner<'_> {
    type Row = JsonRow;

    fn sign_rows(&self, rows: &[JsonRow], part: &mut Part) {
        for row in rows {
            let written = match self.sign_line(&row.text) {
                Ok(object) => {
                    part.signed += 1;
                    serde_json::to_writer(&mut part.bytes, &object)
                }
                Err((error, input)) => {
                    let failed = json!({
                        "line": row.line,
                        "error": {"code": error.code, "message": error.message},
                        "input": input,
                    });
                    part.fail(row.line, error);
                    serde_json::to_writer(&mut part.bytes, &failed)
                }
            };
            // Serialising a `Value` into a Vec cannot fail.
            let _ = written;
            part.bytes.push(b'\n');
            part.rows += 1;
        }
    }
}

/// JSON Lines rows name their fields per row; only the flags can be checked up front.
fn check_fields_named(names: &Names<'_>) -> Result<(), CliError> {
    let user_id = names.user_id.unwrap_or(DEFAULT_USER_ID_COLUMN);
    let email = names.email.unwrap_or(DEFAULT_EMAIL_COLUMN);
    if [user_id, email].contains(&names.hash) {
        return Err(CliError::Usage(format!(
            "--hash-column {:?} is also an identifier field; choose another name",
            names.hash
        )));
    }
    Ok(())
}
