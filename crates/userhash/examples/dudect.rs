//! A dudect-style statistical timing test of token verification (`cargo xtask timing`).
//!
//! dudect (Reparaz, Balasch and Verbauwhede, "Dude, is my code constant time?", 2017) times an
//! operation on two classes of input, interleaved at random, and applies Welch's t-test to the
//! two timing distributions, raw and cropped at a range of percentiles (large outliers —
//! interrupts, the other tenants of a shared machine — drown small differences; cropping removes
//! them). |t| above 4.5 is the usual threshold for "the classes are distinguishable"; below it,
//! no leak was detected at that sample size (which is evidence, not proof).
//!
//! The classes here are two forgeries of a genuine token for the same identity: one differs in
//! the first hex digit (the MAC's first byte), the other in the last (its last byte). A
//! comparison that stops at the first differing byte rejects the first class sooner; userhash
//! compares with `subtle::ConstantTimeEq` and should show nothing. The control run times the
//! same work — the same MAC, then a naive early-exit comparison written here — and must show a
//! leak, or the tool could not see one.
//!
//! Timing uses `std::time::Instant` (no cycle counter is needed: a verification takes hundreds
//! of nanoseconds, far above the clock's resolution). Nothing here is part of any test's
//! pass/fail: timing on a shared machine is evidence for a person to read.
//!
//! ```text
//! cargo run --release -p userhash --example dudect -- [--samples N] [--seed N]
//! ```

use std::hint::black_box;
use std::time::Instant;

use userhash::{Identity, Keyring, Scheme, Secret, Signer, Verifier};

/// Measurements per run, both classes together, unless `--samples` says otherwise.
const DEFAULT_SAMPLES: usize = 2_000_000;
/// dudect's number of cropping percentiles.
const PERCENTILES: usize = 100;
/// |t| above this is taken as a detected leak (the TVLA threshold dudect's paper uses).
const T_THRESHOLD: f64 = 4.5;
/// A cropped test needs this many measurements per class to count (as dudect's
/// `enough_measurements`).
const ENOUGH: u64 = 10_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut samples = DEFAULT_SAMPLES;
    let mut seed: u64 = 0x5eed_1234_abcd_0001;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--samples" => samples = value.parse()?,
            "--seed" => seed = value.parse()?,
            other => {
                return Err(format!("unknown option {other}; use --samples N, --seed N").into());
            }
        }
    }

    let scheme = Scheme::by_name("intercom")?;
    let secret = Secret::for_scheme(&scheme, "dudect-demo-secret-0123456789")?;
    let keyring = Keyring::new(scheme.clone()).with("web", secret.clone())?;
    let verifier = Verifier::new(keyring)?;
    let signer = Signer::new(scheme, &secret);
    // Many identities, so that the tokens of both classes are drawn from the same distribution:
    // a forgery's characters are public, and verification may take longer on some characters
    // than others (hex decoding branches on them). Over many genuine tokens the edited
    // character is uniformly distributed in both classes, and what differs between the classes
    // is only where the forgery first disagrees with the secret-dependent MAC.
    let mut cases = Vec::with_capacity(IDENTITIES);
    for n in 0..IDENTITIES {
        let identity = Identity::from_user_id(format!("user-{n:06}"));
        let genuine = signer.sign(&identity)?;
        let first = forge(&genuine, 0);
        let last = forge(&genuine, genuine.len() - 1);
        // Both forgeries are well-formed tokens, so both reach the MAC comparison.
        for token in [&first, &last] {
            let rejection = verifier.verify(&identity, token).map_err(|e| e.kind());
            if rejection != Err(userhash::ErrorKind::Mismatch) {
                return Err("a forgery was not rejected as a mismatch".into());
            }
        }
        let genuine = genuine.into_bytes();
        let end = genuine.len() - 1;
        cases.push(Case {
            identity,
            first_digit: [first.as_bytes()[0], genuine[0]],
            last_digit: [genuine[end], last.as_bytes()[end]],
            genuine,
        });
    }

    println!(
        "dudect: {samples} timed verifications per run over {IDENTITIES} identities, classes \
         interleaved at random (seed {seed}); class 0 differs from the genuine token in its \
         first hex digit, class 1 in its last"
    );
    let real = measure(samples, seed, &cases, |identity, token| {
        verifier.verify(identity, token).is_ok()
    });
    report("userhash Verifier::verify (subtle::ConstantTimeEq)", &real);

    let control = measure(samples, seed ^ 0xc0a7_0001, &cases, |identity, token| {
        let expected = signer.sign(identity).unwrap_or_default();
        naive_eq(expected.as_bytes(), token.as_bytes())
    });
    report(
        "control (must leak): the same MAC, then an early-exit comparison",
        &control,
    );

    // Both classes from the same distribution: how large |t| gets on this machine by chance.
    let same: Vec<Case> = cases
        .iter()
        .map(|case| Case {
            identity: case.identity.clone(),
            genuine: case.genuine.clone(),
            first_digit: [case.first_digit[0]; 2],
            last_digit: [case.last_digit[0]; 2],
        })
        .collect();
    let sanity = measure(samples, seed ^ 0xaaaa_0001, &same, |identity, token| {
        verifier.verify(identity, token).is_ok()
    });
    report(
        "A/A sanity (must not leak): Verifier::verify, both classes first-digit forgeries",
        &sanity,
    );
    Ok(())
}

