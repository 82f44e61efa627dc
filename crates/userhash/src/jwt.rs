//! The JWT form of a token: compact JWS (RFC 7515) signed with HS256, written canonically and
//! read strictly.
//!
//! Only HS256 exists here: the MAC is the same precomputed-state HMAC-SHA256 as every other
//! scheme's, so there is no second crypto stack and no algorithm negotiation. Reading is strict
//! by decision, as for hashes: unpadded canonical base64url, exactly three segments, a header
//! that names HS256 (never `none`), and JSON objects whose member names are distinct — a token
//! with two `user_id` members means different things to different parsers, so it means nothing.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result, TokenDefect, echo};
use crate::mac::{MAC_LEN, MacKey};

/// The longest JWT userhash writes or reads, in bytes.
///
/// Vendors' identity JWTs are a few hundred bytes; 8 KiB leaves room for generous custom
/// attributes while bounding the work an unauthenticated request can cause (one base64 and JSON
/// pass, one HMAC per key) and staying under common HTTP header limits.
pub const MAX_JWT_LEN: usize = 8 * 1024;

/// Base64url that accepts non-canonical trailing bits, for recognising a signing input the way
/// a lenient verifier elsewhere might read it.
const BASE64URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// The one algorithm accepted, as the `alg` header spells it.
const ALGORITHM: &str = "HS256";

/// The segment separator of the compact serialization.
const SEPARATOR: char = '.';

/// A JWT taken apart: the header members userhash reads, the claims, and what was signed.
#[derive(Debug)]
pub(crate) struct DecodedJwt<'a> {
    /// The `kid` header, when present.
    pub(crate) kid: Option<String>,
    /// The claims object.
    pub(crate) claims: Map<String, Value>,
    /// The claims exactly as signed (UTF-8 JSON), for callers who want the original text.
    pub(crate) claims_text: String,
    /// `header.claims`, the bytes the signature covers.
    pub(crate) signing_input: &'a str,
    /// The decoded signature.
    pub(crate) signature: [u8; MAC_LEN],
}

/// Decodes `token` strictly and checks its header; the signature is not checked here.
///
/// # Errors
/// [`Error::MalformedToken`] for anything that is not a well-formed compact JWS;
/// [`Error::UnsupportedAlgorithm`] unless the header's `alg` is `HS256`;
/// [`Error::InvalidClaim`] for a `kid` or `typ` header of the wrong type or value, or a `crit`
/// header (no extension is understood, so none may be critical).
pub(crate) fn decode(token: &str) -> Result<DecodedJwt<'_>> {
    let malformed = |reason| Error::MalformedToken { reason };
    let (header, claims_text, signature) = split(token).map_err(malformed)?;
    let header = parse_object(&decode_segment(header).map_err(malformed)?).map_err(malformed)?;
    check_algorithm(&header)?;
    let kid = header_string(&header, "kid")?;
    if let Some(typ) = header_string(&header, "typ")? {
        if !typ.eq_ignore_ascii_case("JWT") {
            return Err(Error::InvalidClaim {
                claim: "typ".to_owned(),
                reason: "the typ header, when present, must be \"JWT\"".to_owned(),
            });
        }
    }
    if header.contains_key("crit") {
        return Err(Error::InvalidClaim {
            claim: "crit".to_owned(),
            reason: "userhash understands no JWT header extension, so none may be critical"
                .to_owned(),
        });
    }
    let claims_bytes = decode_segment(claims_text).map_err(malformed)?;
    let claims = parse_object(&claims_bytes).map_err(malformed)?;
    let signature = decode_segment(signature)
        .map_err(malformed)?
        .try_into()
        .map_err(|_| malformed(TokenDefect::WrongLength))?;
    let signing_input = token
        .rsplit_once(SEPARATOR)
        .map_or(token, |(signed, _)| signed);
    Ok(DecodedJwt {
        kid,
        claims,
        // The bytes parsed as a JSON object, so they are UTF-8; the fallback is unreachable.
        claims_text: String::from_utf8(claims_bytes).unwrap_or_default(),
        signing_input,
        signature,
    })
}

/// The header's `alg`, and only the header: the token may be anything beyond it. `explain`
/// uses this to name the algorithm of a token that [`decode`] refused.
pub(crate) fn algorithm_of(token: &str) -> Option<String> {
    let (header, _, _) = split(token).ok()?;
    let header = parse_object(&decode_segment(header).ok()?).ok()?;
    header.get("alg").and_then(Value::as_str).map(str::to_owned)
}

