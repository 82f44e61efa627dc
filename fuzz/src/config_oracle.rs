//! What the `config` fuzz target checks, beyond "does not panic": loading a keyring config file
//! (`userhash-config`) from any text.
//!
//! It lives apart from `oracles.rs` because it needs `userhash-config`, which depends on the core,
//! so the core's tests cannot build it; `crates/userhash-config/tests/fuzz_regressions.rs`
//! replays every input kept in `fuzz/regressions/config/` through it instead.
//!
//! Two kinds of input:
//!
//! - **Text**: anything at all, for the TOML parser and the table walk.
//! - **Document**: a valid config edited with TOML constructs (tables, dotted keys, inline tables,
//!   arrays, comments — lines inserted, replaced, deleted) in which a secret has been pasted
//!   somewhere — as a string, bare, in an unterminated string or one with a bad escape, in an
//!   array or inline table, in a comment. The document is written twice, with two
//!   secrets of the same shape; wherever the format does not echo a value (everywhere but the
//!   value of a `scheme`, `env`, `file`, `payload_key` or `key_id` key), the outcome, every
//!   error message and every
//!   `Debug` must be the same both times and contain neither secret. Equality is stronger than
//!   "does not contain": a message that quoted a few characters of the secret, its first letter
//!   or a cut-off prefix would differ.
//!
//! Whenever a config parses, whatever the input, it must be well formed (apps, environments,
//! vendors and keys non-empty, labels and key ids valid and unique, `all_platforms` naming a key,
//! no freshness on an untimestamped scheme), be found again by `Config::environment` and
//! `Config::vendor`, parse back from a canonical rendering to an equal `Config`, and resolve
//! each vendor into a keyring through secrets the oracle chooses per key — valid, missing, empty
//! or not hex — that fails exactly at the first bad key, names it, and never prints a secret
//! value; a keyring that resolves has the config's labels (key ids where given) in order and
//! signs as the secret does.

use arbitrary::{Arbitrary, Unstructured};
use userhash::{Freshness, Identity, KeyEncoding, Scheme, Secret, Signer};
use userhash_config::{Config, ConfigError, MemorySecrets, SecretRef, Vendor};

/// The target's name (its folder under `fuzz/regressions/`).
pub const TARGET: &str = "config";

/// Runs the oracle on raw fuzzer bytes.
pub fn run(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    match input {
        Input::Text { choices, text } => check_text(&text, &choices),
        Input::Document(document) => check_document(&document),
    }
}

#[derive(Debug, Arbitrary)]
enum Input {
    /// Any text.
    Text {
        choices: Vec<SecretChoice>,
        text: String,
    },
    /// A document with a pasted secret.
    Document(Document),
}

/// What the secret source holds for a reference (chosen per reference, in order of first use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
enum SecretChoice {
    /// A secret the scheme can use.
    Valid,
    /// No such variable or file.
    Missing,
    /// The empty string.
    Empty,
    /// Text that is not hex (valid for text-keyed schemes, invalid for hex-keyed ones).
    NotHex,
}

/// Nested arrays and inline tables deeper than this are written as a plain integer: the
/// document mode is about where a secret lands, and `Text` attacks the parser's nesting.
const MAX_DEPTH: usize = 4;

/// The fixed part of every pasted secret; the rest is chosen by the fuzzer.
const PASTED_PREFIX: &str = "sk_live_";

/// A valid config that documents start from, so that most of them get past the first line
/// and put the pasted secret where the walk over the tables reaches it.
const TEMPLATE: [&str; 15] = [
    "[apps.acme.production]",
    "scheme = \"intercom\"",
    "keys.web = { env = \"ACME_WEB\" }",
    "keys.ios = { file = \"/run/secrets/ios\" }",
    "",
    "[apps.widgets.test]",
    "scheme = \"jimo\"",
    "max_age_seconds = 600",
    "keys.previous = { env = \"W_OLD\" }",
    "",
    "[apps.acme.staging.vendors.zendesk]",
    "scheme = \"zendesk\"",
    "all_platforms = \"messaging\"",
    "keys.messaging = { env = \"ZD\", key_id = \"app_1\" }",
    "payload_key = \"jwt\"",
];

#[derive(Debug, Arbitrary)]
struct Document {
    /// The secret's variable part: letters and digits derived from these bytes.
    secret: [u8; 20],
    choices: Vec<SecretChoice>,
    /// Changes to the template, line numbers taken modulo its current length.
    edits: Vec<Edit>,
}

