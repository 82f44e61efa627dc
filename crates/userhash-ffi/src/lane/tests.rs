//! The lane's texts, through its C symbols, against the generated exports they stand for.
#![allow(unsafe_code, clippy::unwrap_used)]

use std::ffi::CStr;
use std::sync::Arc;

use super::abi::*;
use crate::{
    Attributes, ConfigBuilder, Enforcement, ErrorCode, Gate, Identity, Keyring, Payload,
    PayloadSigner, Scheme, Signer, UserHashError, VendorFailures, Verifier,
};

fn read(answer: *const std::ffi::c_char) -> String {
    // SAFETY: the lane's answer is NUL-terminated and valid until this thread's next call.
    unsafe { CStr::from_ptr(answer) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn signer(scheme: &str) -> Arc<Signer> {
    Signer::new(Scheme::by_name(scheme.into()).unwrap(), "5ec2e7".into()).unwrap()
}

fn verifier(scheme: &str) -> Arc<Verifier> {
    let keyring = Keyring::new(Scheme::by_name(scheme.into()).unwrap())
        .unwrap()
        .with_key("ios".into(), "other".into())
        .unwrap()
        .with_key("web".into(), "5ec2e7".into())
        .unwrap();
    Verifier::new(keyring, None).unwrap()
}

/// A field as the lane's (pointer, length), null for absent.
fn arg(text: Option<&str>) -> (*const u8, usize) {
    text.map_or((std::ptr::null(), 0), |text| (text.as_ptr(), text.len()))
}

#[test]
fn sign_answers_the_generated_token_or_its_failure() {
    let signer = signer("intercom");
    let handle = signer.clone().lane_handle().unwrap();
    for (user_id, email) in [
        (Some("42"), None),
        (None, Some("ada@example.com")),
        (Some(""), None),
        (None, None),
    ] {
        let ((u, ul), (e, el)) = (arg(user_id), arg(email));
        // SAFETY: a live handle and borrowed strings.
        let answer = read(unsafe { userhash_lane_sign(handle, u, ul, e, el) });
        let generated = signer.sign(Identity {
            user_id: user_id.map(str::to_owned),
            email: email.map(str::to_owned),
        });
        match generated {
            Ok(token) => assert_eq!(answer, token),
            Err(error) => {
                assert!(answer.starts_with('!'), "{answer}");
                assert!(answer.ends_with(&format!(" {error}")), "{answer}");
            }
        }
    }
    // Bytes that are not UTF-8 have their own code.
    // SAFETY: as above.
    let answer =
        read(unsafe { userhash_lane_sign(handle, b"\xff".as_ptr(), 1, std::ptr::null(), 0) });
    assert!(answer.starts_with("!not_utf8 "), "{answer}");
    // A handle of another kind is refused, not misread.
    let verifier_handle = verifier("intercom").lane_handle().unwrap();
    // SAFETY: a live handle (of the wrong kind, which the lane checks).
    let answer = read(unsafe {
        userhash_lane_sign(verifier_handle, b"42".as_ptr(), 2, std::ptr::null(), 0)
    });
    assert!(answer.starts_with("!lane_misuse "), "{answer}");
    // SAFETY: released once each.
    unsafe {
        userhash_lane_release(handle);
        userhash_lane_release(verifier_handle);
    }
}

#[test]
fn verify_and_check_answer_the_generated_records() {
    let verifier = verifier("jimo");
    let token = signer("jimo")
        .sign_at(
            Identity {
                user_id: Some("42".into()),
                email: None,
            },
            1_741_761_604,
        )
        .unwrap();
    let handle = verifier.clone().lane_handle().unwrap();
    let (u, ul) = arg(Some("42"));
    let (t, tl) = arg(Some(&token));
    // SAFETY: a live handle and borrowed strings.
    let answer = read(unsafe {
        userhash_lane_verify(
            handle,
            u,
            ul,
            std::ptr::null(),
            0,
            t,
            tl,
            std::ptr::null(),
            0,
            1_741_761_700,
            1,
        )
    });
    let verified = verifier
        .verify_at(
            Identity {
                user_id: Some("42".into()),
                email: None,
            },
            token.clone(),
            1_741_761_700,
            None,
        )
        .unwrap();
    assert_eq!(
        answer,
        format!("web\n{}\n1741761604\n0\n-\n-\n-\n", verified.fingerprint)
    );
    // Expired: the generated error's code and message.
    // SAFETY: as above.
    let answer = read(unsafe {
        userhash_lane_verify(
            handle,
            u,
            ul,
            std::ptr::null(),
            0,
            t,
            tl,
            std::ptr::null(),
            0,
            1_741_761_604 + 7200,
            1,
        )
    });
    assert!(
        answer.starts_with("!expired the token is genuine but 7200 s old"),
        "{answer}"
    );

    let gate = Gate::new(verifier, Enforcement::Enforce).unwrap();
    let gate_handle = gate.clone().lane_handle().unwrap();
    let (l, ll) = arg(Some("ios"));
    // SAFETY: as above.
    let answer = read(unsafe {
        userhash_lane_check(
            gate_handle,
            u,
            ul,
            std::ptr::null(),
            0,
            t,
            tl,
            l,
            ll,
            1_741_761_700,
            1,
        )
    });
    assert_eq!(
        answer,
        "0\n1\ninvalid\nenforce\n\nmismatch\n0\n-\n-\n81\nthe token does not match this identity under any key tried; `explain` can say why"
    );
    // SAFETY: as above; no token is a missing one.
    let answer = read(unsafe {
        userhash_lane_check(
            gate_handle,
            u,
            ul,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            0,
            0,
        )
    });
    assert_eq!(answer, "0\n1\nmissing\nenforce\n\n\n0\n-\n-\n-\n");
    // SAFETY: released once each.
    unsafe {
        userhash_lane_release(handle);
        userhash_lane_release(gate_handle);
    }
}

#[test]
fn packed_batches_answer_tokens_then_failures() {
    let signer = signer("intercom");
    let handle = signer.clone().lane_handle().unwrap();
    let lines = b"42\n\nada";
    let mut len = 0usize;
    // SAFETY: a live handle, a borrowed buffer and a writable length.
    let text = unsafe {
        userhash_lane_sign_lines(handle, 0, lines.as_ptr(), lines.len(), 3, 0, 0, 0, &mut len)
    };
    // SAFETY: the answer's buffer and length, read then freed once.
    let answer = unsafe { std::slice::from_raw_parts(text, len) }.to_vec();
    unsafe { userhash_lane_free(text, len) };
    let sign = |id: &str| {
        signer
            .sign(Identity {
                user_id: Some(id.into()),
                email: None,
            })
            .unwrap()
    };
    assert_eq!(
        String::from_utf8(answer).unwrap(),
        format!(
            "{}\n\n{}\n!1 empty_field the user_id is empty; pass no user_id at all rather than an empty one\n",
            sign("42"),
            sign("ada")
        )
    );
    // A huge count is refused before anything is allocated (issue 14 item 7).
    // SAFETY: as above.
    let text = unsafe {
        userhash_lane_sign_lines(
            handle,
            2,
            lines.as_ptr(),
            lines.len(),
            u64::MAX,
            0,
            0,
            0,
            &mut len,
        )
    };
    let answer =
        String::from_utf8(unsafe { std::slice::from_raw_parts(text, len) }.to_vec()).unwrap();
    unsafe { userhash_lane_free(text, len) };
    assert!(answer.starts_with("!malformed_batch "), "{answer}");
    // SAFETY: released once.
    unsafe { userhash_lane_release(handle) };
}

#[test]
fn generated_calls_are_counted_and_lane_calls_are_not() {
    let signer = signer("intercom");
    let handle = signer.clone().lane_handle().unwrap();
    let before = userhash_lane_generated_calls();
    // SAFETY: a live handle and a borrowed string.
    let _ = read(unsafe { userhash_lane_sign(handle, b"42".as_ptr(), 2, std::ptr::null(), 0) });
    let after_lane = userhash_lane_generated_calls();
    signer.fingerprint().unwrap();
    // Other tests run in parallel and may count too: only growth is certain.
    assert!(userhash_lane_generated_calls() > after_lane.max(before));
    // SAFETY: released once.
    unsafe { userhash_lane_release(handle) };
    assert_eq!(userhash_lane_version(), 4);
}

/// The packed protocol's shared vectors (testdata/vectors/packed/lane-v1.json): the bytes every
/// encoder makes decode to the vector's items, and the lane's answer gives each item's outcome.
#[test]
fn the_packed_protocol_vectors() {
    let vectors: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../testdata/vectors/packed/lane-v1.json"
    ))
    .unwrap();
    assert_eq!(vectors["protocol"], 1);
    let cases = vectors["cases"].as_array().unwrap().iter();
    let raw = vectors["raw"].as_array().unwrap().iter();
    let mut checked = 0;
    for case in cases.chain(raw) {
        let id = case["id"].as_str().unwrap();
        let signer = Signer::new(
            Scheme::by_name(case["scheme"].as_str().unwrap().into()).unwrap(),
            case["secret"].as_str().unwrap().into(),
        )
        .unwrap();
        let handle = signer.lane_handle().unwrap();
        let at = case["at"].as_u64();
        let field_code = u32::try_from(case["field_code"].as_u64().unwrap()).unwrap();
        let mut layouts = vec![(
            hex::decode(case["data_hex"].as_str().unwrap()).unwrap(),
            Some(hex::decode(case["lengths_hex"].as_str().unwrap()).unwrap()),
        )];
        if let Some(lines) = case["lines_hex"].as_str() {
            layouts.push((hex::decode(lines).unwrap(), None));
        }
        let count = case["items"]
            .as_array()
            .map_or(0, Vec::len)
            .max(case["expect"].as_array().map_or(0, Vec::len));
        for (data, lengths) in layouts {
            let mut len = 0usize;
            // SAFETY: a live handle, borrowed buffers and a writable length.
            let text = unsafe {
                match &lengths {
                    Some(lengths) => userhash_lane_sign_packed(
                        handle,
                        field_code,
                        data.as_ptr(),
                        data.len(),
                        lengths.as_ptr(),
                        lengths.len(),
                        0,
                        at.unwrap_or(0),
                        u32::from(at.is_some()),
                        &mut len,
                    ),
                    None => userhash_lane_sign_lines(
                        handle,
                        field_code,
                        data.as_ptr(),
                        data.len(),
                        count as u64,
                        0,
                        at.unwrap_or(0),
                        u32::from(at.is_some()),
                        &mut len,
                    ),
                }
            };
            // SAFETY: the answer's buffer and length, read then freed once.
            let answer =
                String::from_utf8(unsafe { std::slice::from_raw_parts(text, len) }.to_vec())
                    .unwrap();
            unsafe { userhash_lane_free(text, len) };
            let got = decode(&answer, count);
            assert_eq!(got, case["expect"], "{id} ({answer:?})");
            checked += 1;
        }
        // SAFETY: released once.
        unsafe { userhash_lane_release(handle) };
    }
    assert!(checked > 40, "{checked}");
}

