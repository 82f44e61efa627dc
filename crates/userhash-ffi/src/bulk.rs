//! The bindings' bulk call across the FFI boundary: [`Signer::sign_packed`] (and its lines
//! form), over the core's [`PackedBatch`] — the one validated view, thread splitter and clock
//! rule every batch path shares — plus [`Signer::sign_utf8`], Python's single-identity path.
//!
//! Why they exist: a uniffi call converts every argument and result one value at a time in the
//! foreign language; for a million identities that conversion dominates everything. A packed
//! batch crosses as two flat buffers, borrowed without a copy, and its tokens come back as one
//! string. The layout is the core's ([`userhash::PackedBatch`]); this module only encodes the
//! result as text, the one encoder of it.

use userhash::{
    BatchFields, BatchOptions, Identity as CoreIdentity, PackedBatch, Signer as CoreSigner,
};

use crate::lane::generated_call;
use crate::{Result, Signer};

/// The length that marks a field as absent in [`Signer::sign_packed`]'s `lengths` (`0xFFFFFFFF`,
/// i.e. `u32::MAX`); a length of 0 is a present but empty field, which signing rejects.
pub const PACKED_ABSENT: u32 = userhash::ABSENT_LENGTH;

/// Bit of [`Signer::sign_utf8`]'s `present` that says the user id is given.
const PRESENT_USER_ID: u8 = 1;
/// Bit of [`Signer::sign_utf8`]'s `present` that says the email is given.
const PRESENT_EMAIL: u8 = 2;

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

impl From<PackedFields> for BatchFields {
    fn from(fields: PackedFields) -> BatchFields {
        match fields {
            PackedFields::UserId => BatchFields::UserId,
            PackedFields::Email => BatchFields::Email,
            PackedFields::UserIdAndEmail => BatchFields::UserIdAndEmail,
        }
    }
}

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
    /// per failed item, in input order: `!`, the item's index in decimal, a space, its error
    /// code as `error_code_name` spells it, a space and the message (`!3 empty_field the user_id
    /// is empty; ...`): the fast lane's batch text. Tokens are ASCII and never contain `\n` or
    /// `!`.
    ///
    /// Each item is signed exactly as `sign_at` signs it at the batch's one time: the clock is
    /// read once per call, for schemes whose tokens carry a time. An item that cannot be signed
    /// (an empty or absent field, too long, not UTF-8: `not_utf8`) fails alone.
    ///
    /// `max_threads` caps the signing threads; 0 (the default) means one per core.
    ///
    /// # Errors
    /// [`UserHashError::MalformedBatch`] when the buffers do not describe a whole number of
    /// items. Nothing is signed then.
    #[uniffi::method(default(max_threads = 0))]
    pub fn sign_packed(
        &self,
        fields: PackedFields,
        data: &[u8],
        lengths: &[u8],
        max_threads: u32,
    ) -> Result<String> {
        generated_call();
        let batch = PackedBatch::from_lengths(fields.into(), data, lengths)?;
        sign_to_text(&self.inner, &batch, max_threads)
    }

    /// [`Signer::sign_packed`] for batches whose fields contain no newline: `lines` holds
    /// `count` items' fields as UTF-8 lines separated by `\n` (one line per field: one per item
    /// for [`PackedFields::UserId`] and [`PackedFields::Email`], user id then email for
    /// [`PackedFields::UserIdAndEmail`]), with no newline after the last. Every field is present;
    /// an empty line is an empty field. The result, and `max_threads`, are `sign_packed`'s.
    ///
    /// # Errors
    /// [`UserHashError::MalformedBatch`] when `lines` does not hold `count` items' worth of
    /// lines (checked before anything is allocated). Nothing is signed then.
    #[uniffi::method(default(max_threads = 0))]
    pub fn sign_lines(
        &self,
        fields: PackedFields,
        lines: &[u8],
        count: u32,
        max_threads: u32,
    ) -> Result<String> {
        generated_call();
        let batch = PackedBatch::from_lines(fields.into(), lines, u64::from(count))?;
        sign_to_text(&self.inner, &batch, max_threads)
    }

    /// Signs one identity given as borrowed UTF-8 bytes: the fast path behind Python's
    /// `Signer.sign` (no buffer is allocated for the argument). `present` says which fields are given:
    /// bit 0 (1) the user id, bit 1 (2) the email; a field not marked present is absent,
    /// whatever its bytes. The token is the one `sign` returns for the same identity.
    ///
    /// # Errors
    /// As `sign`; [`UserHashError::NotUtf8`] when a present field is not valid UTF-8.
    pub fn sign_utf8(&self, user_id: &[u8], email: &[u8], present: u8) -> Result<String> {
        generated_call();
        let field = |bytes: &[u8], bit: u8, field: userhash::Field| -> Result<Option<String>> {
            if present & bit == 0 {
                return Ok(None);
            }
            match std::str::from_utf8(bytes) {
                Ok(text) => Ok(Some(text.to_owned())),
                Err(_) => Err(userhash::Error::NotUtf8 { field }.into()),
            }
        };
        let identity = CoreIdentity::new(
            field(user_id, PRESENT_USER_ID, userhash::Field::UserId)?,
            field(email, PRESENT_EMAIL, userhash::Field::Email)?,
        );
        Ok(self.inner.sign(&identity)?)
    }
}

/// The length that marks an absent field in a packed batch (`0xFFFFFFFF`), for bindings that
/// pack batches themselves.
#[uniffi::export]
pub fn packed_absent_length() -> Result<u32> {
    generated_call();
    Ok(PACKED_ABSENT)
}

/// Signs `batch` with the clock read once and encodes the result as `sign_packed`'s text.
pub(crate) fn sign_to_text(
    signer: &CoreSigner,
    batch: &PackedBatch<'_>,
    max_threads: u32,
) -> Result<String> {
    let options = BatchOptions::new(usize::try_from(max_threads).unwrap_or(0), None);
    let tokens = signer.sign_packed(batch, options)?;
    Ok(crate::lane::packed_text(tokens))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserHashError;
    use crate::{Identity, Scheme};
    use userhash::MIN_ITEMS_PER_THREAD;

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

    /// The failure lines of a packed result, as `!<index> <code>` (the message dropped).
    fn failures(text: &str) -> Vec<String> {
        text.lines()
            .filter(|line| line.starts_with('!'))
            .map(|line| line.splitn(3, ' ').take(2).collect::<Vec<_>>().join(" "))
            .collect()
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
            let (index, rest) = failure[1..].split_once(' ').unwrap();
            let code = rest.split(' ').next().unwrap();
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
                assert_eq!(failures(&result.unwrap()), ["!0 unidentified"]);
            } else {
                assert!(
                    matches!(result, Err(UserHashError::MalformedBatch(_))),
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
        assert_eq!(failures(&tokens), ["!1 not_utf8"]);
        assert!(matches!(
            signer.sign_utf8(b"\xff", b"", PRESENT_USER_ID),
            Err(UserHashError::NotUtf8(_))
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
            failures(&signer.sign_lines(PackedFields::UserId, b"", 1, 0).unwrap()),
            ["!0 empty_field"]
        );
        for (lines, count) in [(&b"a\nb"[..], 1), (b"a", 2), (b"a", 0)] {
            assert!(matches!(
                signer.sign_lines(PackedFields::UserId, lines, count, 0),
                Err(UserHashError::MalformedBatch(_))
            ));
        }
    }

    #[test]
    fn the_absent_marker_is_exported() {
        assert_eq!(packed_absent_length().unwrap(), 0xFFFF_FFFF);
    }
}