/// Identities the forgeries are made for.
const IDENTITIES: usize = 4096;

/// One identity, its genuine token, and the first and last digits of its two forgeries (class
/// 0, class 1). A forgery is written over a copy of the genuine token, the same two bytes
/// written for both classes: copying each class's token from its own place in memory made two
/// copies of one token time differently (an A/A test showed |t| over 50).
struct Case {
    identity: Identity,
    genuine: Vec<u8>,
    first_digit: [u8; 2],
    last_digit: [u8; 2],
}

/// The token with the hex digit at `index` replaced by another of the same kind (a digit by a
/// digit, a letter by a letter): hex decoding branches on the kind of each character, and that
/// public difference must not be mistaken for a leak in the comparison.
fn forge(token: &str, index: usize) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[index] = match bytes[index] {
        digit @ b'0'..=b'9' => b'0' + (digit - b'0' + 1) % 10,
        letter => b'a' + (letter - b'a' + 1) % 6,
    };
    String::from_utf8(bytes).unwrap_or_default()
}

/// Compares byte by byte and returns at the first difference: the leak the control must show.
fn naive_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for (x, y) in a.iter().zip(b) {
        if black_box(x) != black_box(y) {
            return false;
        }
    }
    true
}

/// One timed measurement: its class and its duration in nanoseconds.
type Measurement = (usize, f64);

/// Times `operation` on a random identity's token of a random class, `samples` times, after a
/// warm-up that is not kept.
fn measure(
    samples: usize,
    seed: u64,
    cases: &[Case],
    operation: impl Fn(&Identity, &str) -> bool,
) -> Vec<Measurement> {
    let mut rng = XorShift(seed.max(1));
    // Classes and identities are drawn before timing starts, as dudect does, so drawing costs
    // nothing inside the timed region.
    let order: Vec<(usize, usize)> = (0..samples)
        .map(|_| {
            let draw = rng.next();
            ((draw & 1) as usize, (draw >> 1) as usize % cases.len())
        })
        .collect();
    // Every measurement reads its token from the same buffer: tokens at different addresses
    // could differ in alignment or cache placement, a difference that is not the code's.
    let mut buffer = Vec::with_capacity(cases[0].genuine.len());
    let mut out = Vec::with_capacity(samples);
    for (i, &(class, case)) in order.iter().enumerate() {
        let case = &cases[case];
        buffer.clear();
        buffer.extend_from_slice(&case.genuine);
        let end = buffer.len() - 1;
        buffer[0] = case.first_digit[class];
        buffer[end] = case.last_digit[class];
        let Ok(token) = std::str::from_utf8(&buffer) else {
            continue;
        };
        let start = Instant::now();
        black_box(operation(black_box(&case.identity), black_box(token)));
        let elapsed = start.elapsed();
        // The first 1% warms caches and branch predictors and is not kept.
        if i >= samples / 100 {
            out.push((class, elapsed.as_nanos() as f64));
        }
    }
    out
}