/// A batch answer as the vectors state outcomes: per item `{"token"}` or `{"error"}`, or one
/// `{"error"}` for a whole-call failure.
fn decode(answer: &str, count: usize) -> serde_json::Value {
    if answer.starts_with('!') && !answer[1..].starts_with(|c: char| c.is_ascii_digit()) {
        let code = answer[1..].split(' ').next().unwrap();
        return serde_json::json!({ "error": code });
    }
    let lines: Vec<&str> = answer.split_terminator('\n').collect();
    let mut items: Vec<serde_json::Value> = lines[..count]
        .iter()
        .map(|token| serde_json::json!({ "token": token }))
        .collect();
    for failure in &lines[count..] {
        let mut parts = failure[1..].splitn(3, ' ');
        let index: usize = parts.next().unwrap().parse().unwrap();
        items[index] = serde_json::json!({ "error": parts.next().unwrap() });
    }
    serde_json::Value::Array(items)
}

/// A small call's whole answer: through the NUL-terminated text, or `userhash_lane_answer` when
/// the text holds a NUL (the answer is then `?`).
fn whole(answer: *const std::ffi::c_char) -> Vec<u8> {
    // SAFETY: the lane's answer is NUL-terminated and valid until this thread's next call.
    let text = unsafe { CStr::from_ptr(answer) }.to_bytes().to_vec();
    if text != b"?" {
        return text;
    }
    let mut len = 0usize;
    // SAFETY: this thread's last answer, with its length.
    let whole = unsafe { userhash_lane_answer(&mut len) };
    unsafe { std::slice::from_raw_parts(whole, len) }.to_vec()
}

