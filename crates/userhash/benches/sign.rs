//! Signing cost against its floor, measured in the same run.
//!
//! An HMAC-SHA256 over an identifier of up to 55 bytes, from precomputed pad states, needs
//! exactly two SHA-256 compressions, the second fed by the first; `floor/two_compressions`
//! measures those alone (and `floor/one_compression` one), and every
//! other figure is read as a ratio to it (`cargo xtask bench` writes the ratios to
//! docs/benchmarks.md). The `hmac` crate with a new key per call is the common hand-written
//! baseline.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{KeyInit, Mac};
use sha2::block_api::compress256;
use userhash::{Identity, Keyring, Scheme, Secret, Signer, Verifier};

const SECRET: &str = "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8";
const USER_ID: &str = "user-4f1c9a2e-7d3b-4c8e-9f01-2b3c4d5e6f70"; // 41 bytes: one block

fn signer(name: &str) -> Signer {
    let scheme = Scheme::by_name(name).unwrap();
    let secret = Secret::for_scheme(&scheme, SECRET).unwrap();
    Signer::new(scheme, &secret)
}

fn single(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    let block = [0x5au8; 64];
    let state = [0x6a09_e667u32; 8];
    group.bench_function("floor/one_compression", |b| {
        b.iter(|| {
            let mut inner = black_box(state);
            compress256(&mut inner, std::slice::from_ref(black_box(&block)));
            inner
        })
    });
    // HMAC's outer compression absorbs the inner digest, so the two cannot overlap in the CPU:
    // the floor chains them the same way.
    group.bench_function("floor/two_compressions", |b| {
        b.iter(|| {
            let mut inner = black_box(state);
            compress256(&mut inner, std::slice::from_ref(black_box(&block)));
            let mut outer_block = [0u8; 64];
            for (bytes, word) in outer_block.chunks_exact_mut(4).zip(inner) {
                bytes.copy_from_slice(&word.to_be_bytes());
            }
            let mut outer = black_box(state);
            compress256(&mut outer, std::slice::from_ref(&outer_block));
            outer
        })
    });
    group.bench_function("baseline/hmac_crate_new_key_hex", |b| {
        b.iter(|| {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
            mac.update(black_box(USER_ID).as_bytes());
            hex::encode(mac.finalize().into_bytes())
        })
    });
    // The strongest peer: a keyed `Hmac<Sha256>` (its pad states computed once, as a Signer's
    // are) cloned per call, with the hex written into a stack buffer: what a careful hand-written
    // signer does.
    let keyed = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    group.bench_function("baseline/hmac_crate_cloned_key_hex", |b| {
        b.iter(|| {
            let mut mac = black_box(&keyed).clone();
            mac.update(black_box(USER_ID).as_bytes());
            let mut hex = [0u8; 64];
            hex::encode_to_slice(mac.finalize().into_bytes(), &mut hex).unwrap();
            hex
        })
    });
    let intercom = signer("intercom");
    let identity = Identity::from_user_id(USER_ID);
    group.bench_function("userhash/sign", |b| {
        b.iter(|| intercom.sign(black_box(&identity)))
    });
    let mut token = String::with_capacity(128);
    group.bench_function("userhash/sign_into", |b| {
        b.iter(|| intercom.sign_into(black_box(&identity), &mut token))
    });
    let jimo = signer("jimo");
    group.bench_function("userhash/sign_at_timestamped", |b| {
        b.iter(|| jimo.sign_at(black_box(&identity), black_box(1_741_761_604)))
    });
    // Verification of a genuine token under a one-key keyring: the bindings' verify rows are
    // read against it.
    let scheme = Scheme::by_name("intercom").unwrap();
    let keyring = Keyring::new(scheme.clone())
        .with("web", Secret::for_scheme(&scheme, SECRET).unwrap())
        .unwrap();
    let verifier = Verifier::new(keyring).unwrap();
    let token = intercom.sign(&identity).unwrap();
    group.bench_function("userhash/verify", |b| {
        b.iter(|| verifier.verify(black_box(&identity), black_box(&token)))
    });
    group.finish();
}

fn bulk(c: &mut Criterion) {
    const COUNT: usize = 100_000;
    let intercom = signer("intercom");
    let identities: Vec<Identity> = (0..COUNT)
        .map(|i| Identity::from_user_id(format!("user-{i:08}")))
        .collect();
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(COUNT as u64));
    group.sample_size(20);
    group.bench_function("one_thread", |b| {
        b.iter_batched(
            || (),
            |()| intercom.sign_batch_with_threads(&identities, 1),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("all_cores", |b| {
        b.iter_batched(
            || (),
            |()| intercom.sign_batch(&identities),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// What `explain` costs next to the `verify` it follows: the same rejected token (a forgery no
/// known mistake reproduces, so the whole search runs), the same three-key keyring.
fn diagnosis(c: &mut Criterion) {
    let scheme = Scheme::by_name("intercom").unwrap();
    let mut keyring = Keyring::new(scheme.clone());
    for (label, secret) in [
        ("ios", "ios-secret"),
        ("android", "android-secret"),
        ("web", SECRET),
    ] {
        keyring
            .insert(label, Secret::for_scheme(&scheme, secret).unwrap())
            .unwrap();
    }
    let verifier = Verifier::new(keyring).unwrap();
    let identity = Identity::from_user_id(USER_ID).with_email("ada@example.com");
    let forged = "0".repeat(64);
    let mut group = c.benchmark_group("diagnosis");
    group.bench_function("verify_mismatch", |b| {
        b.iter(|| verifier.verify_at(black_box(&identity), black_box(&forged), 0))
    });
    group.bench_function("explain_mismatch", |b| {
        b.iter(|| verifier.explain_at(black_box(&identity), black_box(&forged), None, 0))
    });
    group.finish();
}

criterion_group!(benches, single, bulk, diagnosis);
criterion_main!(benches);
