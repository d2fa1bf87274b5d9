//! Signature V3 (ACS3-HMAC-SHA256): to be written.
