//! Many identities in two flat buffers: the packed batch every binding sends in one call.
//!
//! A foreign language converts a list of strings one value at a time, which for a million
//! identities costs far more than signing them. So a batch crosses as bytes it packs with its
//! own bulk primitives (Python's `str.join`, a JVM `ByteBuffer`, Swift `Data`): every item's
//! fields as UTF-8, back to back, delimited either by a buffer of lengths or by newlines.
//! [`PackedBatch`] is the checked view of those bytes: it is validated once, in full, before any
//! item is read, and it never allocates from a count the caller gave (a count is checked against
//! the bytes that are there).
//!
//! Layouts (the packed protocol, version 1; `testdata/vectors/packed/` pins it):
//! - **lengths**: `data` holds the present fields' bytes with no separator; `lengths` holds one
//!   unsigned 32-bit little-endian byte length per field, in item order, [`ABSENT_LENGTH`]
//!   (`0xFFFFFFFF`) for an absent field, which takes no bytes. Any byte survives (NUL, newline).
//! - **lines**: `data` holds one line per field, separated (not terminated) by `\n`; every field
//!   is present, an empty line is an empty field. For fields without a newline, the batch needs
//!   no lengths at all (Python packs it with one `"\n".join`).
//! - **columns**: each field a [`Column`] of its own, read in place — Arrow's string layouts,
//!   which Polars, pandas and Spark hand over through the Arrow C data interface; a null value
//!   is an absent field.
//!
//! Signing a packed batch is [`Signer::sign_packed`](crate::Signer::sign_packed).

use crate::column::Column;
use crate::error::{Error, Field, Result};
use crate::identity::Identity;

/// The length that marks an absent field in the lengths layout (`u32::MAX`); 0 is a present,
/// empty field.
pub const ABSENT_LENGTH: u32 = u32::MAX;

/// Which identity fields each item of a packed batch carries, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BatchFields {
    /// One field per item: the user id.
    UserId,
    /// One field per item: the email.
    Email,
    /// Two fields per item: the user id, then the email (either may be absent).
    UserIdAndEmail,
}

impl BatchFields {
    /// Every variant, in declaration order.
    pub const ALL: [BatchFields; 3] = [
        BatchFields::UserId,
        BatchFields::Email,
        BatchFields::UserIdAndEmail,
    ];

    /// Fields per item.
    pub const fn width(self) -> usize {
        match self {
            BatchFields::UserId | BatchFields::Email => 1,
            BatchFields::UserIdAndEmail => 2,
        }
    }

    /// The fields with this wire code (0 user id, 1 email, 2 both), as the lane's callers send it.
    pub const fn from_code(code: u32) -> Option<BatchFields> {
        match code {
            0 => Some(BatchFields::UserId),
            1 => Some(BatchFields::Email),
            2 => Some(BatchFields::UserIdAndEmail),
            _ => None,
        }
    }

    /// The identity field of the field at `position` (0 or 1) within an item.
    const fn field(self, position: usize) -> Field {
        match (self, position) {
            (BatchFields::Email, _) | (BatchFields::UserIdAndEmail, 1) => Field::Email,
            _ => Field::UserId,
        }
    }
}