/// A lane text's fields from `at` on: `-` for none, or a byte length, a newline and the bytes.
fn fields(text: &[u8], mut at: usize) -> Vec<Option<String>> {
    let mut fields = Vec::new();
    while at < text.len() {
        let end = at + text[at..].iter().position(|&byte| byte == b'\n').unwrap();
        let head = std::str::from_utf8(&text[at..end]).unwrap();
        if head == "-" {
            fields.push(None);
            at = end + 1;
        } else {
            let length: usize = head.parse().unwrap();
            fields.push(Some(
                String::from_utf8(text[end + 1..end + 1 + length].to_vec()).unwrap(),
            ));
            at = end + 1 + length;
        }
    }
    fields
}

/// The payload the generated export makes, written as the lane's text reads back: (complete,
/// JSON, platform, one row of eight fields per entry).
type PayloadParts = (bool, String, String, Vec<Vec<Option<String>>>);

fn parts_of_generated(payload: &Payload) -> PayloadParts {
    let rows = payload
        .entries()
        .unwrap()
        .into_iter()
        .map(|entry| {
            vec![
                Some(entry.vendor),
                Some(entry.scheme),
                Some(entry.payload_key),
                entry.token,
                entry.user_id,
                entry.email,
                entry
                    .error_code
                    .map(|code| ErrorCode::name(code).to_owned()),
                entry.error_message,
            ]
        })
        .collect();
    (
        payload.is_complete().unwrap(),
        payload.to_json().unwrap(),
        payload.platform().unwrap(),
        rows,
    )
}

