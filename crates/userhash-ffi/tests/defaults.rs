//! uniffi writes a default into the foreign bindings only as a literal (`#[uniffi(default = 3600)]`,
//! `default(max_threads = 0)`), never as a Rust constant, so each literal here is a copy of a core
//! default. This test finds every literal default in the FFI's source and requires each to be
//! listed below with the core value it copies, and equal to it.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;

/// Every literal default the FFI may declare: its parameter or field name, and the core's value.
fn core_defaults() -> Vec<(&'static str, String)> {
    let freshness = userhash::Freshness::default();
    let batch = userhash::BatchOptions::default();
    let config = userhash_config::Config::parse(
        "[apps.a.production]\nscheme = \"intercom\"\nkeys.web = { env = \"UNUSED\" }\n",
    )
    .unwrap();
    vec![
        (
            "max_age_seconds",
            userhash::DEFAULT_MAX_AGE_SECONDS.to_string(),
        ),
        (
            "max_future_skew_seconds",
            userhash::DEFAULT_MAX_FUTURE_SKEW_SECONDS.to_string(),
        ),
        ("require_exp", freshness.require_exp.to_string()),
        ("max_threads", batch.max_threads.to_string()),
        (
            "dangerously_share_hash_and_jwt_keys",
            config.shares_hash_and_jwt_keys().to_string(),
        ),
    ]
}

/// `(name, literal, file:line)` for every literal default in `text`: field attributes
/// `#[uniffi(default = X)]` (the name is the next field's), and `default(a = X, b = Y)` in
/// method and constructor attributes. `None` is the absence of a value, not a copied default.
fn literal_defaults(file: &str, text: &str) -> Vec<(String, String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let at = format!("{file}:{}", index + 1);
        let line = line.trim();
        if let Some(literal) = line
            .strip_prefix("#[uniffi(default = ")
            .and_then(|rest| rest.strip_suffix(")]"))
        {
            let field = lines[index + 1..]
                .iter()
                .find_map(|next| next.trim().strip_prefix("pub "))
                .and_then(|next| next.split(':').next())
                .expect("a field after its default");
            found.push((field.to_owned(), literal.to_owned(), at));
        } else if let Some(start) = line
            .starts_with("#[uniffi::")
            .then(|| line.find("default("))
            .flatten()
        {
            let list = &line[start + "default(".len()..];
            let list = &list[..list.find(')').expect("a closed default list")];
            for pair in list.split(',') {
                let (name, value) = pair.split_once('=').expect("name = value");
                if value.trim() != "None" {
                    found.push((name.trim().to_owned(), value.trim().to_owned(), at.clone()));
                }
            }
        }
    }
    found
}

#[test]
fn uniffi_default_literals_are_the_cores() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let expected = core_defaults();
    let mut checked = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&src)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    files.sort();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for (name, literal, at) in literal_defaults(&file, &text) {
            let core = expected
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, value)| value)
                .unwrap_or_else(|| {
                    panic!("{at}: default {name} = {literal} copies no core default listed here")
                });
            assert_eq!(&literal, core, "{at}: {name}'s default is not the core's");
            checked.push(name);
        }
    }
    // The freshness windows are the defaults this test exists for; they must have been seen.
    for name in ["max_age_seconds", "max_future_skew_seconds", "require_exp"] {
        assert!(checked.iter().any(|seen| seen == name), "{name} not found");
    }
}
