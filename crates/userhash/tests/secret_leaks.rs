//! A recognisable secret, and its hex form for the schemes that hex-decode their secret, must
//! show nowhere: not in any error, nor in the `Debug` or `Display` of a scheme, secret, keyring,
//! signer, verifier, gate, verdict, decision or diagnosis, whatever the token and whatever goes
//! wrong.
//!
//! The secret goes into the secret slots, and is also pasted where a token or an identifier
//! belongs, as a confused caller would. Scheme names and keyring labels are echoed by design, to
//! say which one is wrong, so the canary is never put there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Debug;

use userhash::{
    Cause, Enforcement, Error, Freshness, Identity, KeyEncoding, Keyring, Scheme, Secret, Signer,
    Verifier,
};

const CANARY: &str = "LEAKCANARY-7f3a9c";
/// The key of the second label: a wrong_key finding names it by fingerprint only.
const OTHER: &str = "OTHERCANARY-0b1d2e";
const NOW: u64 = 1_741_761_700;
const ISSUED: u64 = NOW - 96;

/// Collects the text of everything the test makes, then looks for the canary in all of it.
#[derive(Default)]
struct Shown(Vec<(String, String)>);

impl Shown {
    fn debug(&mut self, what: &str, value: &impl Debug) {
        self.0
            .push((format!("{what} (Debug)"), format!("{value:?}")));
        self.0
            .push((format!("{what} (Debug, alternate)"), format!("{value:#?}")));
    }

    fn error(&mut self, what: &str, error: &Error) {
        self.0
            .push((format!("{what} (Display)"), error.to_string()));
        self.debug(what, error);
    }

    fn result<T: Debug>(&mut self, what: &str, result: &Result<T, Error>) {
        match result {
            Ok(value) => self.debug(what, value),
            Err(error) => self.error(what, error),
        }
    }

    fn assert_hidden(&self, forbidden: &[String]) {
        for (what, text) in &self.0 {
            for secret in forbidden {
                assert!(
                    !text.contains(secret.as_str()),
                    "{secret:?} shown by {what}: {text}"
                );
            }
        }
    }
}

fn forbidden() -> Vec<String> {
    let hex = hex::encode(CANARY);
    vec![
        CANARY.to_owned(),
        CANARY.to_lowercase(),
        hex.to_uppercase(),
        hex,
    ]
}

/// A secret as the scheme wants it typed into a dashboard: text, or hex for hex-key schemes.
fn typed(scheme: &Scheme, secret: &str) -> String {
    if scheme.key_encoding() == KeyEncoding::Hex {
        hex::encode(secret)
    } else {
        secret.to_owned()
    }
}

fn sign(signer: &Signer, identity: &Identity, at: u64) -> String {
    if signer.scheme().is_timestamped() {
        signer.sign_at(identity, at).unwrap()
    } else {
        signer.sign(identity).unwrap()
    }
}

