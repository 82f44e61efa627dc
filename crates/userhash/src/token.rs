//! The text form of a token: writing a MAC (and timestamp) under a scheme, and reading one back
//! strictly.
//!
//! Decoding is strict by decision: a token is accepted only in the exact form the scheme writes
//! (lower-case hex, canonical padded base64, a plain decimal timestamp). Vendors compare tokens as
//! text, so an upper-case or re-encoded token that a lenient verifier accepted would still fail
//! at the vendor; rejecting it here surfaces the bug before production, and `explain` names it.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as BASE64URL};

use crate::error::{Error, Result, TokenDefect};
use crate::mac::MAC_LEN;
use crate::parts::{Encoding, TIMESTAMP_SEPARATOR, TimestampPlacement};

/// The most digits a `u64` number of seconds has.
const MAX_TIMESTAMP_DIGITS: usize = 20;

/// The length of a MAC written in `encoding`.
pub(crate) const fn encoded_len(encoding: Encoding) -> usize {
    match encoding {
        Encoding::Hex => 2 * MAC_LEN,
        Encoding::Base64 => MAC_LEN.div_ceil(3) * 4,
        // A JWT's signature segment: unpadded base64url.
        Encoding::Jwt => (MAC_LEN * 4).div_ceil(3),
    }
}

/// The longest token a scheme with these parts can produce; anything longer is rejected before
/// any work.
pub(crate) fn max_token_len(encoding: Encoding, timestamp: TimestampPlacement) -> usize {
    let suffix = match timestamp {
        TimestampPlacement::Suffix => 1 + MAX_TIMESTAMP_DIGITS,
        TimestampPlacement::None => 0,
    };
    encoded_len(encoding) + suffix
}

/// The two lower-case hex digits of every byte value, so writing a MAC in hex is one table load
/// and one two-byte store per byte.
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        pairs[byte] = [DIGITS[byte >> 4], DIGITS[byte & 0xf]];
        byte += 1;
    }
    pairs
};

/// Marks a byte that is not a lower-case hex digit in [`HEX_VALUES`]: any bit above the low four.
const NOT_HEX: u8 = 0x10;

/// The value of every lower-case hex digit, and [`NOT_HEX`] for every other byte, so reading a
/// hex MAC is two table loads per byte, with one check after the loop. (The `hex` crate's
/// decoder, which checks and branches per digit, was the largest single cost of a verification:
/// more than both SHA-256 compressions, measured with `perf` on the JVM's verify.)
const HEX_VALUES: [u8; 256] = {
    let mut values = [NOT_HEX; 256];
    let mut digit = 0;
    while digit < 16 {
        values[HEX_PAIRS[digit][1] as usize] = digit as u8;
        digit += 1;
    }
    values
};

/// Appends a MAC written in `encoding` to `out`, without allocating beyond `out`'s growth.
pub(crate) fn push_mac(encoding: Encoding, mac: &[u8; MAC_LEN], out: &mut String) {
    match encoding {
        Encoding::Hex => {
            let mut digits = [0u8; 2 * MAC_LEN];
            for (pair, &byte) in digits.chunks_exact_mut(2).zip(mac) {
                pair.copy_from_slice(&HEX_PAIRS[usize::from(byte)]);
            }
            // Always ASCII, so always valid UTF-8; the fallback only avoids an unwrap.
            match std::str::from_utf8(&digits) {
                Ok(text) => out.push_str(text),
                Err(_) => out.extend(digits.iter().copied().map(char::from)),
            }
        }
        Encoding::Base64 => BASE64.encode_string(mac, out),
        Encoding::Jwt => BASE64URL.encode_string(mac, out),
    }
}

/// A MAC written in `encoding`.
pub(crate) fn encode_mac(encoding: Encoding, mac: &[u8; MAC_LEN]) -> String {
    let mut text = String::with_capacity(encoded_len(encoding));
    push_mac(encoding, mac, &mut text);
    text
}

/// Writes the token for a MAC into `out` (replacing its contents), with the timestamp's digits
/// appended when the scheme embeds one.
pub(crate) fn write_token(
    encoding: Encoding,
    mac: &[u8; MAC_LEN],
    timestamp: Option<&Decimal>,
    out: &mut String,
) {
    out.clear();
    out.reserve(encoded_len(encoding) + 1 + MAX_TIMESTAMP_DIGITS);
    push_mac(encoding, mac, out);
    if let Some(seconds) = timestamp {
        out.push(TIMESTAMP_SEPARATOR);
        out.extend(seconds.as_bytes().iter().copied().map(char::from));
    }
}

/// A `u64` written in decimal on the stack: the timestamp as it is signed and sent.
pub(crate) struct Decimal {
    digits: [u8; MAX_TIMESTAMP_DIGITS],
    start: usize,
}

