//! CSV rows: identifier columns found by name in the header row, and the output the input's
//! columns plus the hash and an error column.

use std::io::Read;

use csv::ByteRecord;
use userhash::{Identity, Signer, Subject};

use super::rows::{
    DEFAULT_EMAIL_COLUMN, DEFAULT_USER_ID_COLUMN, Names, Part, RowError, RowReader, RowSigner,
};
use crate::args;
use crate::error::CliError;

/// The column holding each row's failure reason.
const ERROR_COLUMN: &str = "error";

/// Reads the header row and checks it against the flags and the scheme: the rows that follow,
/// their signer, and the output's header row.
///
/// # Errors
/// An empty input, a header without the columns the scheme needs or with the columns batch
/// writes, an unreadable header.
pub(super) fn open<'a, R: Read>(
    input: R,
    signer: &'a Signer,
    at: Option<u64>,
    names: &Names<'_>,
) -> Result<(CsvRows<R>, CsvSigner<'a>, Vec<u8>), CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    let header = reader
        .byte_headers()
        .map_err(|error| csv_error(error, "the header row"))?
        .clone();
    let row_signer = CsvSigner::new(signer, at, &header, names)?;
    let header = row_signer.output_header(&header, names)?;
    Ok((CsvRows { reader }, row_signer, header))
}

/// The input's records, read into reused buffers.
pub(super) struct CsvRows<R: Read> {
    reader: csv::Reader<R>,
}

impl<R: Read> RowReader for CsvRows<R> {
    type Row = ByteRecord;

    fn next(&mut self, row: &mut ByteRecord) -> Result<bool, CliError> {
        self.reader
            .read_byte_record(row)
            .map_err(|error| csv_error(error, "the input"))
    }

    fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// Signs CSV records: identifier columns by index, output = input columns + hash + error.
pub(super) struct CsvSigner<'a> {
    signer: &'a Signer,
    at: Option<u64>,
    width: usize,
    user_id: Option<usize>,
    email: Option<usize>,
}

