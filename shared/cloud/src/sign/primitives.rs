//! The pieces both schemes share: RFC 3986 percent-encoding, SHA-256 and
//! HMAC-SHA256, header look-up and the constant-time signature check.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// RFC 3986 percent-encoding of the UTF-8 bytes of `input`: the unreserved
/// characters (`A-Z a-z 0-9 - _ . ~`) stay, every other byte becomes `%XY`
/// with upper-case hex (so a space is `%20`, never `+`, and `*` is `%2A`).
/// With `keep_slash`, `/` stays too (paths: each segment is encoded, the
/// separators are not).
pub(crate) fn percent_encode(input: &str, keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for &byte in input.as_bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~');
        if unreserved || (keep_slash && byte == b'/') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Lower-case hex of the SHA-256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length (longer ones are hashed first), so this
    // cannot fail; the fallback only satisfies the type.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = mac(key);
    m.update(data);
    m.finalize().into_bytes().into()
}

/// Whether `provided_hex` is the HMAC-SHA256 of `data` under `key`. The
/// comparison runs in constant time (hmac's `verify_slice`), so a forger
/// learns nothing from how long a wrong guess takes; malformed hex is simply
/// a mismatch.
pub(crate) fn hmac_matches(key: &[u8], data: &[u8], provided_hex: &str) -> bool {
    let Ok(provided) = hex::decode(provided_hex) else {
        return false;
    };
    let mut m = mac(key);
    m.update(data);
    m.verify_slice(&provided).is_ok()
}

/// The values of every header named `name` (case-insensitive), each trimmed
/// of surrounding white space, joined with `,` (the HTTP rule for repeated
/// headers); `None` when the request has no such header.
pub(crate) fn header_value(headers: &[(String, String)], name: &str) -> Option<String> {
    let mut values = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim());
    let first = values.next()?;
    Some(values.fold(first.to_owned(), |mut joined, v| {
        joined.push(',');
        joined.push_str(v);
        joined
    }))
}

/// Lower-cases, sorts and de-duplicates header names: the order both
/// schemes list signed headers in.
pub(crate) fn normalize_names<S: AsRef<str>>(names: &[S]) -> Vec<String> {
    let mut out: Vec<String> = names.iter().map(|n| n.as_ref().trim().to_ascii_lowercase()).collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_follows_rfc_3986() {
        assert_eq!(percent_encode("AZaz09-_.~", false), "AZaz09-_.~");
        assert_eq!(percent_encode("a b*c+d/e=f&g:h\"", false), "a%20b%2Ac%2Bd%2Fe%3Df%26g%3Ah%22");
        assert_eq!(percent_encode("/a b/c", true), "/a%20b/c");
        assert_eq!(percent_encode("中", false), "%E4%B8%AD");
    }

    #[test]
    fn repeated_headers_join_with_commas() {
        let headers = vec![("X-A".to_owned(), " 1 ".to_owned()), ("x-a".to_owned(), "2".to_owned())];
        assert_eq!(header_value(&headers, "x-a").as_deref(), Some("1,2"));
        assert_eq!(header_value(&headers, "x-b"), None);
    }

    #[test]
    fn hmac_check_rejects_bad_hex_and_wrong_values() {
        let good = hex::encode(hmac_sha256(b"k", b"m"));
        assert!(hmac_matches(b"k", b"m", &good));
        assert!(hmac_matches(b"k", b"m", &good.to_uppercase()));
        assert!(!hmac_matches(b"k", b"n", &good));
        assert!(!hmac_matches(b"k", b"m", "zz"));
        assert!(!hmac_matches(b"k", b"m", &good[..62]));
    }
}