#[derive(Debug, Arbitrary)]
enum Edit {
    Insert(u8, Line),
    Replace(u8, Line),
    Delete(u8),
}

#[derive(Debug, Arbitrary)]
enum Line {
    Blank,
    /// `key.path = value`
    Pair(Vec<Name>, Value),
    /// `[table.path]`
    Table(Vec<Name>),
    /// `[[array.of.tables]]`
    ArrayTable(Vec<Name>),
    /// `# ...` with the secret in it.
    CommentedSecret,
}

#[derive(Debug, Arbitrary)]
enum Name {
    Apps,
    Keys,
    Scheme,
    MaxAge,
    MaxFutureSkew,
    Env,
    File,
    App(u8),
    Environment(u8),
    Label(u8),
    Other(String),
    Vendors,
    Vendor(u8),
    AllPlatforms,
    PayloadKey,
    KeyId,
}

#[derive(Debug, Arbitrary)]
enum Value {
    Integer(i64),
    Bool(bool),
    Float(f64),
    Datetime,
    SchemeName(u8),
    VariableName(u8),
    Path(u8),
    Text(String),
    Pasted(Pasted),
    Array(Vec<Value>),
    Inline(Vec<(Vec<Name>, Value)>),
}

/// How the secret was pasted as a value.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Pasted {
    /// `"secret"`
    Basic,
    /// `'secret'`
    Literal,
    /// `"""secret"""`
    MultiLineBasic,
    /// `'''secret'''`
    MultiLineLiteral,
    /// `secret`, unquoted: a syntax error on the secret's line.
    Bare,
    /// `"secret` with no closing quote: a syntax error on the secret's line.
    Unterminated,
    /// `"secret\q"`: an invalid escape right after the secret.
    BadEscape,
}

impl Pasted {
    /// A string value that holds exactly the secret (as opposed to a syntax error).
    fn is_string(self) -> bool {
        matches!(
            self,
            Pasted::Basic | Pasted::Literal | Pasted::MultiLineBasic | Pasted::MultiLineLiteral
        )
    }
}

const APPS: [&str; 4] = ["acme", "widgets", "my app", "ünï"];
const ENVIRONMENTS: [&str; 4] = ["production", "test", "staging", " "];
const VENDORS: [&str; 4] = ["intercom", "zendesk", "support chat", ""];
const LABELS: [&str; 7] = ["web", "ios", "android", "previous", "iOS", "a.b-c_1", ""];
const SCHEMES: [&str; 10] = [
    "intercom",
    "intercom-jwt",
    "zendesk",
    "jimo",
    "helpshift",
    "pylon",
    "subject=user_id,key=hex,output=base64",
    "subject=user_id_and_email,timestamp=suffix",
    "intercomm",
    "subject=nobody",
];
const VARIABLES: [&str; 4] = ["WEB_SECRET", "IOS_SECRET", "A=B", ""];
const PATHS: [&str; 4] = ["/run/secrets/web", "secrets/ios", "", "rel path/k"];

fn pick<'a>(options: &[&'a str], choice: u8) -> &'a str {
    options[usize::from(choice) % options.len()]
}

impl Name {
    fn text(&self) -> &str {
        match self {
            Name::Apps => "apps",
            Name::Keys => "keys",
            Name::Scheme => "scheme",
            Name::MaxAge => "max_age_seconds",
            Name::MaxFutureSkew => "max_future_skew_seconds",
            Name::Env => "env",
            Name::File => "file",
            Name::App(n) => pick(&APPS, *n),
            Name::Environment(n) => pick(&ENVIRONMENTS, *n),
            Name::Label(n) => pick(&LABELS, *n),
            Name::Other(text) => text,
            Name::Vendors => "vendors",
            Name::Vendor(n) => pick(&VENDORS, *n),
            Name::AllPlatforms => "all_platforms",
            Name::PayloadKey => "payload_key",
            Name::KeyId => "key_id",
        }
    }
}

/// A document written out with one particular secret.
struct Rendering {
    text: String,
    /// The secret was pasted where the format echoes values by design: as the string value of
    /// a `scheme` (an unknown scheme is quoted back), `env` or `file` (named in errors about the
    /// secret they point at), `payload_key` (a member name of every payload) or `key_id` (the
    /// `kid` of every JWT, and a keyring label): public names, never secrets.
    echoed_by_design: bool,
}

