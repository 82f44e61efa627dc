//! The lane's C symbols (`userhash_lane_*`, declared for C and Swift in
//! bindings/swift/Sources/UserHashFFI/include/userhash_lane.h): pointers and lengths in, the
//! lane's texts out. Python reaches them through ctypes on the library the wheel already loaded,
//! Swift through the hand-written header.
//!
//! Conventions, the same for every symbol:
//! - a text argument is a pointer and a byte length; a null pointer is an absent value (an absent
//!   field, no token, no label), whatever the length;
//! - a time is a `u64` with a flag (`has_now`, `has_at`): 0 reads the clock;
//! - a small call's answer is a NUL-terminated text in a buffer of the calling thread, valid until
//!   that thread's next lane call: copy it at once (ctypes' `c_char_p` result does). A text that
//!   holds a NUL itself (a user id may) cannot be read that way: the answer is then `?` alone,
//!   and [`userhash_lane_answer`] gives the whole text with its length. No other answer starts
//!   with `?` (a success's first line is a token, a label, a digit; a failure's is `!`);
//! - a batch's answer is a buffer the caller owns, freed with [`userhash_lane_free`];
//! - nothing unwinds across the boundary: a panic becomes the failure `!panic ...`.

// The lane reads raw pointers from foreign callers; each unsafe block says why it holds.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use userhash::{Field, PackedBatch};
use userhash_config::{PayloadOptions, VendorFailures};

use super::arrow::{self, ArrowArray, ArrowSchema};
use super::{Answer, Failure, Held, LANE_VERSION, Written, identity, text, utf8};

thread_local! {
    /// The calling thread's last small answer, followed by a NUL (see the module doc); reused
    /// from call to call.
    static ANSWER: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The answer in place of a text that holds a NUL: fetch it whole with [`userhash_lane_answer`].
const HOLDS_NUL: &[u8] = b"?\0";

/// A borrowed text argument: `None` for a null pointer.
///
/// # Safety
/// A non-null `pointer` points to `length` readable bytes that stay unchanged for the call.
unsafe fn bytes<'a>(pointer: *const u8, length: usize) -> Option<&'a [u8]> {
    if pointer.is_null() {
        return None;
    }
    // SAFETY: the caller's contract; a length over isize::MAX cannot describe real memory, and
    // `from_raw_parts` requires it not to.
    (length <= isize::MAX as usize).then(|| unsafe { std::slice::from_raw_parts(pointer, length) })
}

/// The object behind a lane handle.
///
/// # Safety
/// `handle` came from a `lane_handle()` call and has not been released.
pub(crate) unsafe fn held<'a>(handle: u64) -> Result<&'a Held, Failure> {
    let pointer = usize::try_from(handle).unwrap_or(0) as *const Held;
    if pointer.is_null() || !pointer.is_aligned() {
        return Err(Failure::lane("not a lane handle"));
    }
    // SAFETY: the caller's contract: the handle is the address of a live boxed `Held`.
    Ok(unsafe { &*pointer })
}

/// Runs a small call and leaves its answer, NUL-terminated, in the thread's buffer.
fn answer(call: impl FnOnce(&mut String) -> Written) -> *const c_char {
    ANSWER.with(|buffer| {
        let Ok(mut text) = buffer.try_borrow_mut() else {
            return c"!lane_misuse the lane was called from inside a call".as_ptr();
        };
        super::write(&mut text, |out| {
            catch_unwind(AssertUnwindSafe(|| call(out)))
                .unwrap_or_else(|_| Err(Failure::panicked()))
        });
        // A NUL inside (a user id, an echoed claim) would cut the C string: the caller fetches it.
        let holds_nul = text.as_bytes().contains(&0);
        text.push('\0');
        if holds_nul {
            HOLDS_NUL.as_ptr().cast()
        } else {
            text.as_ptr().cast()
        }
    })
}

/// The calling thread's last small answer, whole: the text (NUL inside included) and, in
/// `*out_len`, its length. For an answer that was `?`; valid until the thread's next lane call.
///
/// # Safety
/// `out_len` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn userhash_lane_answer(out_len: *mut usize) -> *const u8 {
    ANSWER.with(|buffer| {
        let Ok(text) = buffer.try_borrow() else {
            return std::ptr::null();
        };
        if !out_len.is_null() {
            // SAFETY: a non-null `out_len` is writable (the contract); the text ends with the
            // NUL `answer` added, which is not part of it.
            unsafe { *out_len = text.len().saturating_sub(1) };
        }
        text.as_ptr()
    })
}

/// The version of the lane's symbols and texts ([`LANE_VERSION`]).
#[unsafe(no_mangle)]
pub extern "C" fn userhash_lane_version() -> u32 {
    LANE_VERSION
}