/// How the fields of a batch are delimited.
#[derive(Debug, Clone, Copy)]
enum Delimiters<'a> {
    /// One little-endian u32 per field.
    Lengths(&'a [u8]),
    /// Fields separated by `\n`.
    Lines,
    /// Each field a column: the item's first field from the first, its second from the second.
    Columns([Option<Column<'a>>; 2]),
}

/// A validated view of a packed batch (see the module doc for the layouts). Items are read in
/// place: nothing is copied until an item is signed.
#[derive(Debug, Clone, Copy)]
pub struct PackedBatch<'a> {
    fields: BatchFields,
    data: &'a [u8],
    delimiters: Delimiters<'a>,
    items: usize,
}

impl<'a> PackedBatch<'a> {
    /// The lengths layout: `lengths` holds one u32 (little-endian) per field, and the present
    /// fields' lengths add up to exactly `data.len()`.
    ///
    /// # Errors
    /// [`Error::MalformedBatch`] when `lengths` is not a whole number of items, or the lengths do
    /// not add up to the data. Nothing has been read or allocated then.
    pub fn from_lengths(
        fields: BatchFields,
        data: &'a [u8],
        lengths: &'a [u8],
    ) -> Result<PackedBatch<'a>> {
        let record = 4 * fields.width();
        if lengths.len() % record != 0 {
            return Err(malformed(format!(
                "the lengths hold {} bytes, not a whole number of {record}-byte items",
                lengths.len()
            )));
        }
        let total = lengths_of(lengths)
            .flatten()
            .try_fold(0usize, usize::checked_add);
        if total != Some(data.len()) {
            return Err(malformed(format!(
                "the lengths do not add up to the {} bytes of data",
                data.len()
            )));
        }
        Ok(PackedBatch {
            fields,
            data,
            delimiters: Delimiters::Lengths(lengths),
            items: lengths.len() / record,
        })
    }

    /// The lines layout: `count` items' fields as lines of `data`, separated by `\n`, with no
    /// newline after the last; `count` 0 is the empty batch, whose data is empty.
    ///
    /// # Errors
    /// [`Error::MalformedBatch`] when `data` does not hold exactly `count` items' worth of lines.
    /// The count is checked against the newlines in `data` before anything is allocated, so a
    /// huge count costs one scan of the data, never memory.
    pub fn from_lines(fields: BatchFields, data: &'a [u8], count: u64) -> Result<PackedBatch<'a>> {
        let newlines = data.iter().filter(|&&byte| byte == b'\n').count();
        let lines = if count == 0 && data.is_empty() {
            Some(0)
        } else {
            newlines.checked_add(1)
        };
        let expected = usize::try_from(count)
            .ok()
            .and_then(|count| count.checked_mul(fields.width()));
        match (lines, expected) {
            (Some(lines), Some(expected)) if lines == expected => Ok(PackedBatch {
                fields,
                data,
                delimiters: Delimiters::Lines,
                items: expected / fields.width(),
            }),
            _ => Err(malformed(format!(
                "{} lines for {count} items of {} field(s) each",
                lines.unwrap_or(usize::MAX),
                fields.width()
            ))),
        }
    }

    /// The columns layout: the user ids, the emails, or both (one item per row, so both
    /// columns have the same length); a null value is an absent field. `data` is unused.
    ///
    /// # Errors
    /// [`Error::MalformedBatch`] when no column is given, or two of different lengths.
    pub fn from_columns(
        user_id: Option<Column<'a>>,
        email: Option<Column<'a>>,
    ) -> Result<PackedBatch<'a>> {
        let (fields, columns, items) = match (user_id, email) {
            (Some(user_id), Some(email)) if user_id.len() == email.len() => (
                BatchFields::UserIdAndEmail,
                [Some(user_id), Some(email)],
                user_id.len(),
            ),
            (Some(user_id), Some(email)) => {
                return Err(malformed(format!(
                    "{} user ids and {} emails: one of each per item",
                    user_id.len(),
                    email.len()
                )));
            }
            (Some(user_id), None) => (BatchFields::UserId, [Some(user_id), None], user_id.len()),
            (None, Some(email)) => (BatchFields::Email, [Some(email), None], email.len()),
            (None, None) => {
                return Err(malformed(
                    "no column of user ids or emails was given".to_owned(),
                ));
            }
        };
        Ok(PackedBatch {
            fields,
            data: &[],
            delimiters: Delimiters::Columns(columns),
            items,
        })
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items
    }

    /// Whether the batch has no item.
    pub fn is_empty(&self) -> bool {
        self.items == 0
    }

    /// The fields each item carries.
    pub fn fields(&self) -> BatchFields {
        self.fields
    }

    /// Where each of `starts` (item indices, ascending, each at most [`len`](Self::len)) begins in
    /// the data: one pass over the delimiters, so that runs of items can be read from the middle.
    pub(crate) fn cursors(&self, starts: &[usize]) -> Vec<Cursor<'a>> {
        let width = self.fields.width();
        if let Delimiters::Columns(_) = self.delimiters {
            // A column is read by index: a cursor starts anywhere without a scan.
            return starts
                .iter()
                .map(|&start| Cursor {
                    batch: *self,
                    field: start * width,
                    byte: 0,
                })
                .collect();
        }
        let mut cursors = Vec::with_capacity(starts.len());
        let mut wanted = starts.iter().copied().peekable();
        let mut cursor = self.cursor_at_start();
        for item in 0..=self.items {
            while wanted.next_if(|&start| start == item).is_some() {
                cursors.push(cursor);
            }
            if wanted.peek().is_none() || item == self.items {
                break;
            }
            for _ in 0..width {
                cursor.next_field();
            }
        }
        cursors
    }

    fn cursor_at_start(&self) -> Cursor<'a> {
        Cursor {
            batch: *self,
            field: 0,
            byte: 0,
        }
    }
}

