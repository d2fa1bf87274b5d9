//! Credentials at rest: sealed with AES-256-GCM under a key from the
//! settings, bound to what they are for (the tenant), so an entry copied to
//! another tenant's key or altered in any byte does not open.

use crate::credentials::{Credentials, Secret};
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The length of a nonce, which leads each sealed entry.
const NONCE_BYTES: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error(
        "the credential key must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`"
    )]
    BadKey,
    /// Not sealed by this key for this purpose, or altered.
    #[error("a sealed credential does not open with this key")]
    Unreadable,
}

pub struct Vault {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(***)")
    }
}

/// What is sealed: the credentials, in the clear only inside the cipher.
#[derive(Serialize, Deserialize)]
struct Plain {
    id: String,
    secret: String,
    token: Option<String>,
    expires_at: Option<DateTime<Utc>>,
}

impl Vault {
    /// A vault with the key given as 64 hexadecimal characters.
    pub fn from_hex(key: &str) -> Result<Self, VaultError> {
        let bytes = hex::decode(key.trim()).map_err(|_| VaultError::BadKey)?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| VaultError::BadKey)?;
        Ok(Self { cipher })
    }

    /// `credentials` sealed for `purpose` (base64 of nonce and ciphertext).
    pub fn seal(&self, credentials: &Credentials, purpose: &str) -> String {
        let plain = Plain {
            id: credentials.access_key_id.clone(),
            secret: credentials.access_key_secret.expose().to_owned(),
            token: credentials.security_token.as_ref().map(|t| t.expose().to_owned()),
            expires_at: credentials.expires_at,
        };
        // Serializing a struct of strings cannot fail.
        let json = serde_json::to_vec(&plain).unwrap_or_default();
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // Encrypting into a Vec cannot fail for inputs this small.
        let sealed = self.cipher.encrypt(&nonce, Payload { msg: &json, aad: purpose.as_bytes() }).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        STANDARD.encode(out)
    }

    /// The credentials `sealed` holds, if it was sealed by this key for `purpose`.
    pub fn open(&self, sealed: &str, purpose: &str) -> Result<Credentials, VaultError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| VaultError::Unreadable)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(VaultError::Unreadable);
        }
        let (nonce, body) = bytes.split_at(NONCE_BYTES);
        let json = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: purpose.as_bytes() })
            .map_err(|_| VaultError::Unreadable)?;
        let plain: Plain = serde_json::from_slice(&json).map_err(|_| VaultError::Unreadable)?;
        Ok(Credentials {
            access_key_id: plain.id,
            access_key_secret: Secret::new(plain.secret),
            security_token: plain.token.map(Secret::new),
            expires_at: plain.expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn temporary() -> Credentials {
        let mut c = Credentials::new("STS.id", "the-secret");
        c.security_token = Some(Secret::new("the-token"));
        c.expires_at = DateTime::from_timestamp(1_800_000_000, 0);
        c
    }

    #[test]
    fn sealed_credentials_open_only_for_their_purpose_and_key() {
        let vault = Vault::from_hex(KEY).unwrap();
        let sealed = vault.seal(&temporary(), "cn/1");
        assert!(!sealed.contains("the-secret") && !sealed.contains("the-token") && !sealed.contains("STS.id"));
        assert_eq!(vault.open(&sealed, "cn/1").unwrap(), temporary());
        assert_eq!(vault.open(&sealed, "cn/2"), Err(VaultError::Unreadable), "bound to its tenant");
        let other = Vault::from_hex(&KEY.replace("00", "ff")).unwrap();
        assert_eq!(other.open(&sealed, "cn/1"), Err(VaultError::Unreadable));
        let mut bytes = STANDARD.decode(&sealed).unwrap();
        bytes[20] ^= 1;
        assert_eq!(vault.open(&STANDARD.encode(bytes), "cn/1"), Err(VaultError::Unreadable), "altered");
        assert_ne!(vault.seal(&temporary(), "cn/1"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn a_key_is_32_bytes_of_hex() {
        assert!(Vault::from_hex("").is_err());
        assert!(Vault::from_hex(&KEY[..62]).is_err());
        assert!(Vault::from_hex(&KEY.replace('0', "g")).is_err());
    }
}