/// How many calls of uniffi's generated exports of the lane's objects have been made: the
/// guard tests read it around a hot call, which must add nothing.
#[unsafe(no_mangle)]
pub extern "C" fn userhash_lane_generated_calls() -> u64 {
    super::generated_calls()
}

/// Frees a lane handle (0 is ignored).
///
/// # Safety
/// `handle` came from a `lane_handle()` call and is released once, with no call using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn userhash_lane_release(handle: u64) {
    let pointer = usize::try_from(handle).unwrap_or(0) as *mut Held;
    if !pointer.is_null() {
        // SAFETY: the contract: the box made by `lane::handle`, released once.
        drop(unsafe { Box::from_raw(pointer) });
    }
}

/// `signer.sign(identity)`: the token (the identity's fields as UTF-8, null = absent).
///
/// # Safety
/// `signer` is a live signer handle; each non-null pointer points to its length in bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn userhash_lane_sign(
    signer: u64,
    user_id: *const u8,
    user_id_len: usize,
    email: *const u8,
    email_len: usize,
) -> *const c_char {
    answer(|out| {
        // SAFETY: the function's contract.
        let (held, user_id, email) = unsafe {
            (
                held(signer)?,
                bytes(user_id, user_id_len),
                bytes(email, email_len),
            )
        };
        held.sign(&identity(user_id, email)?, out)
    })
}

/// The time every token of a batch from this signer carries now (the core's clock rule):
/// decimal seconds, or empty for a scheme without one. A caller that signs one logical batch in
/// several calls asks once and passes the answer as each call's `at`.
///
/// # Safety
/// `signer` is a live signer handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn userhash_lane_batch_time(signer: u64) -> *const c_char {
    // SAFETY: the function's contract.
    answer(|out| unsafe { held(signer) }?.batch_time(out))
}

/// `verifier.verify(identity, token, label)` (`has_now` 0) or `verify_at(..., now, ...)`.
///
/// # Safety
/// `verifier` is a live verifier handle; each non-null pointer points to its length in bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn userhash_lane_verify(
    verifier: u64,
    user_id: *const u8,
    user_id_len: usize,
    email: *const u8,
    email_len: usize,
    token: *const u8,
    token_len: usize,
    label: *const u8,
    label_len: usize,
    now: u64,
    has_now: u32,
) -> *const c_char {
    answer(|out| {
        // SAFETY: the function's contract.
        let (held, user_id, email, token, label) = unsafe {
            (
                held(verifier)?,
                bytes(user_id, user_id_len),
                bytes(email, email_len),
                bytes(token, token_len),
                bytes(label, label_len),
            )
        };
        let identity = identity(user_id, email)?;
        let token = utf8(token, "token")?.unwrap_or_default();
        let label = utf8(label, "label")?;
        held.verify(&identity, token, label, (has_now != 0).then_some(now), out)
    })
}

/// `gate.check(identity, token, label)` (`has_now` 0) or `check_at(..., now, ...)`; a null
/// token is an absent one.
///
/// # Safety
/// `gate` is a live gate handle; each non-null pointer points to its length in bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn userhash_lane_check(
    gate: u64,
    user_id: *const u8,
    user_id_len: usize,
    email: *const u8,
    email_len: usize,
    token: *const u8,
    token_len: usize,
    label: *const u8,
    label_len: usize,
    now: u64,
    has_now: u32,
) -> *const c_char {
    answer(|out| {
        // SAFETY: the function's contract.
        let (held, user_id, email, token, label) = unsafe {
            (
                held(gate)?,
                bytes(user_id, user_id_len),
                bytes(email, email_len),
                bytes(token, token_len),
                bytes(label, label_len),
            )
        };
        let identity = identity(user_id, email)?;
        let token = utf8(token, "token")?;
        let label = utf8(label, "label")?;
        held.check(&identity, token, label, (has_now != 0).then_some(now), out)
    })
}

