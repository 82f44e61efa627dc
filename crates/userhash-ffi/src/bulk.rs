//! Fast paths across the FFI boundary: the bindings' `sign_many`, and Python's `sign`.
//!
//! Why they exist: a uniffi call converts every argument and result one value at a time in the
//! foreign language (in Python, each `Identity` record is written field by field into a buffer
//! that Rust allocates, and each `String` result is copied out and freed, each step a call
//! through ctypes). For one identity that conversion costs many times the two SHA-256
//! compressions of the signature itself; for a million it dominates everything. So:
//!
//! - [`Signer::sign_packed`] takes every identity in **one** buffer of UTF-8 bytes plus **one**
//!   buffer of lengths, borrowed without a copy (`&[u8]`), signs on every core, and returns every
//!   token in **one** string. A bad item is reported by index and code and does not stop the
//!   others.
//! - [`Signer::sign_utf8`] signs one identity given as borrowed UTF-8 bytes (no buffer to
//!   allocate for the argument) and returns the token.
//!
//! The layout is plain so that every binding can pack and unpack it with its own bulk
//! primitives (Python's `str.join`, `array` and `str.split`; a JVM `ByteBuffer`; Swift `Data`):
//! any byte sequence survives, NUL and newline included, because items are delimited by length,
//! never by a separator. Every rule still lives in the core: items are signed with
//! [`userhash::Signer::sign_into`], exactly as [`Signer::sign`](crate::Signer::sign) signs them.

use std::fmt::Write as _;

use userhash::{Identity as CoreIdentity, Signer as CoreSigner};

use crate::{Result, Signer, UserHashError};

/// The length that marks a field as absent in [`Signer::sign_packed`]'s `lengths` (`0xFFFFFFFF`,
/// i.e. `u32::MAX`); a length of 0 is a present but empty field, which signing rejects.
pub const PACKED_ABSENT: u32 = u32::MAX;

/// Bit of [`Signer::sign_utf8`]'s `present` that says the user id is given.
const PRESENT_USER_ID: u8 = 1;
/// Bit of [`Signer::sign_utf8`]'s `present` that says the email is given.
const PRESENT_EMAIL: u8 = 2;

/// Below this many items per thread, starting a thread costs more than it saves (the core's
/// batch uses the same figure).
const MIN_ITEMS_PER_THREAD: usize = 2048;

/// Room reserved per output line: a hex token and its newline (longer tokens just grow the
/// buffer).
const TYPICAL_LINE_BYTES: usize = 65;

/// Which identity fields each item of a packed batch carries, in `lengths` order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PackedFields {
    /// One length per item: the user id.
    UserId,
    /// One length per item: the email.
    Email,
    /// Two lengths per item: the user id, then the email (either may be absent).
    UserIdAndEmail,
}

impl PackedFields {
    /// Lengths per item.
    fn width(self) -> usize {
        match self {
            PackedFields::UserId | PackedFields::Email => 1,
            PackedFields::UserIdAndEmail => 2,
        }
    }
}

/// Marks a failure line in [`Signer::sign_packed`]'s result; no token contains it.
const FAILURE_MARK: char = '!';

#[uniffi::export]
impl Signer {
    /// Signs many identities at once, on every core; the fast path behind the bindings'
    /// `sign_many`.
    ///
    /// `data` holds every item's fields as UTF-8, back to back, with no separators. `lengths`
    /// holds one unsigned 32-bit little-endian byte length per field, in order: per item one
    /// length for [`PackedFields::UserId`] or [`PackedFields::Email`], two (user id, then email)
    /// for [`PackedFields::UserIdAndEmail`]. A length of `0xFFFFFFFF` marks an absent field,
    /// which takes no bytes of `data`. Both buffers are borrowed for the call, not copied.
    ///
    /// The result is text, one line per item in input order, each ending in `\n`: the item's
    /// token, or an empty line where the item could not be signed. After them comes one line
    /// per failed item, in input order: `!`, the item's index in decimal, a space, and its error
    /// code as `error_code_name` spells it (`!3 empty_field`). Tokens are ASCII and never contain
    /// `\n` or `!`. Text rather than lists because one string crosses the boundary without a
    /// copy and every language splits lines with a bulk primitive, where a list would be
    /// converted item by item.
    ///
    /// Each item is signed exactly as `sign` would sign it; timestamped schemes stamp each item
    /// with the clock as it is signed. An item that cannot be signed (an empty or absent field,
    /// too long, not UTF-8) fails alone. (Bytes that are not UTF-8 are reported as
    /// `missing_field`: the identity has no such field as text, and the core has no code of its
    /// own for them.)
    ///
    /// `max_threads` caps the signing threads; 0 (the default) means one per core. A caller that
    /// overlaps its own work with the call (Python's `sign_many` packs and splits chunks while
    /// the previous one is signed) leaves itself a core this way.
    ///
    /// # Errors
    /// [`UserHashError::MissingField`] when the buffers do not describe a whole number of items:
    /// `lengths` is not a multiple of the item's width, or the lengths add up to more or fewer
    /// bytes than `data` holds. Nothing is signed then.
    #[uniffi::method(default(max_threads = 0))]
    pub fn sign_packed(
        &self,
        fields: PackedFields,
        data: &[u8],
        lengths: &[u8],
        max_threads: u32,
    ) -> Result<String> {
        let layout = Layout::read(fields, data, lengths, 0)?;
        Ok(sign_layout(&self.inner, &layout, max_threads))
    }