fn parts_of_text(text: &[u8]) -> PayloadParts {
    let mut lines = text.splitn(3, |&byte| byte == b'\n');
    let complete = lines.next().unwrap() == b"1";
    let count: usize = std::str::from_utf8(lines.next().unwrap())
        .unwrap()
        .parse()
        .unwrap();
    let rest = lines.next().unwrap();
    let mut fields = fields(rest, 0).into_iter();
    let json = fields.next().unwrap().unwrap();
    let platform = fields.next().unwrap().unwrap();
    let rows: Vec<Vec<Option<String>>> = fields
        .collect::<Vec<_>>()
        .chunks(8)
        .map(<[_]>::to_vec)
        .collect();
    assert_eq!(rows.len(), count);
    assert!(rows.iter().all(|row| row.len() == 8));
    (complete, json, platform, rows)
}

fn payload_signer() -> Arc<PayloadSigner> {
    let text = |value: &str| value.to_owned();
    ConfigBuilder::new(false)
        .vendor(
            text("acme"),
            text("prod"),
            text("intercom"),
            text("intercom"),
        )
        .and_then(|b| b.key_secret(text("web"), text("intercom-web")))
        .and_then(|b| b.key_secret(text("ios"), text("intercom-ios")))
        .and_then(|b| b.vendor(text("acme"), text("prod"), text("zendesk"), text("zendesk")))
        .and_then(|b| b.key_secret(text("messaging"), text("zendesk-secret")))
        .and_then(|b| b.key_id(text("messaging"), text("app_64b6d9f0d7ab2e0001cd4e34")))
        .and_then(|b| b.all_platforms(text("messaging")))
        .and_then(|b| b.vendor(text("acme"), text("prod"), text("crisp"), text("crisp")))
        .and_then(|b| b.key_secret(text("web"), text("crisp-web")))
        .and_then(|b| b.build())
        .and_then(|config| config.payload_signer(text("acme"), text("prod")))
        .unwrap()
}