/// `payload_signer.payload(identity, platform, attributes, at, failures)`: the payload's text.
/// Each text argument is a pointer and a length (null: absent; `platform` must be present);
/// `email_verified` is 0 absent, 1 false, 2 true; `expires_in` and `at` count when their flag is
/// 1 (`at` absent: the clock, read once); `failures` is 0 report (in the vendor's slot), 1 raise.
///
/// # Safety
/// `signer` is a live payload signer handle; each non-null pointer points to its length in
/// bytes.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn userhash_lane_payload(
    signer: u64,
    user_id: *const u8,
    user_id_len: usize,
    email: *const u8,
    email_len: usize,
    platform: *const u8,
    platform_len: usize,
    name: *const u8,
    name_len: usize,
    account_id: *const u8,
    account_id_len: usize,
    nonce: *const u8,
    nonce_len: usize,
    extra_claims: *const u8,
    extra_claims_len: usize,
    email_verified: u32,
    expires_in: u64,
    has_expires_in: u32,
    at: u64,
    has_at: u32,
    failures: u32,
) -> *const c_char {
    answer(|out| {
        // SAFETY: the function's contract.
        let (held, user_id, email, platform, texts) = unsafe {
            (
                held(signer)?,
                bytes(user_id, user_id_len),
                bytes(email, email_len),
                bytes(platform, platform_len),
                [
                    bytes(name, name_len),
                    bytes(account_id, account_id_len),
                    bytes(nonce, nonce_len),
                    bytes(extra_claims, extra_claims_len),
                ],
            )
        };
        let identity = identity(user_id, email)?;
        let platform = utf8(platform, "platform")?.unwrap_or_default();
        let [name, account_id, nonce, extra_claims] = [
            (texts[0], "name"),
            (texts[1], "account_id"),
            (texts[2], "nonce"),
            (texts[3], "extra_claims"),
        ]
        .map(|(text, what)| utf8(text, what).map(|text| text.map(str::to_owned)));
        let options = payload_options(
            attributes(
                name?,
                account_id?,
                nonce?,
                extra_claims?,
                email_verified,
                expires_in,
                has_expires_in,
            )?,
            (has_at != 0).then_some(at),
            failures,
        )?;
        held.payload(&identity, platform, &options, out)
    })
}

/// JWT attributes from the lane's arguments (`email_verified`: 0 absent, 1 false, 2 true), as the
/// generated record carries them.
pub(crate) fn attributes(
    name: Option<String>,
    account_id: Option<String>,
    nonce: Option<String>,
    extra_claims: Option<String>,
    email_verified: u32,
    expires_in: u64,
    has_expires_in: u32,
) -> Result<crate::Attributes, Failure> {
    Ok(crate::Attributes {
        name,
        email_verified: match email_verified {
            0 => None,
            1 => Some(false),
            2 => Some(true),
            _ => return Err(Failure::lane("email_verified is 0, 1 or 2")),
        },
        account_id,
        nonce,
        expires_in: (has_expires_in != 0).then_some(expires_in),
        extra_claims,
    })
}

/// The options of a payload call, `failures` by its wire code (0 report, 1 raise).
pub(crate) fn payload_options(
    attributes: crate::Attributes,
    at: Option<u64>,
    failures: u32,
) -> Result<PayloadOptions, Failure> {
    Ok(PayloadOptions {
        attributes: attributes.into(),
        at,
        failures: match failures {
            0 => VendorFailures::Report,
            1 => VendorFailures::Raise,
            _ => return Err(Failure::lane("failures is 0 (report) or 1 (raise)")),
        },
    })
}

/// The failure `payload.entry(vendor)` raises on the signer's payloads, which lack `vendor`:
/// always `!config_unknown_vendor <message>` (or the lane's own failure for a bad handle or
/// text).
///
/// # Safety
/// `signer` is a live payload signer handle; a non-null `vendor` points to `vendor_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn userhash_lane_payload_unknown_vendor(
    signer: u64,
    vendor: *const u8,
    vendor_len: usize,
) -> *const c_char {
    answer(|_| {
        // SAFETY: the function's contract.
        let (held, vendor) = unsafe { (held(signer)?, bytes(vendor, vendor_len)) };
        held.payload_unknown_vendor(utf8(vendor, "vendor")?.unwrap_or_default())
    })
}

/// Moves a batch's text into a buffer the caller owns (freed by [`userhash_lane_free`]).
fn owned(call: impl FnOnce() -> Answer, out_len: *mut usize) -> *mut u8 {
    let answer = catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|_| Err(Failure::panicked()));
    let text = text(answer).into_bytes().into_boxed_slice();
    if !out_len.is_null() {
        // SAFETY: a non-null `out_len` is writable (every caller's contract).
        unsafe { *out_len = text.len() };
    }
    Box::into_raw(text).cast()
}

/// Signs a packed batch in the lengths layout (`userhash::PackedBatch::from_lengths`; `fields`
/// 0 user id, 1 email, 2 both) at one time — `at` when `has_at`, else the clock read once —
/// on at most `max_threads` threads (0: one per core). The answer is the batch's text, in a
/// buffer of `*out_len` bytes the caller frees with [`userhash_lane_free`].
///
/// # Safety
/// `signer` is a live signer handle; `data` and `lengths` point to their lengths in bytes
/// (null only when the length is 0) and nothing writes to them during the call; `out_len` is
/// writable.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn userhash_lane_sign_packed(
    signer: u64,
    fields: u32,
    data: *const u8,
    data_len: usize,
    lengths: *const u8,
    lengths_len: usize,
    max_threads: u32,
    at: u64,
    has_at: u32,
    out_len: *mut usize,
) -> *mut u8 {
    owned(
        || {
            // SAFETY: the function's contract.
            let (held, data, lengths) = unsafe {
                (
                    held(signer)?,
                    bytes(data, data_len).unwrap_or_default(),
                    bytes(lengths, lengths_len).unwrap_or_default(),
                )
            };
            let batch = super::batch_fields(fields)
                .and_then(|fields| PackedBatch::from_lengths(fields, data, lengths));
            held.sign_packed(batch, max_threads, (has_at != 0).then_some(at))
        },
        out_len,
    )
}