    /// [`Signer::sign_packed`] for batches whose fields contain no newline: `lines` holds
    /// `count` items' fields as UTF-8 lines separated by `\n` (one line per field: one per item
    /// for [`PackedFields::UserId`] and [`PackedFields::Email`], user id then email for
    /// [`PackedFields::UserIdAndEmail`]), with no newline after the last. Every field is present;
    /// an empty line is an empty field. No lengths to compute on the foreign side: Python packs
    /// such a batch with one `"\n".join`. The result, and `max_threads`, are `sign_packed`'s.
    ///
    /// # Errors
    /// [`UserHashError::MissingField`] when `lines` does not hold `count` items' worth of lines.
    /// Nothing is signed then.
    #[uniffi::method(default(max_threads = 0))]
    pub fn sign_lines(
        &self,
        fields: PackedFields,
        lines: &[u8],
        count: u32,
        max_threads: u32,
    ) -> Result<String> {
        let expected = usize::try_from(count).unwrap_or(usize::MAX) * fields.width();
        let mut lengths = Vec::with_capacity(4 * expected);
        if expected > 0 {
            for line in lines.split(|&byte| byte == b'\n') {
                // A line longer than u32::MAX bytes cannot be an identifier; it fails alone.
                let length = u32::try_from(line.len()).unwrap_or(PACKED_ABSENT - 1);
                lengths.extend_from_slice(&length.to_le_bytes());
            }
        }
        if lengths.len() != 4 * expected {
            return Err(malformed(format!(
                "{} lines for {count} items of {} field(s) each",
                lengths.len() / 4,
                fields.width()
            )));
        }
        let layout = Layout::read(fields, lines, &lengths, 1)?;
        Ok(sign_layout(&self.inner, &layout, max_threads))
    }

    /// Signs one identity given as borrowed UTF-8 bytes: the fast path behind Python's
    /// `Signer.sign` (no buffer is allocated for the argument). `present` says which fields are given:
    /// bit 0 (1) the user id, bit 1 (2) the email; a field not marked present is absent,
    /// whatever its bytes. The token is the one `sign` returns for the same identity.
    ///
    /// # Errors
    /// As `sign`; [`UserHashError::MissingField`] when a present field is not valid UTF-8.
    pub fn sign_utf8(&self, user_id: &[u8], email: &[u8], present: u8) -> Result<String> {
        let field = |bytes: &[u8], bit: u8, what: &str| -> Result<Option<String>> {
            if present & bit == 0 {
                return Ok(None);
            }
            match std::str::from_utf8(bytes) {
                Ok(text) => Ok(Some(text.to_owned())),
                Err(_) => Err(UserHashError::MissingField(format!(
                    "the {what} is not valid UTF-8"
                ))),
            }
        };
        let identity = CoreIdentity::new(
            field(user_id, PRESENT_USER_ID, "user id")?,
            field(email, PRESENT_EMAIL, "email")?,
        );
        Ok(self.inner.sign(&identity)?)
    }
}

/// The length that marks an absent field in a packed batch (`0xFFFFFFFF`), for bindings that
/// pack batches themselves.
#[uniffi::export]
pub fn packed_absent_length() -> Result<u32> {
    Ok(PACKED_ABSENT)
}

/// A checked view of a packed batch.
pub(crate) struct Layout<'a> {
    fields: PackedFields,
    data: &'a [u8],
    lengths: &'a [u8],
    items: usize,
    /// Bytes between one field and the next in `data`: 0 when packed, 1 for lines.
    separator: usize,
}