#[test]
fn payload_answers_the_generated_payload() {
    let signer = payload_signer();
    let handle = signer.clone().lane_handle().unwrap();
    let attributes = Attributes {
        name: Some("Ada \"Lovelace\"".into()),
        email_verified: Some(true),
        account_id: Some("acct-1".into()),
        nonce: None,
        expires_in: Some(600),
        extra_claims: None,
    };
    let identities = [
        (Some("42"), Some("ada@example.com")),
        (Some("42"), None),
        (Some("nul\0inside"), Some("new\nline@example.com")),
        (None, None),
        (Some(""), Some("ada@example.com")),
    ];
    for (user_id, email) in identities {
        for platform in ["web", "ios", "tv"] {
            for (attributes, failures) in [
                (None, VendorFailures::Report),
                (Some(attributes.clone()), VendorFailures::Report),
                (None, VendorFailures::Raise),
            ] {
                let identity = Identity {
                    user_id: user_id.map(str::to_owned),
                    email: email.map(str::to_owned),
                };
                let generated = signer.payload(
                    identity,
                    platform.to_owned(),
                    attributes.clone(),
                    Some(1_760_000_000),
                    Some(failures),
                );
                let ((u, ul), (e, el), (p, pl)) = (arg(user_id), arg(email), arg(Some(platform)));
                let given = attributes.clone().unwrap_or_default();
                let ((n, nl), (a, al)) =
                    (arg(given.name.as_deref()), arg(given.account_id.as_deref()));
                let verified = given
                    .email_verified
                    .map_or(0, |verified| 1 + u32::from(verified));
                let (expires_in, has_expires_in) = given.expires_in.map_or((0, 0), |s| (s, 1));
                let raise = u32::from(failures == VendorFailures::Raise);
                // SAFETY: a live handle and borrowed strings.
                let answer = whole(unsafe {
                    userhash_lane_payload(
                        handle,
                        u,
                        ul,
                        e,
                        el,
                        p,
                        pl,
                        n,
                        nl,
                        a,
                        al,
                        std::ptr::null(),
                        0,
                        std::ptr::null(),
                        0,
                        verified,
                        expires_in,
                        has_expires_in,
                        1_760_000_000,
                        1,
                        raise,
                    )
                });
                let case = format!("{user_id:?} {email:?} {platform} {failures:?}");
                match generated {
                    Ok(payload) => {
                        assert_eq!(
                            parts_of_text(&answer),
                            parts_of_generated(&payload),
                            "{case}"
                        );
                    }
                    Err(error) => {
                        let text = String::from_utf8(answer).unwrap();
                        let code = text[1..].split(' ').next().unwrap().to_owned();
                        assert_eq!(format!("!{code} {error}"), text, "{case}");
                    }
                }
            }
        }
    }
    // The unknown-vendor error is the generated `entry`'s, code and message.
    let payload = signer
        .payload(
            Identity {
                user_id: Some("42".into()),
                email: None,
            },
            "web".into(),
            None,
            Some(1),
            None,
        )
        .unwrap();
    let Err(UserHashError::ConfigUnknownVendor(message)) = payload.entry("pylon".into()) else {
        panic!("no unknown-vendor error");
    };
    // SAFETY: as above.
    let answer =
        whole(unsafe { userhash_lane_payload_unknown_vendor(handle, b"pylon".as_ptr(), 5) });
    assert_eq!(
        String::from_utf8(answer).unwrap(),
        format!("!config_unknown_vendor {message}")
    );
    // Another kind of handle is refused.
    let sign_handle = super::handle(super::Held::Signer(self::signer("intercom")));
    // SAFETY: as above.
    let answer =
        whole(unsafe { userhash_lane_payload_unknown_vendor(sign_handle, b"x".as_ptr(), 1) });
    assert!(answer.starts_with(b"!lane_misuse "));
    // SAFETY: released once each.
    unsafe {
        userhash_lane_release(handle);
        userhash_lane_release(sign_handle);
    }
}