impl Document {
    /// The two secrets the document is written with: the same shape (length, letters where
    /// letters, digits where digits), different at every variable character.
    fn secrets(&self) -> (String, String) {
        let mut one = String::from(PASTED_PREFIX);
        let mut other = String::from(PASTED_PREFIX);
        for byte in self.secret {
            let (first, second) = if byte % 2 == 0 {
                let letter = byte / 2 % 26;
                (b'a' + letter, b'a' + (letter + 1) % 26)
            } else {
                let digit = byte / 2 % 10;
                (b'0' + digit, b'0' + (digit + 1) % 10)
            };
            one.push(char::from(first));
            other.push(char::from(second));
        }
        (one, other)
    }

    fn render(&self, secret: &str) -> Rendering {
        let mut echoed_by_design = false;
        let mut lines: Vec<String> = TEMPLATE.iter().map(|line| (*line).to_owned()).collect();
        for edit in &self.edits {
            let at = |n: &u8, len: usize| usize::from(*n) % len.max(1);
            match edit {
                Edit::Insert(n, line) => {
                    let at = at(n, lines.len() + 1);
                    lines.insert(at, render_line(line, secret, &mut echoed_by_design));
                }
                Edit::Replace(n, line) if !lines.is_empty() => {
                    let at = at(n, lines.len());
                    lines[at] = render_line(line, secret, &mut echoed_by_design);
                }
                Edit::Delete(n) if !lines.is_empty() => {
                    lines.remove(at(n, lines.len()));
                }
                Edit::Replace(..) | Edit::Delete(_) => {}
            }
        }
        Rendering {
            text: lines.join("\n"),
            echoed_by_design,
        }
    }
}

/// One line of a document; sets `echoed` when the secret lands where it is echoed by design.
fn render_line(line: &Line, secret: &str, echoed: &mut bool) -> String {
    let mut text = String::new();
    match line {
        Line::Blank => {}
        Line::Pair(path, value) => {
            text.push_str(&dotted(path));
            text.push_str(" = ");
            render_value(value, last_name(path), secret, 0, &mut text, echoed);
        }
        Line::Table(path) => {
            text.push('[');
            text.push_str(&dotted(path));
            text.push(']');
        }
        Line::ArrayTable(path) => {
            text.push_str("[[");
            text.push_str(&dotted(path));
            text.push_str("]]");
        }
        Line::CommentedSecret => {
            text.push_str("# pasted by mistake: ");
            text.push_str(secret);
        }
    }
    text
}

fn last_name(path: &[Name]) -> Option<&str> {
    path.last().map(Name::text)
}

fn dotted(path: &[Name]) -> String {
    if path.is_empty() {
        // An empty key path is still a key: the empty quoted key.
        return "\"\"".to_owned();
    }
    path.iter()
        .map(|name| toml_key(name.text()))
        .collect::<Vec<_>>()
        .join(".")
}

fn render_value(
    value: &Value,
    key: Option<&str>,
    secret: &str,
    depth: usize,
    text: &mut String,
    echoed: &mut bool,
) {
    let scalar = match value {
        Value::Integer(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Float(x) if x.is_finite() => format!("{x:?}"),
        Value::Float(x) if x.is_nan() => "nan".to_owned(),
        Value::Float(x) => if *x > 0.0 { "inf" } else { "-inf" }.to_owned(),
        Value::Datetime => "1979-05-27T07:32:00Z".to_owned(),
        Value::SchemeName(n) => basic_string(pick(&SCHEMES, *n)),
        Value::VariableName(n) => basic_string(pick(&VARIABLES, *n)),
        Value::Path(n) => basic_string(pick(&PATHS, *n)),
        Value::Text(value) => basic_string(value),
        Value::Pasted(how) => {
            if how.is_string()
                && matches!(
                    key,
                    Some("scheme" | "env" | "file" | "payload_key" | "key_id")
                )
            {
                *echoed = true;
            }
            match how {
                Pasted::Basic => format!("\"{secret}\""),
                Pasted::Literal => format!("'{secret}'"),
                Pasted::MultiLineBasic => format!("\"\"\"{secret}\"\"\""),
                Pasted::MultiLineLiteral => format!("'''{secret}'''"),
                Pasted::Bare => secret.to_owned(),
                Pasted::Unterminated => format!("\"{secret}"),
                Pasted::BadEscape => format!("\"{secret}\\q\""),
            }
        }
        Value::Array(_) | Value::Inline(_) if depth >= MAX_DEPTH => "0".to_owned(),
        Value::Array(items) => {
            text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    text.push_str(", ");
                }
                render_value(item, None, secret, depth + 1, text, echoed);
            }
            text.push(']');
            return;
        }
        Value::Inline(pairs) => {
            text.push('{');
            for (i, (path, item)) in pairs.iter().enumerate() {
                text.push_str(if i > 0 { ", " } else { " " });
                text.push_str(&dotted(path));
                text.push_str(" = ");
                render_value(item, last_name(path), secret, depth + 1, text, echoed);
            }
            text.push_str(" }");
            return;
        }
    };
    text.push_str(&scalar);
}