/// Whether `message` (given in pieces, as a hash signs them) is a JWT signing input: the text
/// before its first `.` decodes as base64url (padded or not) to a JSON object with an `alg`
/// member. The HMAC of such a message, re-encoded as base64url, is a valid HS256 signature on
/// the JWT `message.signature` — so a hash signer whose key also signs JWTs must refuse it.
/// `john.doe` and `ada@example.com` are not (their first part is not a JSON object).
pub(crate) fn is_signing_input(message: &[&str]) -> bool {
    let mut header = String::new();
    let mut has_dot = false;
    for part in message {
        match part.split_once(SEPARATOR) {
            Some((before, _)) => {
                header.push_str(before);
                has_dot = true;
                break;
            }
            None => header.push_str(part),
        }
    }
    if !has_dot {
        return false;
    }
    // Lenient on purpose: a vendor's verifier may accept padding, so the refusal must too.
    let Ok(bytes) = BASE64URL_LENIENT.decode(header.trim_end_matches('=')) else {
        return false;
    };
    serde_json::from_slice::<Map<String, Value>>(&bytes).is_ok_and(|map| map.contains_key("alg"))
}

/// Writes the JWT for `claims` signed by `key`, with a `kid` header when given.
///
/// Members are written in sorted order at every depth, with no insignificant whitespace, so one
/// identity and one set of attributes always give one token (and the shared vectors can pin it).
pub(crate) fn encode(key: &MacKey, kid: Option<&str>, claims: &Map<String, Value>) -> String {
    let mut header = Map::new();
    header.insert("alg".to_owned(), Value::from(ALGORITHM));
    if let Some(kid) = kid {
        header.insert("kid".to_owned(), Value::from(kid));
    }
    header.insert("typ".to_owned(), Value::from("JWT"));
    let mut token = String::new();
    token.push_str(&BASE64URL.encode(canonical_json(&header)));
    token.push(SEPARATOR);
    token.push_str(&BASE64URL.encode(canonical_json(claims)));
    let signature = key.mac(&[token.as_bytes()]);
    token.push(SEPARATOR);
    token.push_str(&BASE64URL.encode(signature));
    token
}

/// The length of the JWT [`encode`] would write for these claims, without signing.
pub(crate) fn encoded_len(kid: Option<&str>, claims: &Map<String, Value>) -> usize {
    // {"alg":"HS256","typ":"JWT"} plus ,"kid":"…" — kid is a keyring label, so it needs no escapes.
    let header_len = 27 + kid.map_or(0, |kid| kid.len() + 9);
    let b64 = |len: usize| (len * 4).div_ceil(3);
    b64(header_len) + 1 + b64(canonical_json(claims).len()) + 1 + b64(MAC_LEN)
}

/// A JSON object with sorted member names at every depth and no whitespace.
pub(crate) fn canonical_json(object: &Map<String, Value>) -> String {
    let mut out = String::new();
    write_object(object, &mut out);
    out
}

fn write_object(object: &Map<String, Value>, out: &mut String) {
    let mut members: Vec<(&String, &Value)> = object.iter().collect();
    members.sort_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (index, (name, value)) in members.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_value(&Value::String(name.clone()), out);
        out.push(':');
        write_value(value, out);
    }
    out.push('}');
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(object) => write_object(object, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        // A scalar's Display is its compact JSON text.
        scalar => {
            let _ = write!(out, "{scalar}");
        }
    }
}

/// Splits a compact JWS into its three segments, checking only the shape.
fn split(token: &str) -> Result<(&str, &str, &str), TokenDefect> {
    if token.is_empty() {
        return Err(TokenDefect::Empty);
    }
    if token.len() > MAX_JWT_LEN {
        return Err(TokenDefect::TooLong);
    }
    let mut segments = token.split(SEPARATOR);
    match (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) {
        (Some(header), Some(claims), Some(signature), None)
            if !header.is_empty() && !claims.is_empty() =>
        {
            Ok((header, claims, signature))
        }
        _ => Err(TokenDefect::NotJwt),
    }
}

fn decode_segment(segment: &str) -> Result<Vec<u8>, TokenDefect> {
    BASE64URL
        .decode(segment)
        .map_err(|_| TokenDefect::NotBase64Url)
}

