//! Packed batches through the public API: every item signs as `sign_at` would at the batch's
//! one time, bad items fail alone with their own code, and malformed buffers are refused with
//! `malformed_batch` before anything is read or allocated.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use userhash::{
    ABSENT_LENGTH, BatchFields, BatchOptions, Column, ErrorKind, Identity, PackedBatch, Scheme,
    Secret, Signer,
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

#[test]
fn columns_sign_as_sign_does_with_nulls_as_absent_fields() {
    // Arrow's layouts (issue 21): a slice of two 32-bit-offset columns, the second with nulls.
    let helpshift = signer("helpshift");
    let ids: Vec<String> = (0..6000).map(|i| format!("user-{i}")).collect();
    let emails: Vec<String> = (0..6000).map(|i| format!("u{i}@example.com")).collect();
    let column_of = |values: &[String]| {
        let mut offsets = vec![0i32];
        let mut data = Vec::new();
        for value in values {
            data.extend_from_slice(value.as_bytes());
            offsets.push(i32::try_from(data.len()).unwrap());
        }
        let offsets: Vec<u8> = offsets.iter().flat_map(|o| o.to_ne_bytes()).collect();
        (offsets, data)
    };
    let (id_offsets, id_data) = column_of(&ids);
    let (email_offsets, email_data) = column_of(&emails);
    // Every third email null, from a bitmap whose first bit is item 0 of the buffers.
    let validity: Vec<u8> = (0..6000usize.div_ceil(8))
        .map(|byte| {
            (0..8).fold(0u8, |bits, bit| {
                bits | u8::from((byte * 8 + bit) % 3 != 0) << bit
            })
        })
        .collect();
    let (offset, len) = (7, 5000);
    let user_ids = Column::with_offsets32(&id_offsets, &id_data, None, offset, len).unwrap();
    let email_column =
        Column::with_offsets32(&email_offsets, &email_data, Some(&validity), offset, len).unwrap();
    let batch = PackedBatch::from_columns(Some(user_ids), Some(email_column)).unwrap();
    assert_eq!(batch.fields(), BatchFields::UserIdAndEmail);
    let tokens = helpshift
        .sign_packed(&batch, BatchOptions::default())
        .unwrap();
    assert!(tokens.failures.is_empty());
    for (index, line) in tokens.lines.lines().enumerate() {
        let item = offset + index;
        let mut identity = Identity::from_user_id(ids[item].clone());
        if item % 3 != 0 {
            identity = identity.with_email(emails[item].clone());
        }
        assert_eq!(Ok(line.to_owned()), helpshift.sign(&identity), "{item}");
    }
    // One column alone; a null then leaves the item unidentified.
    let emails_only =
        Column::with_offsets32(&email_offsets, &email_data, Some(&validity), 0, 6).unwrap();
    let batch = PackedBatch::from_columns(None, Some(emails_only)).unwrap();
    let tokens = signer("help-scout")
        .sign_packed(&batch, BatchOptions::default())
        .unwrap();
    let failed: Vec<_> = tokens
        .failures
        .iter()
        .map(|f| (f.index, f.error.kind()))
        .collect();
    assert_eq!(
        failed,
        [(0, ErrorKind::Unidentified), (3, ErrorKind::Unidentified)]
    );
    // Columns of different lengths, or none, are not a batch.
    let short = Column::with_offsets32(&id_offsets, &id_data, None, 0, 3).unwrap();
    let error = PackedBatch::from_columns(Some(short), Some(emails_only)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::MalformedBatch);
    assert_eq!(
        PackedBatch::from_columns(None, None).unwrap_err().kind(),
        ErrorKind::MalformedBatch
    );
}