#[test]
fn a_text_holding_a_nul_is_fetched_whole() {
    let signer = payload_signer();
    let handle = signer.lane_handle().unwrap();
    let (u, ul) = arg(Some("nul\0inside"));
    let (p, pl) = arg(Some("web"));
    // SAFETY: a live handle and borrowed strings.
    let answer = unsafe {
        userhash_lane_payload(
            handle,
            u,
            ul,
            std::ptr::null(),
            0,
            p,
            pl,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            0,
            0,
            0,
            7,
            1,
            0,
        )
    };
    // SAFETY: NUL-terminated, as every answer.
    assert_eq!(unsafe { CStr::from_ptr(answer) }.to_bytes(), b"?");
    let text = whole(answer);
    assert!(
        text.windows(10).any(|window| window == b"nul\0inside"),
        "{text:?}"
    );
    // SAFETY: released once.
    unsafe { userhash_lane_release(handle) };
}

/// An Arrow string column made by hand, as a producer exports it: the test keeps the buffers.
struct Exported {
    schema: super::arrow::ArrowSchema,
    array: super::arrow::ArrowArray,
    _buffers: Vec<Vec<u8>>,
    _pointers: Box<[*const std::ffi::c_void]>,
}

unsafe extern "C" fn keep_schema(_: *mut super::arrow::ArrowSchema) {}
unsafe extern "C" fn keep_array(_: *mut super::arrow::ArrowArray) {}

/// A column of `format` over `buffers` (the first, the validity, may be empty for none).
fn column(format: &'static CStr, buffers: Vec<Vec<u8>>, offset: i64, length: i64) -> Exported {
    use super::arrow::{ArrowArray, ArrowSchema};
    let mut pointers: Box<[*const std::ffi::c_void]> = buffers
        .iter()
        .map(|buffer| {
            if buffer.is_empty() {
                std::ptr::null()
            } else {
                buffer.as_ptr().cast()
            }
        })
        .collect();
    let null_count = i64::from(!buffers[0].is_empty());
    Exported {
        schema: ArrowSchema {
            format: format.as_ptr(),
            name: std::ptr::null(),
            metadata: std::ptr::null(),
            flags: 2,
            n_children: 0,
            children: std::ptr::null_mut(),
            dictionary: std::ptr::null_mut(),
            release: Some(keep_schema),
            private_data: std::ptr::null_mut(),
        },
        array: ArrowArray {
            length,
            null_count,
            offset,
            n_buffers: i64::try_from(buffers.len()).unwrap(),
            n_children: 0,
            buffers: pointers.as_mut_ptr(),
            children: std::ptr::null_mut(),
            dictionary: std::ptr::null_mut(),
            release: Some(keep_array),
            private_data: std::ptr::null_mut(),
        },
        _buffers: buffers,
        _pointers: pointers,
    }
}