fn check_algorithm(header: &Map<String, Value>) -> Result<()> {
    match header.get("alg") {
        Some(Value::String(alg)) if alg == ALGORITHM => Ok(()),
        Some(Value::String(alg)) => Err(Error::UnsupportedAlgorithm { alg: echo(alg) }),
        _ => Err(Error::UnsupportedAlgorithm { alg: String::new() }),
    }
}

fn header_string(header: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match header.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(_) => Err(Error::InvalidClaim {
            claim: name.to_owned(),
            reason: format!("the {name} header must be a string"),
        }),
    }
}

/// Parses one JSON object, refusing duplicate member names at any depth.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, TokenDefect> {
    match serde_json::from_slice::<Strict>(bytes) {
        Ok(Strict(Value::Object(object))) => Ok(object),
        _ => Err(TokenDefect::NotJsonObject),
    }
}

/// A JSON value whose objects have distinct member names (serde_json keeps the last silently).
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Strict, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Strict, E> {
        Ok(Strict(Value::Bool(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Strict, E> {
        Ok(Strict(Value::Number(value.into())))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Strict, E> {
        Ok(Strict(Value::Number(value.into())))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Strict, E> {
        Number::from_f64(value)
            .map(|number| Strict(Value::Number(number)))
            .ok_or_else(|| E::custom("a number JSON cannot represent"))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Strict, E> {
        Ok(Strict(Value::String(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Strict, E> {
        Ok(Strict(Value::String(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Strict(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let mut object = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if object.contains_key(&name) {
                return Err(de::Error::custom("duplicate member name"));
            }
            let Strict(value) = map.next_value()?;
            object.insert(name, value);
        }
        Ok(Strict(Value::Object(object)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> MacKey {
        MacKey::new(b"secret")
    }

    fn claims(json: &str) -> Map<String, Value> {
        parse_object(json.as_bytes()).unwrap()
    }

    fn b64(text: &str) -> String {
        BASE64URL.encode(text)
    }

    #[test]
    fn round_trip_with_sorted_members() {
        let object = claims(r#"{"z":1,"a":{"y":true,"b":[1,"x"]},"m":"é"}"#);
        assert_eq!(
            canonical_json(&object),
            r#"{"a":{"b":[1,"x"],"y":true},"m":"é","z":1}"#
        );
        let token = encode(&key(), Some("app_1"), &object);
        assert_eq!(token.len(), encoded_len(Some("app_1"), &object));
        let decoded = decode(&token).unwrap();
        assert_eq!(decoded.kid.as_deref(), Some("app_1"));
        assert_eq!(decoded.claims, object);
        assert_eq!(
            decoded.signature,
            key().mac(&[decoded.signing_input.as_bytes()])
        );
        assert_eq!(
            encoded_len(None, &object),
            encode(&key(), None, &object).len()
        );
    }

    #[test]
    fn recognises_jwt_signing_inputs_and_nothing_else() {
        let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
        let signing_input = format!("{header}.{}", b64(r#"{"user_id":"victim"}"#));
        assert!(is_signing_input(&[&signing_input]));
        // Split across the two fields a concatenating scheme signs.
        assert!(is_signing_input(&[&header, &format!(".{}", b64("{}"))]));
        // Padded, and with any alg (the verifier elsewhere decides which it accepts).
        let padded = BASE64URL.encode(r#"{"alg":"none"}"#) + "==";
        assert!(is_signing_input(&[&format!("{padded}.x")]));
        // The claims part is not looked at: the header alone makes the signing input.
        assert!(is_signing_input(&[&format!("{header}.")]));
        for ordinary in [
            "john.doe",
            "ada@example.com",
            "42",
            "no-dot-at-all",
            "",
            ".leading-dot",
            // A JSON object without alg, a JSON array, and base64url of plain text.
            &format!("{}.x", b64(r#"{"typ":"JWT"}"#)),
            &format!("{}.x", b64(r#"["alg"]"#)),
            &format!("{}.x", b64("alg")),
            // The header without its dot is not a signing input (nothing follows).
            &header,
        ] {
            assert!(!is_signing_input(&[ordinary]), "{ordinary:?}");
        }
    }

    #[test]
    fn header_is_the_standard_one() {
        let token = encode(&key(), None, &Map::new());
        let header = token.split('.').next().unwrap();
        assert_eq!(header, b64(r#"{"alg":"HS256","typ":"JWT"}"#));
    }

    #[test]
    fn only_hs256_is_accepted() {
        let body = b64(r#"{"sub":"1"}"#);
        let sig = BASE64URL.encode([0u8; MAC_LEN]);
        for (header, alg) in [
            (r#"{"alg":"none"}"#, "none"),
            (r#"{"alg":"HS512","typ":"JWT"}"#, "HS512"),
            (r#"{"alg":"hs256"}"#, "hs256"),
            (r#"{"typ":"JWT"}"#, ""),
            (r#"{"alg":256}"#, ""),
        ] {
            let token = format!("{}.{body}.{sig}", b64(header));
            assert_eq!(
                decode(&token).unwrap_err(),
                Error::UnsupportedAlgorithm {
                    alg: alg.to_owned()
                },
                "{header}"
            );
        }
        // An unsecured JWT has an empty signature: the header is judged first.
        let none = format!("{}.{body}.", b64(r#"{"alg":"none"}"#));
        assert_eq!(
            decode(&none).unwrap_err().kind(),
            crate::ErrorKind::UnsupportedAlgorithm
        );
    }

    #[test]
    fn shape_and_encoding_are_strict() {
        let good = encode(&key(), None, &claims(r#"{"sub":"1"}"#));
        let defect = |token: &str| match decode(token) {
            Err(Error::MalformedToken { reason }) => Some(reason),
            _ => None,
        };
        assert_eq!(defect(""), Some(TokenDefect::Empty));
        assert_eq!(
            defect(&"a".repeat(MAX_JWT_LEN + 1)),
            Some(TokenDefect::TooLong)
        );
        assert_eq!(defect("abc"), Some(TokenDefect::NotJwt));
        assert_eq!(defect(&format!("{good}.x")), Some(TokenDefect::NotJwt));
        assert_eq!(defect(&format!(".{good}")), Some(TokenDefect::NotJwt));
        assert_eq!(defect(&format!("{good}=")), Some(TokenDefect::NotBase64Url));
        assert_eq!(
            defect(&good.replacen('e', "+", 1)),
            Some(TokenDefect::NotBase64Url)
        );
        let (signed, _) = good.rsplit_once('.').unwrap();
        assert_eq!(
            defect(&format!("{signed}.{}", BASE64URL.encode([1u8; 31]))),
            Some(TokenDefect::WrongLength)
        );
        let header = b64(r#"{"alg":"HS256"}"#);
        let sig = BASE64URL.encode([0u8; MAC_LEN]);
        for body in [
            r#"[1]"#,
            r#""x""#,
            r#"{"a":1,"a":2}"#,
            r#"{"a":{"b":1,"b":1}}"#,
            "{",
        ] {
            assert_eq!(
                defect(&format!("{header}.{}.{sig}", b64(body))),
                Some(TokenDefect::NotJsonObject),
                "{body}"
            );
        }
    }

    #[test]
    fn non_canonical_base64url_is_refused() {
        // Two characters encode one byte; the second carries four unused bits.
        assert!(decode_segment("eQ").is_ok());
        assert_eq!(decode_segment("eR"), Err(TokenDefect::NotBase64Url));
    }

    #[test]
    fn header_members_are_typed() {
        let body = b64(r#"{"sub":"1"}"#);
        let sig = BASE64URL.encode([0u8; MAC_LEN]);
        for (header, claim) in [
            (r#"{"alg":"HS256","kid":7}"#, "kid"),
            (r#"{"alg":"HS256","typ":"at+jwt"}"#, "typ"),
            (r#"{"alg":"HS256","crit":["b64"],"b64":false}"#, "crit"),
        ] {
            let token = format!("{}.{body}.{sig}", b64(header));
            match decode(&token) {
                Err(Error::InvalidClaim { claim: got, .. }) => assert_eq!(got, claim),
                other => panic!("{header}: {other:?}"),
            }
        }
        let lower_typ = format!("{}.{body}.{sig}", b64(r#"{"alg":"HS256","typ":"jwt"}"#));
        assert!(decode(&lower_typ).is_ok());
    }

    #[test]
    fn algorithm_of_reads_any_header() {
        let token = format!("{}.e30.", b64(r#"{"alg":"RS256"}"#));
        assert_eq!(algorithm_of(&token).as_deref(), Some("RS256"));
        assert_eq!(algorithm_of("nope"), None);
    }
}