/// Where one thread's share of a packed batch starts.
#[derive(Debug, Clone, Copy)]
struct Start {
    item: usize,
    byte: usize,
}

impl<'a> Layout<'a> {
    /// Checks that `lengths` describes whole items that use all of `data`, and no more, with
    /// `separator` bytes between fields.
    pub(crate) fn read(
        fields: PackedFields,
        data: &'a [u8],
        lengths: &'a [u8],
        separator: usize,
    ) -> Result<Layout<'a>> {
        let record = 4 * fields.width();
        if lengths.len() % record != 0 {
            return Err(malformed(format!(
                "lengths hold {} bytes, not a whole number of {}-byte items",
                lengths.len(),
                record
            )));
        }
        let field_count = lengths.len() / 4;
        let total = lengths_of(lengths).flatten().try_fold(
            separator * field_count.saturating_sub(1),
            usize::checked_add,
        );
        match total {
            Some(total) if total == data.len() => Ok(Layout {
                fields,
                data,
                lengths,
                items: lengths.len() / record,
                separator,
            }),
            _ => Err(malformed(format!(
                "the lengths do not add up to the {} bytes of data",
                data.len()
            ))),
        }
    }

    /// Splits the items into `parts` runs of about equal count, with where each starts.
    fn starts(&self, parts: usize) -> Vec<Start> {
        let per_part = self.items.div_ceil(parts.max(1)).max(1);
        let width = self.fields.width();
        let mut starts = Vec::with_capacity(parts);
        let mut byte = 0;
        for (field, length) in lengths_of(self.lengths).enumerate() {
            if field % (width * per_part) == 0 {
                starts.push(Start {
                    item: field / width,
                    byte,
                });
            }
            byte += length.unwrap_or(0) + self.separator;
        }
        starts
    }

    /// Signs items `start.item..end` into `out`.
    fn sign_run(&self, signer: &CoreSigner, start: Start, end: usize, out: &mut Run) {
        let width = self.fields.width();
        let lengths = self
            .lengths
            .get(4 * width * start.item..4 * width * end)
            .unwrap_or_default();
        let mut fields = lengths_of(lengths);
        let mut byte = start.byte;
        let mut take = |fields: &mut dyn Iterator<Item = Option<usize>>| -> Option<&'a [u8]> {
            let length = fields.next().flatten()?;
            let bytes = self.data.get(byte..byte + length).unwrap_or_default();
            byte += length + self.separator;
            Some(bytes)
        };
        let mut identity = CoreIdentity::default();
        let mut token = String::with_capacity(128);
        for item in start.item..end {
            let (user_id, email) = match self.fields {
                PackedFields::UserId => (take(&mut fields), None),
                PackedFields::Email => (None, take(&mut fields)),
                PackedFields::UserIdAndEmail => {
                    let user_id = take(&mut fields);
                    (user_id, take(&mut fields))
                }
            };
            let signed = set_text(&mut identity.user_id, user_id)
                .and_then(|()| set_text(&mut identity.email, email))
                .and_then(|()| {
                    signer
                        .sign_into(&identity, &mut token)
                        .map_err(|error| error.kind().code())
                });
            match signed {
                Ok(()) => out.lines.push_str(&token),
                Err(code) => out.failures.push((item, code)),
            }
            out.lines.push('\n');
        }
    }
}

/// The error for buffers that do not describe a whole batch.
fn malformed(why: String) -> UserHashError {
    UserHashError::MissingField(format!("packed batch: {why}"))
}

/// The lengths of a `lengths` buffer, `None` for absent.
fn lengths_of(lengths: &[u8]) -> impl Iterator<Item = Option<usize>> + '_ {
    lengths.chunks_exact(4).map(|bytes| {
        let length = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        (length != PACKED_ABSENT).then_some(length as usize)
    })
}

/// Puts `bytes` into a reused field of the identity, so that signing a batch allocates no
/// string per item; the error is the code of a field that is not UTF-8.
/// (`missing_field`: the identity has no such field as text; the core has no code of its own for
/// bytes that are not UTF-8).
fn set_text(
    slot: &mut Option<String>,
    bytes: Option<&[u8]>,
) -> std::result::Result<(), &'static str> {
    match bytes {
        None => {
            *slot = None;
            Ok(())
        }
        Some(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|_| "missing_field")?;
            let slot = slot.get_or_insert_with(String::new);
            slot.clear();
            slot.push_str(text);
            Ok(())
        }
    }
}