/// A key as TOML writes it: bare when it can be, else a quoted basic string.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_owned()
    } else {
        basic_string(key)
    }
}

/// A TOML basic string holding exactly `text`.
fn basic_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Everything an error can be seen through.
fn shown(error: &ConfigError) -> String {
    format!("{error}\n{error:?}")
}

fn check_document(document: &Document) {
    let (secret, other) = document.secrets();
    let one = document.render(&secret);
    let two = document.render(&other);
    let first = Config::parse(&one.text);
    let second = Config::parse(&two.text);
    if let Ok(config) = &first {
        check_config(config, &one.text, &document.choices);
    }
    if let Err(error) = &first {
        check_error(error, &one.text);
    }
    if one.echoed_by_design {
        return;
    }
    match (&first, &second) {
        (Err(first), Err(second)) => {
            let (first, second) = (shown(first), shown(second));
            assert!(
                !first.contains(&secret),
                "an error printed the pasted secret:\n{first}\n---\n{}",
                one.text
            );
            assert_eq!(
                first, second,
                "an error depends on the pasted secret's characters:\n{}",
                one.text
            );
        }
        (Ok(first), Ok(second)) => {
            let (first, second) = (format!("{first:?}"), format!("{second:?}"));
            assert!(
                !first.contains(&secret),
                "Debug printed the secret: {first}"
            );
            assert_eq!(first, second, "the config depends on a pasted secret");
        }
        _ => panic!(
            "whether the config parses depends on the pasted secret's characters:\n{}",
            one.text
        ),
    }
}

fn check_text(text: &str, choices: &[SecretChoice]) {
    match Config::parse(text) {
        Ok(config) => check_config(&config, text, choices),
        Err(error) => check_error(&error, text),
    }
}

/// A parse error names a place, on one line (the CLI prints it as its one line of stderr).
fn check_error(error: &ConfigError, text: &str) {
    assert!(error.location().is_some(), "no location: {error}");
    let message = error.to_string();
    assert!(
        !message.contains('\n') && !message.contains('\r'),
        "a multi-line error: {message:?}"
    );
    if let ConfigError::Syntax { line, column, .. } = error {
        let lines = text.split('\n').count();
        assert!(
            (1..=lines).contains(line) && *column >= 1,
            "line {line}, column {column} is outside the text"
        );
    }
}

/// The core's label rule, written out again: 1–64 characters of `a-z 0-9 _ . -`.
fn label_is_valid(label: &str) -> bool {
    (1..=64).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
}

fn name_is_valid(name: &str) -> bool {
    !name.trim().is_empty() && !name.chars().any(char::is_control)
}

fn check_config(config: &Config, text: &str, choices: &[SecretChoice]) {
    assert!(!config.apps().is_empty(), "a config without apps parsed");
    for app in config.apps() {
        assert!(name_is_valid(app.name()), "app name {:?}", app.name());
        assert!(
            !app.environments().is_empty(),
            "an app without environments"
        );
        for environment in app.environments() {
            assert!(name_is_valid(environment.name()));
            assert_eq!(environment.app(), app.name());
            let found = config
                .environment(app.name(), environment.name())
                .expect("a parsed environment is found");
            assert_eq!(found, environment);
            assert!(
                !environment.vendors().is_empty(),
                "an environment without vendors"
            );
            for vendor in environment.vendors() {
                assert!(
                    name_is_valid(vendor.name()),
                    "vendor name {:?}",
                    vendor.name()
                );
                let found = config
                    .vendor(app.name(), environment.name(), Some(vendor.name()))
                    .expect("a parsed vendor is found");
                assert_eq!(found, vendor);
                check_vendor(vendor);
                check_keyring(config, environment, vendor, text, choices);
            }
        }
    }
    let canonical = render_config(config);
    let again = Config::parse(&canonical)
        .unwrap_or_else(|error| panic!("the canonical form does not parse: {error}\n{canonical}"));
    assert_eq!(&again, config, "the canonical form parses differently");
}