/// A position in a [`PackedBatch`]: reads items one after another.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor<'a> {
    batch: PackedBatch<'a>,
    /// The next field's index.
    field: usize,
    /// Where the next field's bytes start in the data.
    byte: usize,
}

impl<'a> Cursor<'a> {
    /// The next field's bytes, `None` when absent (or past the end, which a validated batch
    /// never reaches).
    fn next_field(&mut self) -> Option<&'a [u8]> {
        let data = self.batch.data;
        let field = self.field;
        self.field += 1;
        match self.batch.delimiters {
            Delimiters::Lengths(lengths) => {
                let length = lengths_of(lengths.get(4 * field..)?).next()??;
                let bytes = data.get(self.byte..self.byte.checked_add(length)?)?;
                self.byte += length;
                Some(bytes)
            }
            Delimiters::Lines => {
                let rest = data.get(self.byte..)?;
                let length = rest
                    .iter()
                    .position(|&byte| byte == b'\n')
                    .unwrap_or(rest.len());
                self.byte += length + 1;
                rest.get(..length)
            }
            Delimiters::Columns(columns) => {
                let width = self.batch.fields.width();
                columns.get(field % width)?.as_ref()?.get(field / width)
            }
        }
    }

    /// Reads the next item into `identity`, reusing its strings' buffers (so that a batch
    /// allocates no string per item).
    ///
    /// # Errors
    /// [`Error::NotUtf8`] for a field whose bytes are not UTF-8; the item's fields are consumed
    /// all the same, so the next call reads the next item.
    pub(crate) fn read_item(&mut self, identity: &mut Identity) -> Result<()> {
        let fields = self.batch.fields;
        let mut outcome = Ok(());
        for position in 0..fields.width() {
            let bytes = self.next_field();
            let slot = match fields.field(position) {
                Field::UserId => &mut identity.user_id,
                Field::Email => &mut identity.email,
            };
            if let Err(error) = set_text(slot, bytes, fields.field(position)) {
                outcome = outcome.and(Err(error));
            }
        }
        match fields {
            BatchFields::UserId => identity.email = None,
            BatchFields::Email => identity.user_id = None,
            BatchFields::UserIdAndEmail => {}
        }
        outcome
    }
}

/// Puts `bytes` into a reused identity field; `None` makes it absent.
fn set_text(slot: &mut Option<String>, bytes: Option<&[u8]>, field: Field) -> Result<()> {
    let Some(bytes) = bytes else {
        *slot = None;
        return Ok(());
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        *slot = None;
        return Err(Error::NotUtf8 { field });
    };
    let slot = slot.get_or_insert_with(String::new);
    slot.clear();
    slot.push_str(text);
    Ok(())
}

/// The lengths of a lengths buffer, `None` for absent.
fn lengths_of(lengths: &[u8]) -> impl Iterator<Item = Option<usize>> + '_ {
    lengths.chunks_exact(4).map(|bytes| {
        let length = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        (length != ABSENT_LENGTH).then(|| usize::try_from(length).unwrap_or(usize::MAX))
    })
}

fn malformed(reason: String) -> Error {
    Error::MalformedBatch { reason }
}