impl Decimal {
    pub(crate) fn new(mut value: u64) -> Decimal {
        let mut digits = [0u8; MAX_TIMESTAMP_DIGITS];
        let mut start = MAX_TIMESTAMP_DIGITS;
        loop {
            start -= 1;
            // `value % 10` is below 10, so the cast cannot truncate.
            digits[start] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        Decimal { digits, start }
    }

    /// The ASCII digits, without leading zeros.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.digits.get(self.start..).unwrap_or_default()
    }
}

/// A token read back: its MAC bytes and, for timestamped schemes, its timestamp.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParsedToken<'a> {
    pub(crate) mac: [u8; MAC_LEN],
    pub(crate) timestamp: Option<Timestamp<'a>>,
}

/// A timestamp as written in a token and as a number.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timestamp<'a> {
    /// The digits exactly as written; this is what was signed.
    pub(crate) text: &'a str,
    /// The digits as seconds since the Unix epoch.
    pub(crate) seconds: u64,
}

/// Reads a token written in `encoding` with `timestamp`, strictly; `scheme` names the scheme in
/// [`Error::MissingTimestamp`].
pub(crate) fn parse_token<'a>(
    encoding: Encoding,
    timestamp: TimestampPlacement,
    scheme: &str,
    token: &'a str,
) -> Result<ParsedToken<'a>> {
    let malformed = |reason| Error::MalformedToken { reason };
    if token.is_empty() {
        return Err(malformed(TokenDefect::Empty));
    }
    if token.len() > max_token_len(encoding, timestamp) {
        return Err(malformed(TokenDefect::TooLong));
    }
    if timestamp == TimestampPlacement::None {
        let mac = decode_mac(encoding, token).map_err(malformed)?;
        return Ok(ParsedToken {
            mac,
            timestamp: None,
        });
    }
    match token.rsplit_once(TIMESTAMP_SEPARATOR) {
        Some((mac, seconds)) => Ok(ParsedToken {
            mac: decode_mac(encoding, mac).map_err(malformed)?,
            timestamp: Some(parse_timestamp(seconds).map_err(malformed)?),
        }),
        None => {
            // A well-formed bare MAC is a specific, common mistake: the timestamp was dropped.
            decode_mac(encoding, token).map_err(malformed)?;
            Err(Error::MissingTimestamp {
                scheme: scheme.to_owned(),
            })
        }
    }
}

/// Decodes a MAC written in `encoding`, accepting only the canonical form.
pub(crate) fn decode_mac(encoding: Encoding, text: &str) -> Result<[u8; MAC_LEN], TokenDefect> {
    if text.len() != encoded_len(encoding) {
        return Err(TokenDefect::WrongLength);
    }
    let mut mac = [0u8; MAC_LEN];
    match encoding {
        Encoding::Hex => {
            let bytes = text.as_bytes();
            // The length was checked above: exactly one pair of digits per byte.
            let mut seen = 0u8;
            for (byte, pair) in mac.iter_mut().zip(bytes.chunks_exact(2)) {
                let (high, low) = (
                    HEX_VALUES[usize::from(pair[0])],
                    HEX_VALUES[usize::from(pair[1])],
                );
                seen |= high | low;
                *byte = (high << 4) | (low & 0xf);
            }
            if seen & NOT_HEX != 0 {
                let upper = bytes.iter().all(u8::is_ascii_hexdigit);
                return Err(if upper {
                    TokenDefect::UppercaseHex
                } else {
                    TokenDefect::NotHex
                });
            }
        }
        Encoding::Base64 => {
            let decoded = BASE64.decode(text).map_err(|_| TokenDefect::NotBase64)?;
            mac = decoded.try_into().map_err(|_| TokenDefect::WrongLength)?;
        }
        Encoding::Jwt => {
            let decoded = BASE64URL
                .decode(text)
                .map_err(|_| TokenDefect::NotBase64Url)?;
            mac = decoded.try_into().map_err(|_| TokenDefect::WrongLength)?;
        }
    }
    Ok(mac)
}