fn check_vendor(vendor: &Vendor) {
    let keys = vendor.keys();
    assert!(!keys.is_empty(), "a vendor without keys parsed");
    for (i, key) in keys.iter().enumerate() {
        assert!(label_is_valid(key.label()), "label {:?}", key.label());
        assert!(
            label_is_valid(key.keyring_label()),
            "key id {:?}",
            key.keyring_label()
        );
        assert!(
            keys[..i]
                .iter()
                .all(|have| have.label() != key.label()
                    && have.keyring_label() != key.keyring_label()),
            "duplicate label or key id {:?}",
            key.keyring_label()
        );
        assert!(
            key.key_id().is_none() || vendor.scheme().is_jwt(),
            "a key id on a hash"
        );
    }
    if let Some(label) = vendor.all_platforms() {
        assert!(
            keys.iter().any(|key| key.label() == label),
            "all_platforms names no key"
        );
    }
    assert!(!["user_id", "email", "error", ""].contains(&vendor.payload_key()));
    if !vendor.scheme().is_timestamped() {
        assert_eq!(vendor.freshness(), Freshness::default());
    }
}

/// The config written back out as TOML: every vendor as a table (or the environment's own, in
/// the single-scheme form), every field explicit.
fn render_config(config: &Config) -> String {
    let mut out = String::new();
    if config.shares_hash_and_jwt_keys() {
        out.push_str("dangerously_share_hash_and_jwt_keys = true\n");
    }
    for app in config.apps() {
        for environment in app.environments() {
            let table = format!(
                "apps.{}.{}",
                toml_key(app.name()),
                toml_key(environment.name())
            );
            for vendor in environment.vendors() {
                if environment.is_single_scheme() {
                    out.push_str(&format!("[{table}]\n"));
                } else {
                    out.push_str(&format!("[{table}.vendors.{}]\n", toml_key(vendor.name())));
                }
                render_vendor(vendor, &mut out);
            }
        }
    }
    out
}

fn render_vendor(vendor: &Vendor, out: &mut String) {
    let scheme = vendor.scheme();
    out.push_str(&format!("scheme = {}\n", basic_string(&scheme.to_string())));
    out.push_str(&format!(
        "payload_key = {}\n",
        basic_string(vendor.payload_key())
    ));
    if let Some(label) = vendor.all_platforms() {
        out.push_str(&format!("all_platforms = {}\n", basic_string(label)));
    }
    if scheme.is_timestamped() {
        let freshness = vendor.freshness();
        out.push_str(&format!(
            "max_age_seconds = {}\nmax_future_skew_seconds = {}\n",
            freshness.max_age_seconds, freshness.max_future_skew_seconds
        ));
    }
    for key in vendor.keys() {
        let source = match key.secret().expect("a parsed file names every secret") {
            SecretRef::Env(name) => format!("env = {}", basic_string(name)),
            SecretRef::File(path) => format!(
                "file = {}",
                basic_string(path.to_str().expect("paths come from TOML strings"))
            ),
        };
        let key_id = key
            .key_id()
            .map(|id| format!(", key_id = {}", basic_string(id)))
            .unwrap_or_default();
        out.push_str(&format!(
            "keys.{} = {{ {source}{key_id} }}\n",
            toml_key(key.label())
        ));
    }
}

/// The secret text a choice stands for, for the `n`th reference of an environment.
fn secret_value(choice: SecretChoice, n: usize) -> Option<String> {
    match choice {
        SecretChoice::Valid => Some(format!("5ec7e7{n:04x}c0ffee")),
        SecretChoice::Missing => None,
        SecretChoice::Empty => Some(String::new()),
        SecretChoice::NotHex => Some(format!("not-hex-secret-{n}")),
    }
}