/// One thread's output.
#[derive(Debug, Default)]
struct Run {
    lines: String,
    failures: Vec<(usize, &'static str)>,
}

/// Signs every item of `layout`, on as many threads as pay off (at most `max_threads`; 0: one
/// per core), and joins the runs in order.
pub(crate) fn sign_layout(signer: &CoreSigner, layout: &Layout<'_>, max_threads: u32) -> String {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let cap = match usize::try_from(max_threads) {
        Ok(0) | Err(_) => cores,
        Ok(cap) => cap.min(cores),
    };
    let threads = cap.min(layout.items / MIN_ITEMS_PER_THREAD).max(1);
    let starts = layout.starts(threads);
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|start| start.item)
        .chain(std::iter::once(layout.items))
        .collect();
    let runs: Vec<Run> = if starts.len() <= 1 {
        let mut run = Run::default();
        if let Some(&start) = starts.first() {
            run.lines.reserve(layout.items * TYPICAL_LINE_BYTES);
            layout.sign_run(signer, start, layout.items, &mut run);
        }
        vec![run]
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = starts
                .iter()
                .zip(&ends)
                .map(|(&start, &end)| {
                    scope.spawn(move || {
                        let mut run = Run::default();
                        // The first run's buffer becomes the result's: room for every line.
                        let items = if start.item == 0 {
                            layout.items
                        } else {
                            end - start.item
                        };
                        run.lines.reserve(items * TYPICAL_LINE_BYTES);
                        layout.sign_run(signer, start, end, &mut run);
                        run
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    let mut text = String::new();
    let mut failures = Vec::new();
    for run in runs {
        if text.is_empty() {
            // The first run's buffer becomes the result: only the later runs are copied.
            text = run.lines;
        } else {
            text.push_str(&run.lines);
        }
        failures.extend(run.failures);
    }
    for (item, code) in failures {
        // Writing to a String cannot fail.
        let _ = writeln!(text, "{FAILURE_MARK}{item} {code}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Identity, Scheme};

    /// An item as (user id, email) bytes; `None` is absent.
    type Item<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

    fn signer(scheme: &str) -> std::sync::Arc<Signer> {
        Signer::new(
            Scheme::by_name(scheme.to_owned()).unwrap(),
            "5ec2e7".to_owned(),
        )
        .unwrap()
    }

    /// Packs `(user id, email)` pairs the way the bindings do.
    fn pack(fields: PackedFields, items: &[Item<'_>]) -> (Vec<u8>, Vec<u8>) {
        let mut data = Vec::new();
        let mut lengths = Vec::new();
        for &(user_id, email) in items {
            let chosen: Vec<Option<&[u8]>> = match fields {
                PackedFields::UserId => vec![user_id],
                PackedFields::Email => vec![email],
                PackedFields::UserIdAndEmail => vec![user_id, email],
            };
            for field in chosen {
                let length = field.map_or(PACKED_ABSENT, |bytes| {
                    data.extend_from_slice(bytes);
                    u32::try_from(bytes.len()).unwrap()
                });
                lengths.extend_from_slice(&length.to_le_bytes());
            }
        }
        (data, lengths)
    }

    fn text(bytes: Option<&[u8]>) -> Option<String> {
        bytes.map(|bytes| String::from_utf8(bytes.to_vec()).unwrap())
    }

    /// What `sign` gives for each item: the token, or the error's code.
    fn one_by_one(signer: &Signer, items: &[Item<'_>]) -> Vec<Result<String, String>> {
        items
            .iter()
            .map(|&(user_id, email)| {
                let identity = Identity {
                    user_id: text(user_id),
                    email: text(email),
                };
                signer.sign(identity).map_err(|error| {
                    let code: crate::ErrorCode = match error {
                        UserHashError::Unidentified(_) => crate::ErrorCode::Unidentified,
                        UserHashError::MissingField(_) => crate::ErrorCode::MissingField,
                        UserHashError::EmptyField(_) => crate::ErrorCode::EmptyField,
                        UserHashError::IdentifierTooLong(_) => crate::ErrorCode::IdentifierTooLong,
                        other => panic!("unexpected {other:?}"),
                    };
                    crate::error::error_code_name(code).unwrap()
                })
            })
            .collect()
    }

    /// The failure lines of a packed result.
    fn failures(text: &str) -> Vec<&str> {
        text.lines().filter(|line| line.starts_with('!')).collect()
    }

    /// The packed result read back per item.
    fn unpack(text: &str, count: usize) -> Vec<Result<String, String>> {
        let all: Vec<&str> = text.split_terminator('\n').collect();
        let lines = &all[..count];
        assert!(
            all[count..].iter().all(|line| line.starts_with('!')),
            "{text}"
        );
        let mut results: Vec<Result<String, String>> =
            lines.iter().map(|line| Ok((*line).to_owned())).collect();
        for failure in &all[count..] {
            let (index, code) = failure[1..].split_once(' ').unwrap();
            let index: usize = index.parse().unwrap();
            assert_eq!(lines[index], "", "a failed item has an empty line");
            results[index] = Err(code.to_owned());
        }
        results
    }

    const LONG: &[u8] = &[b'x'; 1025];

    fn awkward_items() -> Vec<Item<'static>> {
        vec![
            (Some(b"42"), None),
            (Some(b"nul\0inside"), Some(b"ada@example.com")),
            (Some(b"new\nline\r\n"), None),
            (Some("Zoë ✓ 😀".as_bytes()), None),
            (Some(b""), None),
            (None, None),
            (None, Some(b"ada@example.com")),
            (Some(LONG), None),
            (Some(b" 42 "), Some(b"")),
        ]
    }

    #[test]
    fn packed_batches_equal_signing_one_by_one() {
        for scheme in ["intercom", "helpshift", "help-scout", "gleap", "pylon"] {
            let signer = signer(scheme);
            for fields in [
                PackedFields::UserId,
                PackedFields::Email,
                PackedFields::UserIdAndEmail,
            ] {
                // The identity each item has once packed with these fields.
                let items: Vec<_> = awkward_items()
                    .into_iter()
                    .map(|(user_id, email)| match fields {
                        PackedFields::UserId => (user_id, None),
                        PackedFields::Email => (None, email),
                        PackedFields::UserIdAndEmail => (user_id, email),
                    })
                    .collect();
                let (data, lengths) = pack(fields, &items);
                let tokens = signer.sign_packed(fields, &data, &lengths, 0).unwrap();
                assert_eq!(
                    unpack(&tokens, items.len()),
                    one_by_one(&signer, &items),
                    "{scheme} {fields:?}"
                );
            }
        }
    }

    #[test]
    fn large_batches_split_across_threads_keep_order() {
        let signer = signer("intercom");
        let ids: Vec<String> = (0..3 * MIN_ITEMS_PER_THREAD + 7)
            .map(|i| {
                if i % 1000 == 999 {
                    String::new()
                } else {
                    format!("user-{i}")
                }
            })
            .collect();
        let items: Vec<_> = ids.iter().map(|id| (Some(id.as_bytes()), None)).collect();
        let (data, lengths) = pack(PackedFields::UserId, &items);
        let tokens = signer
            .sign_packed(PackedFields::UserId, &data, &lengths, 0)
            .unwrap();
        assert_eq!(unpack(&tokens, items.len()), one_by_one(&signer, &items));
        assert_eq!(failures(&tokens).len(), ids.len() / 1000);
        // A cap on the threads changes how the work is shared, never the result.
        for max_threads in [1, 2, 3, u32::MAX] {
            let capped = signer
                .sign_packed(PackedFields::UserId, &data, &lengths, max_threads)
                .unwrap();
            assert_eq!(capped, tokens, "max_threads = {max_threads}");
        }
    }

    #[test]
    fn timestamped_schemes_sign_each_item() {
        let signer = signer("jimo");
        let (data, lengths) = pack(
            PackedFields::UserId,
            &[(Some(b"1"), None), (Some(b"2"), None)],
        );
        let tokens = signer
            .sign_packed(PackedFields::UserId, &data, &lengths, 0)
            .unwrap();
        let lines: Vec<&str> = tokens.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines
                .iter()
                .all(|line| line.len() > 65 && line.as_bytes()[64] == b'-'),
            "{lines:?}"
        );
    }

    #[test]
    fn empty_batches_and_malformed_layouts() {
        let signer = signer("intercom");
        let empty = signer
            .sign_packed(PackedFields::UserId, &[], &[], 0)
            .unwrap();
        assert_eq!(empty, "");
        let malformed = [
            (
                PackedFields::UserId,
                &b"abc"[..],
                2u32.to_le_bytes().to_vec(),
            ),
            (
                PackedFields::UserId,
                &b"ab"[..],
                3u32.to_le_bytes().to_vec(),
            ),
            (PackedFields::UserId, &b"ab"[..], vec![2, 0, 0]),
            (
                PackedFields::UserIdAndEmail,
                &b"ab"[..],
                2u32.to_le_bytes().to_vec(),
            ),
            (
                PackedFields::UserId,
                &b""[..],
                u32::MAX.to_le_bytes().to_vec(),
            ),
        ];
        for (fields, data, lengths) in malformed {
            let result = signer.sign_packed(fields, data, &lengths, 0);
            if data.is_empty() {
                // One absent field is a well-formed batch of one unidentified item.
                assert_eq!(result.unwrap(), "\n!0 unidentified\n");
            } else {
                assert!(
                    matches!(result, Err(UserHashError::MissingField(ref message)) if message.starts_with("packed batch:")),
                    "{fields:?} {data:?} {lengths:?}: {result:?}"
                );
            }
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_fail_alone() {
        let signer = signer("intercom");
        let items = [(Some(&b"ok"[..]), None), (Some(&b"\xff\xfe"[..]), None)];
        let (data, lengths) = pack(PackedFields::UserId, &items);
        let tokens = signer
            .sign_packed(PackedFields::UserId, &data, &lengths, 0)
            .unwrap();
        assert_eq!(failures(&tokens), ["!1 missing_field"]);
        assert!(matches!(
            signer.sign_utf8(b"\xff", b"", PRESENT_USER_ID),
            Err(UserHashError::MissingField(_))
        ));
    }

    #[test]
    fn sign_utf8_equals_sign() {
        for scheme in ["intercom", "helpshift", "help-scout"] {
            let signer = signer(scheme);
            for (user_id, email) in awkward_items() {
                let present = (u8::from(user_id.is_some()) * PRESENT_USER_ID)
                    | (u8::from(email.is_some()) * PRESENT_EMAIL);
                // Bytes of an absent field are ignored.
                let fast = signer
                    .sign_utf8(
                        user_id.unwrap_or(b"ignored"),
                        email.unwrap_or(b"ignored"),
                        present,
                    )
                    .map_err(|error| error.to_string());
                let identity = Identity {
                    user_id: text(user_id),
                    email: text(email),
                };
                let slow = signer.sign(identity).map_err(|error| error.to_string());
                assert_eq!(fast, slow, "{scheme} {user_id:?} {email:?}");
            }
        }
    }

    #[test]
    fn lines_equal_packed_batches() {
        for scheme in ["intercom", "helpshift", "help-scout"] {
            let signer = signer(scheme);
            for fields in [
                PackedFields::UserId,
                PackedFields::Email,
                PackedFields::UserIdAndEmail,
            ] {
                let texts: Vec<&[u8]> =
                    vec![b"42", b"", "Zoë ✓".as_bytes(), b"nul\0", LONG, b"\xff"];
                let items: Vec<Item<'_>> = texts
                    .iter()
                    .map(|&text| match fields {
                        PackedFields::UserId => (Some(text), None),
                        PackedFields::Email => (None, Some(text)),
                        PackedFields::UserIdAndEmail => (Some(text), Some(&b"ada@example.com"[..])),
                    })
                    .collect();
                let (data, lengths) = pack(fields, &items);
                let packed = signer.sign_packed(fields, &data, &lengths, 0).unwrap();
                let mut lines = Vec::new();
                for (user_id, email) in &items {
                    for field in [user_id, email].into_iter().flatten() {
                        lines.extend_from_slice(field);
                        lines.push(b'\n');
                    }
                }
                lines.pop();
                let count = u32::try_from(items.len()).unwrap();
                assert_eq!(
                    signer.sign_lines(fields, &lines, count, 0).unwrap(),
                    packed,
                    "{scheme} {fields:?}"
                );
            }
        }
        let signer = signer("intercom");
        assert_eq!(
            signer.sign_lines(PackedFields::UserId, b"", 0, 0).unwrap(),
            ""
        );
        assert_eq!(
            signer.sign_lines(PackedFields::UserId, b"", 1, 0).unwrap(),
            "\n!0 empty_field\n"
        );
        for (lines, count) in [(&b"a\nb"[..], 1), (b"a", 2), (b"a", 0)] {
            assert!(matches!(
                signer.sign_lines(PackedFields::UserId, lines, count, 0),
                Err(UserHashError::MissingField(_))
            ));
        }
    }

    #[test]
    fn the_absent_marker_is_exported() {
        assert_eq!(packed_absent_length().unwrap(), 0xFFFF_FFFF);
    }
}