/// [`userhash_lane_sign_packed`] in the lines layout: `count` items' fields as lines separated
/// by `\n` (`userhash::PackedBatch::from_lines`).
///
/// # Safety
/// As [`userhash_lane_sign_packed`], for `lines`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn userhash_lane_sign_lines(
    signer: u64,
    fields: u32,
    lines: *const u8,
    lines_len: usize,
    count: u64,
    max_threads: u32,
    at: u64,
    has_at: u32,
    out_len: *mut usize,
) -> *mut u8 {
    owned(
        || {
            // SAFETY: the function's contract.
            let (held, lines) =
                unsafe { (held(signer)?, bytes(lines, lines_len).unwrap_or_default()) };
            let batch = super::batch_fields(fields)
                .and_then(|fields| PackedBatch::from_lines(fields, lines, count));
            held.sign_packed(batch, max_threads, (has_at != 0).then_some(at))
        },
        out_len,
    )
}

/// Signs Arrow string columns (protocol version 3): the user ids, the emails, or both (a null
/// schema pointer leaves a field out; in a given column a null value is an absent field), read in
/// place through the Arrow C data interface, at one time — `at` when `has_at`, else the clock
/// read once — on at most `max_threads` threads (0: one per core).
///
/// On success the answer is empty, `tokens_*` hold a string column of one token per row, null
/// where the row could not be signed, and, when `codes_*` are not null, a string column of each
/// failed row's error code (null where the row signed); both are the caller's to release. A
/// failure of the whole call (a column that is not a string column, a binary one, columns of
/// different lengths, a time for a scheme without one) answers `!<code> <message>` and writes
/// nothing.
///
/// # Safety
/// `signer` is a live signer handle; each non-null schema and array pointer points to a live
/// struct of the C data interface whose buffers nothing writes to during the call (the lane
/// borrows them and never releases them); `tokens_*` (and `codes_*`, when not null) point to
/// writable structs.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn userhash_lane_sign_arrow(
    signer: u64,
    user_id_schema: *const ArrowSchema,
    user_id_array: *const ArrowArray,
    email_schema: *const ArrowSchema,
    email_array: *const ArrowArray,
    max_threads: u32,
    at: u64,
    has_at: u32,
    tokens_schema: *mut ArrowSchema,
    tokens_array: *mut ArrowArray,
    codes_schema: *mut ArrowSchema,
    codes_array: *mut ArrowArray,
) -> *const c_char {
    answer(|_| {
        if tokens_schema.is_null() || tokens_array.is_null() {
            return Err(Failure::lane("no struct to write the tokens into"));
        }
        // SAFETY: the function's contract.
        let held = unsafe { held(signer)? };
        let import = |schema: *const ArrowSchema, array, field| {
            // SAFETY: the function's contract.
            (!schema.is_null())
                .then(|| unsafe { arrow::import(schema, array, field) })
                .transpose()
        };
        let user_ids = import(user_id_schema, user_id_array, Field::UserId)?;
        let emails = import(email_schema, email_array, Field::Email)?;
        let batch = PackedBatch::from_columns(
            user_ids.as_ref().map(arrow::Imported::column).transpose()?,
            emails.as_ref().map(arrow::Imported::column).transpose()?,
        )?;
        let rows = batch.len();
        let tokens = held.sign_batch(Ok(batch), max_threads, (has_at != 0).then_some(at))?;
        if !codes_schema.is_null() && !codes_array.is_null() {
            let codes: Vec<(usize, &'static str)> = tokens
                .failures
                .iter()
                .map(|failure| (failure.index, failure.error.kind().code()))
                .collect();
            arrow::export_codes(&codes, rows, codes_schema, codes_array);
        }
        arrow::export_tokens(tokens, rows, tokens_schema, tokens_array);
        Ok(())
    })
}

/// Frees a batch's answer.
///
/// # Safety
/// `text` and `len` are exactly what one batch call returned, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn userhash_lane_free(text: *mut u8, len: usize) {
    if !text.is_null() {
        // SAFETY: the contract: the boxed slice `owned` leaked, with its length.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(text, len)) });
    }
}