/// What resolving a key's secret must give.
enum Expected {
    Ok,
    Unavailable,
    Invalid,
}

fn expected(choice: SecretChoice, key_encoding: KeyEncoding) -> Expected {
    match (choice, key_encoding) {
        (SecretChoice::Missing, _) => Expected::Unavailable,
        (SecretChoice::Empty, _) | (SecretChoice::NotHex, KeyEncoding::Hex) => Expected::Invalid,
        _ => Expected::Ok,
    }
}

fn check_keyring(
    config: &Config,
    environment: &userhash_config::Environment,
    vendor: &Vendor,
    text: &str,
    choices: &[SecretChoice],
) {
    let scheme: &Scheme = vendor.scheme();
    // One choice per distinct reference, so two keys naming the same variable agree.
    let mut references: Vec<(&SecretRef, SecretChoice, Option<String>)> = Vec::new();
    for key in vendor.keys() {
        let reference = key.secret().expect("a parsed file names every secret");
        if references.iter().all(|(have, ..)| *have != reference) {
            let n = references.len();
            let choice = if choices.is_empty() {
                SecretChoice::Valid
            } else {
                choices[n % choices.len()]
            };
            references.push((reference, choice, secret_value(choice, n)));
        }
    }
    let mut secrets = MemorySecrets::new();
    for (reference, _, value) in &references {
        if let Some(value) = value {
            secrets = secrets.with((*reference).clone(), value);
        }
    }
    let reference_of = |key: &userhash_config::Key| {
        references
            .iter()
            .find(|(have, ..)| Some(*have) == key.secret())
            .expect("every reference was recorded")
    };
    let first_bad = vendor.keys().iter().find_map(|key| {
        let (_, choice, _) = reference_of(key);
        match expected(*choice, scheme.key_encoding()) {
            Expected::Ok => None,
            outcome => Some((key.label(), outcome)),
        }
    });
    let resolved = config.vendor_keyring(
        environment.app(),
        environment.name(),
        Some(vendor.name()),
        &secrets,
    );
    match (resolved, first_bad) {
        (Ok((keyring, freshness)), None) => {
            assert_eq!(keyring.scheme(), scheme);
            assert_eq!(freshness, vendor.freshness());
            let labels: Vec<&str> = vendor
                .keys()
                .iter()
                .map(|key| key.keyring_label())
                .collect();
            assert_eq!(keyring.labels().collect::<Vec<_>>(), labels);
            let identity = Identity::from_user_id("42").with_email("ada@example.com");
            let names_key = scheme
                .claim_layout()
                .is_some_and(|layout| layout.key_id_required);
            for key in vendor.keys() {
                let (_, _, value) = reference_of(key);
                let value = value.as_deref().expect("a valid choice has a value");
                let mut direct = Signer::new(
                    scheme.clone(),
                    &Secret::for_scheme(scheme, value).expect("a valid choice decodes"),
                );
                if names_key {
                    direct = direct
                        .with_key_id(key.keyring_label())
                        .expect("a valid key id");
                }
                let from_config = keyring.signer(key.keyring_label()).expect("label");
                assert_eq!(
                    from_config.sign_at(&identity, 1_700_000_000),
                    direct.sign_at(&identity, 1_700_000_000)
                );
            }
        }
        (Err(error), Some((label, outcome))) => {
            assert_eq!(error.location().and_then(|at| at.label()), Some(label));
            match outcome {
                Expected::Unavailable => assert!(
                    matches!(error, ConfigError::SecretUnavailable { .. }),
                    "{error}"
                ),
                Expected::Invalid => {
                    assert!(
                        matches!(error, ConfigError::InvalidSecret { .. }),
                        "{error}"
                    );
                }
                Expected::Ok => unreachable!("only failures are recorded"),
            }
            let shown = shown(&error);
            for (_, _, value) in &references {
                let Some(value) = value.as_deref() else {
                    continue;
                };
                // A value the config text itself holds (as a variable name, say) may be
                // named legitimately; the oracle's values are long enough not to be by chance.
                if !value.is_empty() && !text.contains(value) {
                    assert!(
                        !shown.contains(value),
                        "a secret value was printed: {shown}"
                    );
                }
            }
        }
        (Ok(_), Some((label, _))) => panic!("key {label:?} should have failed to resolve"),
        (Err(error), None) => panic!("every secret was usable, yet: {error}"),
    }
}