/// Everything one scheme can show, with the canary as the `web` key.
fn exercise(spec: &str, shown: &mut Shown) {
    let scheme = Scheme::parse(spec).unwrap();
    let text = typed(&scheme, CANARY);
    let secret = Secret::for_scheme(&scheme, &text).unwrap();
    let other = Secret::for_scheme(&scheme, &typed(&scheme, OTHER)).unwrap();
    shown.debug("scheme", &scheme);
    shown
        .0
        .push(("scheme (Display)".into(), scheme.to_string()));
    shown.debug("secret", &secret);
    shown
        .0
        .push(("secret (Display)".into(), secret.to_string()));
    let keyring = Keyring::new(scheme.clone())
        .with("web", secret.clone())
        .unwrap()
        .with("ios", other)
        .unwrap();
    shown.debug("keyring", &keyring);
    let signer = keyring.signer("web").unwrap();
    shown.debug("signer", &signer);
    let verifier = Verifier::with_freshness(keyring.clone(), Freshness::default()).unwrap();
    shown.debug("verifier", &verifier);

    let ada = Identity::from_user_id("42").with_email("ada@example.com");
    let genuine = sign(&signer, &ada, ISSUED);
    let from_ios = sign(&keyring.signer("ios").unwrap(), &ada, ISSUED);
    // The hex secret used as text, where the scheme hex-decodes it (a secret_used_as_text
    // finding); the text-key case is `a_hex_looking_text_secret_is_not_shown_decoded`.
    let as_text = Signer::new(scheme.clone(), &Secret::from_text(&text).unwrap());
    let as_text = sign(&as_text, &ada, ISSUED);
    let mut tokens = vec![
        genuine.clone(),
        genuine.to_uppercase(),
        from_ios.clone(),
        as_text.clone(),
        // Pasted where the token goes, as is and in the scheme's other form.
        CANARY.to_owned(),
        hex::encode(CANARY),
        text.clone(),
        String::new(),
    ];
    if scheme.is_timestamped() {
        for at in [ISSUED * 1000, NOW - 7200, NOW + 7200] {
            tokens.push(sign(&signer, &ada, at));
        }
        tokens.push(genuine.split('-').next().unwrap().to_owned());
    }
    let gates: Vec<_> = [Enforcement::Off, Enforcement::Report, Enforcement::Enforce]
        .into_iter()
        .map(|mode| userhash::Gate::new(verifier.clone(), mode))
        .collect();
    for gate in &gates {
        shown.debug("gate", gate);
    }
    let confused = Identity::from_user_id(CANARY).with_email(text.clone());
    for identity in [
        &ada,
        &confused,
        &Identity::default(),
        &Identity::from_user_id(""),
    ] {
        for token in &tokens {
            shown.result("verify_at", &verifier.verify_at(identity, token, NOW));
            shown.result(
                "verify_label_at",
                &verifier.verify_label_at("web", identity, token, NOW),
            );
            let diagnosis = verifier.explain_at(identity, token, Some("web"), NOW);
            if let Ok(diagnosis) = &diagnosis {
                shown.0.push(("summary".into(), diagnosis.summary()));
                shown
                    .0
                    .push(("reason".into(), diagnosis.reason().unwrap_or_default()));
            }
            shown.result("explain_at", &diagnosis);
            shown.result(
                "explain_at, no label",
                &verifier.explain_at(identity, token, None, NOW),
            );
            for gate in &gates {
                shown.debug("decision", &gate.check_at(identity, Some(token), NOW));
                shown.debug(
                    "decision",
                    &gate.check_label_at("web", identity, Some(token), NOW),
                );
            }
        }
    }

    // The diagnoses above must have recognised the mistakes, or they showed little to check.
    let causes = |token: &str| -> Vec<Cause> {
        let diagnosis = verifier.explain_at(&ada, token, Some("web"), NOW).unwrap();
        diagnosis
            .findings()
            .iter()
            .map(|finding| finding.cause)
            .collect()
    };
    assert!(causes(&from_ios).contains(&Cause::WrongKey), "{spec}");
    if scheme.key_encoding() == KeyEncoding::Hex {
        assert!(
            causes(&as_text).contains(&Cause::SecretUsedAsText),
            "{spec}"
        );
    }

    let signers = [signer.clone(), Signer::new(scheme.clone(), &secret)];
    for signer in &signers {
        for identity in [
            &Identity::default(),
            &Identity::from_user_id(""),
            &Identity::from_email(""),
        ] {
            shown.result("sign", &signer.sign(identity));
            shown.result("sign_at", &signer.sign_at(identity, NOW));
        }
        shown.result("sign_at", &signer.sign_at(&ada, NOW));
        shown.result(
            "sign, too long",
            &signer
                .sign(&Identity::from_user_id(CANARY.repeat(100)).with_email(CANARY.repeat(100))),
        );
        shown.debug(
            "sign_batch",
            &signer.sign_batch(&[ada.clone(), Identity::default()]),
        );
    }
    shown.result("signer for an unknown label", &keyring.signer("android"));
    shown.result(
        "duplicate label",
        &keyring.clone().with("web", secret.clone()),
    );
    shown.result(
        "invalid label",
        &keyring.clone().with("Web", secret.clone()),
    );
    shown.result(
        "empty keyring",
        &Verifier::new(Keyring::new(scheme.clone())),
    );
    for bad in [
        format!("{text}a"),
        format!("{text} "),
        format!("0x{text}"),
        format!("{CANARY}\u{e9}"),
        text.to_uppercase(),
    ] {
        shown.result("secret", &Secret::for_scheme(&scheme, &bad));
        shown.result("secret as text", &Secret::from_text(&bad));
        shown.result("secret as hex", &Secret::from_hex(&bad));
    }
}

#[test]
fn the_canary_secret_never_shows() {
    let mut shown = Shown::default();
    for spec in [
        "intercom",
        "helpshift",
        "jimo",
        "pylon",
        "channel-io",
        "subject=user_id_and_email,key=hex,output=base64,timestamp=suffix",
        "subject=email,key=utf8,output=base64,timestamp=suffix",
    ] {
        exercise(spec, &mut shown);
    }
    assert!(shown.0.len() > 5000, "only {} texts", shown.0.len());
    shown.assert_hidden(&forbidden());
}

/// A text-key scheme whose secret happens to look like hex: the diagnosis tries the
/// hex-decoded bytes (the canary's own text), and must still not print either form.
#[test]
fn a_hex_looking_text_secret_is_not_shown_decoded() {
    let scheme = Scheme::by_name("intercom").unwrap();
    let hex_text = hex::encode(CANARY);
    let keyring = Keyring::new(scheme.clone())
        .with("web", Secret::for_scheme(&scheme, &hex_text).unwrap())
        .unwrap();
    let verifier = Verifier::new(keyring).unwrap();
    let ada = Identity::from_user_id("42");
    let decoded = Signer::new(scheme, &Secret::from_hex(&hex_text).unwrap())
        .sign(&ada)
        .unwrap();
    let diagnosis = verifier.explain_at(&ada, &decoded, None, NOW).unwrap();
    assert_eq!(diagnosis.findings()[0].cause, Cause::SecretHexDecoded);
    let mut shown = Shown::default();
    shown.debug("diagnosis", &diagnosis);
    shown.0.push(("summary".into(), diagnosis.summary()));
    shown.debug("verifier", &verifier);
    shown.assert_hidden(&forbidden());
}