impl<'a> CsvSigner<'a> {
    fn new(
        signer: &'a Signer,
        at: Option<u64>,
        header: &ByteRecord,
        names: &Names<'_>,
    ) -> Result<CsvSigner<'a>, CliError> {
        if header.is_empty() {
            return Err(CliError::Input(
                "the input is empty: batch needs a header row naming the columns".to_owned(),
            ));
        }
        let columns = || {
            header
                .iter()
                .map(|name| String::from_utf8_lossy(name).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for taken in [names.hash, ERROR_COLUMN] {
            if header.iter().any(|name| name == taken.as_bytes()) {
                return Err(CliError::Input(format!(
                    "the input already has a {taken:?} column, which batch writes; rename it (or choose the hash column with --hash-column)"
                )));
            }
        }
        let find = |flag: &str, given: Option<&str>, default: &str| {
            let name = given.unwrap_or(default);
            match header.iter().position(|have| have == name.as_bytes()) {
                Some(index) => Ok(Some(index)),
                None if given.is_some() => Err(CliError::Input(format!(
                    "{flag} {name:?}: the header has no such column; its columns are {}",
                    columns()
                ))),
                None => Ok(None),
            }
        };
        let user_id = find("--user-id-column", names.user_id, DEFAULT_USER_ID_COLUMN)?;
        let email = find("--email-column", names.email, DEFAULT_EMAIL_COLUMN)?;
        let scheme = signer.scheme();
        let (needs_user_id, needs_email) = needs(signer);
        let missing = if needs_user_id && user_id.is_none() {
            Some("a user id column (--user-id-column, default user_id)")
        } else if needs_email && email.is_none() {
            Some("an email column (--email-column, default email)")
        } else if user_id.is_none() && email.is_none() {
            Some("a user id or an email column (--user-id-column, --email-column)")
        } else {
            None
        };
        if let Some(missing) = missing {
            return Err(CliError::Input(format!(
                "scheme {scheme} needs {missing}, and the header has none of those; its columns are {}",
                columns()
            )));
        }
        Ok(CsvSigner {
            signer,
            at,
            width: header.len(),
            user_id,
            email,
        })
    }

    fn output_header(&self, header: &ByteRecord, names: &Names<'_>) -> Result<Vec<u8>, CliError> {
        let mut record = header.clone();
        record.push_field(names.hash.as_bytes());
        record.push_field(ERROR_COLUMN.as_bytes());
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_byte_record(&record)
            .map_err(|error| CliError::Input(format!("cannot write the header: {error}")))?;
        writer
            .into_inner()
            .map_err(|error| CliError::Input(format!("cannot write the header: {error}")))
    }

    /// Signs one record into `token`, reusing `identity`'s strings from row to row: a batch
    /// allocates nothing per row on the untimestamped path.
    fn sign_record(
        &self,
        record: &ByteRecord,
        identity: &mut Identity,
        token: &mut String,
    ) -> Result<(), RowError> {
        if record.len() != self.width {
            return Err(RowError::new(
                "malformed_row",
                format!(
                    "the row has {} fields but the header has {}",
                    record.len(),
                    self.width
                ),
            ));
        }
        cell(record, self.user_id, "user id", &mut identity.user_id)?;
        cell(record, self.email, "email", &mut identity.email)?;
        match self.at {
            None => self.signer.sign_into(identity, token)?,
            Some(_) => *token = args::sign(self.signer, identity, self.at)?,
        }
        Ok(())
    }
}

/// A cell as an optional identifier, into `slot` (whose buffer is reused): absent column or
/// empty cell = no value.
fn cell(
    record: &ByteRecord,
    index: Option<usize>,
    what: &str,
    slot: &mut Option<String>,
) -> Result<(), RowError> {
    let bytes = index
        .and_then(|index| record.get(index))
        .unwrap_or_default();
    if bytes.is_empty() {
        *slot = None;
        return Ok(());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let value = slot.get_or_insert_with(String::new);
            value.clear();
            value.push_str(text);
            Ok(())
        }
        Err(_) => Err(RowError::new(
            "not_utf8",
            format!("the {what} column is not valid UTF-8"),
        )),
    }
}

impl RowSigner for CsvSigner<'_> {
    type Row = ByteRecord;

    fn sign_rows(&self, rows: &[ByteRecord], part: &mut Part) {
        let mut bytes = std::mem::take(&mut part.bytes);
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut bytes);
        let mut identity = Identity::default();
        let mut token = String::new();
        // Writing to a Vec cannot fail, and the writer is flexible: the results are ignored.
        for record in rows {
            let line = record.position().map_or(0, csv::Position::line);
            // The input's fields, then hash and error, written field by field (no row copy).
            for index in 0..self.width {
                let _ = writer.write_field(record.get(index).unwrap_or_default());
            }
            match self.sign_record(record, &mut identity, &mut token) {
                Ok(()) => {
                    let _ = writer.write_field(token.as_bytes());
                    let _ = writer.write_field(b"");
                    part.signed += 1;
                }
                Err(error) => {
                    let _ = writer.write_field(b"");
                    let _ = writer.write_field(error.message.as_bytes());
                    part.fail(line, error);
                }
            }
            part.rows += 1;
            let _ = writer.write_record(None::<&[u8]>);
        }
        let _ = writer.flush();
        drop(writer);
        part.bytes = bytes;
    }
}

fn csv_error(error: csv::Error, what: &str) -> CliError {
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(error) => CliError::io(format!("cannot read {what}"), error),
        _ => CliError::Input(format!("cannot read {what}: {message}")),
    }
}

/// Identity fields an identity-less row would need, for up-front checks.
fn needs(signer: &Signer) -> (bool, bool) {
    match signer.scheme().subject() {
        Subject::UserId => (true, false),
        Subject::Email => (false, true),
        // Either field will do, or a subject newer than these checks: each row is checked as
        // it is signed.
        _ => (false, false),
    }
}
