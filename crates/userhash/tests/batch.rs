//! Packed batches through the public API: every item signs as `sign_at` would at the batch's
//! one time, bad items fail alone with their own code, and malformed buffers are refused with
//! `malformed_batch` before anything is read or allocated.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use userhash::{
    ABSENT_LENGTH, BatchFields, BatchOptions, ErrorKind, Identity, PackedBatch, Scheme, Secret,
    Signer,
};

fn signer(scheme: &str) -> Signer {
    let scheme = Scheme::by_name(scheme).unwrap();
    let secret = Secret::for_scheme(&scheme, "5ec2e7").unwrap();
    Signer::new(scheme, &secret)
}

/// An item as (user id, email) bytes; `None` is absent.
type Item<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

/// `(user id, email)` pairs packed in the lengths layout.
fn pack(items: &[Item<'_>]) -> (Vec<u8>, Vec<u8>) {
    let mut data = Vec::new();
    let mut lengths = Vec::new();
    for &(user_id, email) in items {
        for field in [user_id, email] {
            let length = field.map_or(ABSENT_LENGTH, |bytes| {
                data.extend_from_slice(bytes);
                u32::try_from(bytes.len()).unwrap()
            });
            lengths.extend_from_slice(&length.to_le_bytes());
        }
    }
    (data, lengths)
}

#[test]
fn a_batch_carries_one_time_and_signs_as_sign_at() {
    // Issue 14 item 12: every batch path reads the clock once per call (or takes `at`).
    let jimo = signer("jimo");
    let ids: Vec<String> = (0..5000).map(|i| format!("user-{i}")).collect();
    let items: Vec<_> = ids.iter().map(|id| (Some(id.as_bytes()), None)).collect();
    let (data, lengths) = pack(&items);
    let batch = PackedBatch::from_lengths(BatchFields::UserIdAndEmail, &data, &lengths).unwrap();
    let at = Some(1_741_761_604);
    let tokens = jimo.sign_packed(&batch, BatchOptions::new(0, at)).unwrap();
    assert!(tokens.failures.is_empty());
    for (id, line) in ids.iter().zip(tokens.lines.lines()) {
        assert_eq!(
            line,
            jimo.sign_at(&Identity::from_user_id(id.clone()), 1_741_761_604)
                .unwrap()
        );
    }
    // Without `at`, the clock is read once: every token carries the same time.
    let now = jimo.sign_packed(&batch, BatchOptions::default()).unwrap();
    let times: std::collections::BTreeSet<&str> = now
        .lines
        .lines()
        .map(|line| line.rsplit_once('-').unwrap().1)
        .collect();
    assert_eq!(times.len(), 1, "{times:?}");
    // A time for a scheme without one is refused, as `sign_at` refuses it.
    let intercom = signer("intercom");
    let error = intercom
        .sign_packed(&batch, BatchOptions::new(0, at))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TimestampNotApplicable);
    assert_eq!(intercom.batch_time(None), Ok(None));
}

#[test]
fn bytes_that_are_not_utf8_have_their_own_code() {
    // Issue 14 item 13: not `missing_field`.
    let (data, lengths) = pack(&[(Some(b"ok"), None), (Some(b"\xff\xfe"), None)]);
    let batch = PackedBatch::from_lengths(BatchFields::UserIdAndEmail, &data, &lengths).unwrap();
    let tokens = signer("intercom")
        .sign_packed(&batch, BatchOptions::default())
        .unwrap();
    assert_eq!(tokens.failures.len(), 1);
    assert_eq!(tokens.failures[0].index, 1);
    assert_eq!(tokens.failures[0].error.kind(), ErrorKind::NotUtf8);
    assert_eq!(tokens.failures[0].error.kind().code(), "not_utf8");
}

#[test]
fn malformed_buffers_have_their_own_code_and_huge_counts_cost_nothing() {
    // Issue 14 items 7 and 13: a count is checked against the bytes before any allocation
    // (this used to reserve 4 bytes per counted field and abort the process), and the
    // error is `malformed_batch`, not `missing_field`.
    for count in [u64::MAX, u64::from(u32::MAX), 3] {
        let error =
            PackedBatch::from_lines(BatchFields::UserIdAndEmail, b"a\nb", count).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MalformedBatch, "{count}");
    }
    let error =
        PackedBatch::from_lengths(BatchFields::UserId, b"abc", &2u32.to_le_bytes()).unwrap_err();
    assert_eq!(error.kind().code(), "malformed_batch");
}

#[test]
fn large_batches_keep_order_on_every_thread_count() {
    let intercom = signer("intercom");
    let ids: Vec<String> = (0..9000)
        .map(|i| {
            if i % 1000 == 999 {
                String::new()
            } else {
                format!("u{i}")
            }
        })
        .collect();
    let lines = ids.join("\n");
    let batch = PackedBatch::from_lines(BatchFields::UserId, lines.as_bytes(), 9000).unwrap();
    let expected: Vec<_> = ids
        .iter()
        .map(|id| intercom.sign(&Identity::from_user_id(id.clone())))
        .collect();
    for max_threads in [1, 2, 3, 0, usize::MAX] {
        let tokens = intercom
            .sign_packed(&batch, BatchOptions::new(max_threads, None))
            .unwrap();
        let mut got: Vec<_> = tokens.lines.lines().map(|l| Ok(l.to_owned())).collect();
        for failure in &tokens.failures {
            got[failure.index] = Err(failure.error.clone());
        }
        assert_eq!(got, expected, "{max_threads}");
    }
}
