//! OSS signature V4 (OSS4-HMAC-SHA256): to be written.