/// One item of a batch that could not be signed: its index and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchFailure {
    /// The item's index in the batch.
    pub index: usize,
    /// Why it could not be signed.
    pub error: Error,
}

/// A signed batch: one line per item and the items that failed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BatchTokens {
    /// One line per item, in order, each ending in `\n`: the item's token, or an empty line
    /// where the item failed. Tokens are ASCII and never contain `\n` or `!`.
    pub lines: String,
    /// The failed items, in order.
    pub failures: Vec<BatchFailure>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lengths(values: &[u32]) -> Vec<u8> {
        values
            .iter()
            .flat_map(|value| value.to_le_bytes())
            .collect()
    }

    fn items(batch: &PackedBatch<'_>) -> Vec<std::result::Result<Identity, Error>> {
        let mut cursor = batch.cursor_at_start();
        (0..batch.len())
            .map(|_| {
                let mut identity = Identity::from_user_id("stale").with_email("stale");
                cursor.read_item(&mut identity).map(|()| identity)
            })
            .collect()
    }

    #[test]
    fn lengths_are_checked_before_anything_is_read() {
        let data = b"abc";
        for bad in [
            lengths(&[2]),
            lengths(&[4]),
            vec![3, 0, 0],
            lengths(&[ABSENT_LENGTH]),
            lengths(&[u32::MAX - 1, 3]),
        ] {
            let error = PackedBatch::from_lengths(BatchFields::UserId, data, &bad).unwrap_err();
            assert_eq!(error.kind(), crate::ErrorKind::MalformedBatch, "{bad:?}");
        }
        let three = lengths(&[3]);
        let odd = PackedBatch::from_lengths(BatchFields::UserIdAndEmail, data, &three);
        assert!(odd.is_err());
    }

    #[test]
    fn huge_counts_are_refused_without_allocating() {
        for count in [u64::MAX, u64::from(u32::MAX), 2] {
            let error = PackedBatch::from_lines(BatchFields::UserIdAndEmail, b"a", count);
            assert_eq!(
                error.unwrap_err().kind(),
                crate::ErrorKind::MalformedBatch,
                "{count}"
            );
        }
        assert_eq!(
            PackedBatch::from_lines(BatchFields::UserId, b"", 0)
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            PackedBatch::from_lines(BatchFields::UserId, b"", 1)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn items_read_back_with_absent_empty_and_bad_fields() {
        let data = b"42ada\xffnl\nx";
        let packed_lengths = lengths(&[2, ABSENT_LENGTH, 0, 3, 1, 0, 4, ABSENT_LENGTH]);
        let batch =
            PackedBatch::from_lengths(BatchFields::UserIdAndEmail, data, &packed_lengths).unwrap();
        let read = items(&batch);
        assert_eq!(read[0], Ok(Identity::from_user_id("42")));
        assert_eq!(
            read[1],
            Ok(Identity::new(Some(String::new()), Some("ada".into())))
        );
        assert_eq!(
            read[2],
            Err(Error::NotUtf8 {
                field: Field::UserId
            })
        );
        assert_eq!(read[3], Ok(Identity::from_user_id("nl\nx")));

        let lines = PackedBatch::from_lines(BatchFields::Email, b"a@x\n\nb@y", 3).unwrap();
        let read = items(&lines);
        assert_eq!(read[0], Ok(Identity::from_email("a@x")));
        assert_eq!(read[1], Ok(Identity::from_email("")));
        assert_eq!(read[2], Ok(Identity::from_email("b@y")));
    }

    #[test]
    fn cursors_start_where_their_items_do() {
        let data = b"a\nbb\nccc\ndddd";
        let batch = PackedBatch::from_lines(BatchFields::UserId, data, 4).unwrap();
        let mut cursors = batch.cursors(&[0, 2, 4]);
        assert_eq!(cursors.len(), 3);
        let mut identity = Identity::default();
        cursors[1].read_item(&mut identity).unwrap();
        assert_eq!(identity, Identity::from_user_id("ccc"));
        assert_eq!(cursors[2].byte, data.len() + 1);
    }
}