/// Welch's t-test, accumulated online (Welford) as dudect does.
#[derive(Default, Clone, Copy)]
struct Welch {
    n: [u64; 2],
    mean: [f64; 2],
    m2: [f64; 2],
}

impl Welch {
    fn push(&mut self, class: usize, x: f64) {
        self.n[class] += 1;
        let delta = x - self.mean[class];
        self.mean[class] += delta / self.n[class] as f64;
        self.m2[class] += delta * (x - self.mean[class]);
    }

    fn t(&self) -> f64 {
        let var = |c: usize| self.m2[c] / (self.n[c] as f64 - 1.0);
        let (n0, n1) = (self.n[0] as f64, self.n[1] as f64);
        (self.mean[0] - self.mean[1]) / (var(0) / n0 + var(1) / n1).sqrt()
    }
}

/// The raw test, the tests cropped at dudect's percentiles, and the verdict.
fn report(name: &str, measurements: &[Measurement]) {
    let mut sorted: Vec<f64> = measurements.iter().map(|(_, x)| *x).collect();
    sorted.sort_by(f64::total_cmp);
    // dudect's thresholds: 1 - 0.5^(10 (k + 1) / 100), dense near the top of the distribution.
    let thresholds: Vec<f64> = (0..PERCENTILES)
        .map(|k| {
            let p = 1.0 - 0.5f64.powf(10.0 * (k as f64 + 1.0) / PERCENTILES as f64);
            sorted[((p * sorted.len() as f64) as usize).min(sorted.len() - 1)]
        })
        .collect();
    let mut raw = Welch::default();
    let mut cropped = vec![Welch::default(); PERCENTILES];
    for &(class, x) in measurements {
        raw.push(class, x);
        for (test, threshold) in cropped.iter_mut().zip(&thresholds) {
            if x < *threshold {
                test.push(class, x);
            }
        }
    }
    let (max_k, max_test) = cropped
        .iter()
        .enumerate()
        // A crop below the fastest times has no variance and no t.
        .filter(|(_, test)| test.n[0] >= ENOUGH && test.n[1] >= ENOUGH && test.t().is_finite())
        .max_by(|a, b| a.1.t().abs().total_cmp(&b.1.t().abs()))
        .map_or((0, raw), |(k, test)| (k, *test));
    let max_t = max_test.t().abs().max(raw.t().abs());
    let median = |class: usize| {
        let mut xs: Vec<f64> = measurements
            .iter()
            .filter(|(c, _)| *c == class)
            .map(|(_, x)| *x)
            .collect();
        xs.sort_by(f64::total_cmp);
        xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
    };
    println!("\n{name}");
    println!(
        "  measurements: {} (class 0: {}, class 1: {}); median ns: class 0 {:.0}, class 1 {:.0}",
        measurements.len(),
        raw.n[0],
        raw.n[1],
        median(0),
        median(1)
    );
    println!(
        "  means ns: class 0 {:.2}, class 1 {:.2}",
        raw.mean[0], raw.mean[1]
    );
    println!("  |t| raw: {:.2}", raw.t().abs());
    println!(
        "  |t| max over {PERCENTILES} cropped tests: {:.2} (percentile test {max_k}, {} measurements below {:.0} ns)",
        max_test.t().abs(),
        max_test.n[0] + max_test.n[1],
        thresholds[max_k]
    );
    let verdict = if max_t > T_THRESHOLD {
        "LEAK DETECTED: the classes' timings are distinguishable"
    } else {
        "no leak detected at this sample size"
    };
    println!("  max |t| = {max_t:.2} (threshold {T_THRESHOLD}): {verdict}");
}

/// xorshift64: enough randomness to interleave the classes, and no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