fn utf8_column(values: &[Option<&str>], offset: i64) -> Exported {
    let mut offsets = vec![0i32];
    let mut data = Vec::new();
    let mut validity = vec![0u8; values.len().div_ceil(8)];
    for (row, value) in values.iter().enumerate() {
        if let Some(value) = value {
            data.extend_from_slice(value.as_bytes());
            validity[row / 8] |= 1 << (row % 8);
        }
        offsets.push(i32::try_from(data.len()).unwrap());
    }
    let offsets = offsets.iter().flat_map(|o| o.to_ne_bytes()).collect();
    let length = i64::try_from(values.len()).unwrap() - offset;
    column(c"u", vec![validity, offsets, data], offset, length)
}

/// Reads an exported string column back (as the lane wrote it: offset 0) and releases it.
fn read_column(
    schema: &mut super::arrow::ArrowSchema,
    array: &mut super::arrow::ArrowArray,
) -> Vec<Option<String>> {
    // SAFETY: the lane wrote a utf8 column with three buffers.
    let values = unsafe {
        assert_eq!(CStr::from_ptr(schema.format).to_bytes(), b"u");
        let length = usize::try_from(array.length).unwrap();
        let buffers = std::slice::from_raw_parts(array.buffers, 3);
        let offsets = std::slice::from_raw_parts(buffers[1].cast::<i32>(), length + 1);
        let data = std::slice::from_raw_parts(
            buffers[2].cast::<u8>(),
            usize::try_from(offsets[length]).unwrap(),
        );
        let mut nulls = 0;
        let values: Vec<Option<String>> = (0..length)
            .map(|row| {
                let valid = buffers[0].is_null()
                    || *buffers[0].cast::<u8>().add(row / 8) >> (row % 8) & 1 == 1;
                nulls += usize::from(!valid);
                let (start, end) = (offsets[row] as usize, offsets[row + 1] as usize);
                valid.then(|| String::from_utf8(data[start..end].to_vec()).unwrap())
            })
            .collect();
        assert_eq!(array.null_count, i64::try_from(nulls).unwrap());
        (array.release.unwrap())(array);
        (schema.release.unwrap())(schema);
        values
    };
    assert!(array.release.is_none() && schema.release.is_none());
    values
}