/// Reads 1–20 decimal digits with no sign and no leading zero (unless the number is 0).
fn parse_timestamp(text: &str) -> Result<Timestamp<'_>, TokenDefect> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = text.len() > 1 && text.starts_with('0');
    if !digits_only || leading_zero {
        return Err(TokenDefect::NotDecimalTimestamp);
    }
    let seconds = text
        .parse::<u64>()
        .map_err(|_| TokenDefect::TimestampOverflow)?;
    Ok(Timestamp { text, seconds })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Jimo's token: lower-case hex with a timestamp suffix.
    fn jimo(token: &str) -> Result<ParsedToken<'_>> {
        parse_token(Encoding::Hex, TimestampPlacement::Suffix, "jimo", token)
    }

    #[test]
    fn table_hex_decoding_equals_the_hex_crate_and_refuses_every_other_byte() {
        let mac: [u8; MAC_LEN] = std::array::from_fn(|i| (i * 37 + 11) as u8);
        let text = hex::encode(mac);
        assert_eq!(decode_mac(Encoding::Hex, &text), Ok(mac));
        for byte in 0..=u8::MAX {
            let digits = [byte, byte];
            let decoded = hex::decode(digits)
                .ok()
                .filter(|_| !byte.is_ascii_uppercase());
            for at in [0, 1, 62, 63] {
                let mut bytes = text.clone().into_bytes();
                bytes[at] = byte;
                let Ok(text) = String::from_utf8(bytes) else {
                    continue;
                };
                let expected = match decoded {
                    Some(_) => Ok(hex::decode(&text).unwrap().try_into().unwrap()),
                    None if byte.is_ascii_hexdigit() => Err(TokenDefect::UppercaseHex),
                    None => Err(TokenDefect::NotHex),
                };
                assert_eq!(
                    decode_mac(Encoding::Hex, &text),
                    expected,
                    "{byte:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn table_hex_equals_the_hex_crate() {
        for byte in 0..=u8::MAX {
            assert_eq!(
                HEX_PAIRS[usize::from(byte)].as_slice(),
                hex::encode([byte]).as_bytes()
            );
        }
        let mac: [u8; MAC_LEN] = std::array::from_fn(|i| (i * 37 + 11) as u8);
        assert_eq!(encode_mac(Encoding::Hex, &mac), hex::encode(mac));
        assert_eq!(encode_mac(Encoding::Hex, &[0xff; MAC_LEN]), "f".repeat(64));
        assert_eq!(encode_mac(Encoding::Hex, &[0; MAC_LEN]), "0".repeat(64));
    }

    #[test]
    fn decimal_digits() {
        for value in [0, 7, 10, 1_741_761_604, u64::MAX] {
            assert_eq!(Decimal::new(value).as_bytes(), value.to_string().as_bytes());
        }
    }

    #[test]
    fn lengths_follow_the_encoding() {
        assert_eq!(encoded_len(Encoding::Hex), 64);
        assert_eq!(encoded_len(Encoding::Base64), 44);
        assert_eq!(encode_mac(Encoding::Base64, &[7; MAC_LEN]).len(), 44);
    }

    #[test]
    fn hex_is_lower_case_only() {
        let lower = "ab".repeat(MAC_LEN);
        assert!(decode_mac(Encoding::Hex, &lower).is_ok());
        assert_eq!(
            decode_mac(Encoding::Hex, &lower.to_uppercase()),
            Err(TokenDefect::UppercaseHex)
        );
        assert_eq!(
            decode_mac(Encoding::Hex, &format!("g{}", &lower[1..])),
            Err(TokenDefect::NotHex)
        );
        assert_eq!(
            decode_mac(Encoding::Hex, &lower[1..]),
            Err(TokenDefect::WrongLength)
        );
    }

    #[test]
    fn base64_must_be_canonical() {
        let good = encode_mac(Encoding::Base64, &[0xff; MAC_LEN]);
        assert!(decode_mac(Encoding::Base64, &good).is_ok());
        // The last character before the padding carries unused bits; setting them is not canonical.
        let mut loose = good.clone().into_bytes();
        loose[42] = b'9';
        let loose = String::from_utf8(loose).unwrap();
        assert_eq!(
            decode_mac(Encoding::Base64, &loose),
            Err(TokenDefect::NotBase64)
        );
        let url_safe = good.replace('/', "_").replace('+', "-");
        assert_ne!(url_safe, good);
        assert_eq!(
            decode_mac(Encoding::Base64, &url_safe),
            Err(TokenDefect::NotBase64)
        );
    }

    #[test]
    fn timestamps_are_plain_decimal_seconds() {
        let mac = "0".repeat(64);
        let kind = |token: &str| jimo(token).err().map(|e| e.kind());
        assert_eq!(kind(&format!("{mac}-0")), None);
        assert_eq!(kind(&format!("{mac}-18446744073709551615")), None);
        for bad in ["", "-5", "+5", "05", "1.5", " 1", "1e9"] {
            assert_eq!(
                kind(&format!("{mac}-{bad}")),
                Some(crate::ErrorKind::MalformedToken),
                "{bad:?}"
            );
        }
        assert_eq!(
            jimo(&format!("{mac}-18446744073709551616")).err(),
            Some(Error::MalformedToken {
                reason: TokenDefect::TimestampOverflow
            })
        );
        assert_eq!(kind(&mac), Some(crate::ErrorKind::MissingTimestamp));
    }
}