#[test]
fn arrow_columns_sign_in_place_with_nulls_slices_and_codes() {
    use super::arrow::{ArrowArray, ArrowSchema};
    let signer = signer("helpshift");
    let handle = signer.clone().lane_handle().unwrap();
    let ids = utf8_column(&[Some("skip"), Some("42"), None, Some("7"), Some("")], 1);
    let emails = utf8_column(&[None, Some("a@x"), None, None, Some("b@y")], 1);
    // SAFETY: the structs are only written by the lane.
    let mut out: (ArrowSchema, ArrowArray, ArrowSchema, ArrowArray) = unsafe { std::mem::zeroed() };
    // Both columns, codes asked for: the call every case but the views' makes.
    let sign_both =
        |user_ids: &Exported,
         emails: &Exported,
         out: &mut (ArrowSchema, ArrowArray, ArrowSchema, ArrowArray)| {
            // SAFETY: live columns, writable outputs.
            read(unsafe {
                userhash_lane_sign_arrow(
                    handle,
                    &user_ids.schema,
                    &user_ids.array,
                    &emails.schema,
                    &emails.array,
                    0,
                    0,
                    0,
                    &mut out.0,
                    &mut out.1,
                    &mut out.2,
                    &mut out.3,
                )
            })
        };
    assert_eq!(sign_both(&ids, &emails, &mut out), "");
    let expected = |user_id: Option<&str>, email: Option<&str>| {
        signer
            .sign(Identity {
                user_id: user_id.map(str::to_owned),
                email: email.map(str::to_owned),
            })
            .ok()
    };
    let tokens = read_column(&mut out.0, &mut out.1);
    assert_eq!(
        tokens,
        [
            expected(Some("42"), Some("a@x")),
            None,
            expected(Some("7"), None),
            expected(Some(""), Some("b@y")),
        ]
    );
    let codes = read_column(&mut out.2, &mut out.3);
    let codes: Vec<Option<&str>> = codes.iter().map(Option::as_deref).collect();
    assert_eq!(
        codes,
        [None, Some("unidentified"), None, Some("empty_field")]
    );

    // Views (Polars' layout): one inline value, one in a data buffer.
    let long = "a user id longer than twelve bytes";
    let mut views = Vec::new();
    for value in ["short", long] {
        let mut view = [0u8; 16];
        view[..4].copy_from_slice(&i32::try_from(value.len()).unwrap().to_ne_bytes());
        if value.len() <= 12 {
            view[4..4 + value.len()].copy_from_slice(value.as_bytes());
        } else {
            view[4..8].copy_from_slice(&value.as_bytes()[..4]);
        }
        views.extend_from_slice(&view);
    }
    let sizes = i64::try_from(long.len()).unwrap().to_ne_bytes().to_vec();
    let viewed = column(
        c"vu",
        vec![vec![], views, long.as_bytes().to_vec(), sizes],
        0,
        2,
    );
    // SAFETY: as above; no codes asked for.
    let answer = read(unsafe {
        userhash_lane_sign_arrow(
            handle,
            &viewed.schema,
            &viewed.array,
            std::ptr::null(),
            std::ptr::null(),
            1,
            0,
            0,
            &mut out.0,
            &mut out.1,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    });
    assert_eq!(answer, "");
    assert_eq!(
        read_column(&mut out.0, &mut out.1),
        [expected(Some("short"), None), expected(Some(long), None)]
    );

    // Binary is refused whole, with its own code; so are other types, unequal lengths and broken
    // columns.
    let binary = utf8_column(&[Some("42")], 0);
    let binary = column(c"z", binary._buffers, 0, 1);
    let other = column(c"l", vec![vec![], vec![0; 8]], 0, 1);
    // Producers that break the interface's rules in ways the lane can see without reading past
    // a buffer: a released column, a null count without a bitmap, no data buffer, offsets that
    // decrease.
    let mut released = utf8_column(&[Some("42")], 0);
    released.schema.release = None;
    let mut uncounted = utf8_column(&[Some("42")], 0);
    uncounted._pointers[0] = std::ptr::null();
    uncounted.array.null_count = 1;
    let mut no_data = utf8_column(&[Some("42")], 0);
    no_data._pointers[2] = std::ptr::null();
    let decreasing: Vec<u8> = [0i32, 3, 1].iter().flat_map(|o| o.to_ne_bytes()).collect();
    let decreasing = column(c"u", vec![vec![], decreasing, b"abc".to_vec()], 0, 2);
    let cases: [(&Exported, &Exported, &str); 7] = [
        (
            &binary,
            &binary,
            "!not_utf8 |the user_id column is Arrow binary",
        ),
        (
            &other,
            &other,
            "!malformed_batch |the user_id column has the Arrow type \"l\"",
        ),
        (
            &ids,
            &utf8_column(&[Some("x")], 0),
            "!malformed_batch |4 user ids and 1 emails",
        ),
        (&released, &released, "!malformed_batch |already released"),
        (
            &uncounted,
            &uncounted,
            "!malformed_batch |counts nulls but has no validity",
        ),
        (
            &no_data,
            &no_data,
            "!malformed_batch |lacks a buffer of 2 bytes",
        ),
        (
            &decreasing,
            &decreasing,
            "!malformed_batch |offset 1 is negative, decreasing or past",
        ),
    ];
    for (user_ids, emails, failure) in cases {
        let answer = sign_both(user_ids, emails, &mut out);
        let (code, message) = failure.split_once('|').unwrap();
        assert!(
            answer.starts_with(code) && answer.contains(message),
            "{answer}"
        );
    }
    // SAFETY: released once.
    unsafe { userhash_lane_release(handle) };
}
