//! The binary refuses to start without an admin token, saying how to set one.
//! (Living in this package also makes `cargo test` build the binary that the
//! workspace's process-level tests under `tests/` start.)

use std::process::Command;

#[test]
fn refuses_to_start_without_an_admin_token() {
    let out = Command::new(env!("CARGO_BIN_EXE_cspm-activation"))
        .env_remove("CSPM__ACTIVATION__ADMIN_TOKEN")
        .env("CSPM__HTTP__LISTEN", "127.0.0.1:0")
        .output()
        .expect("binary runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("CSPM__ACTIVATION__ADMIN_TOKEN"), "{stderr}");
}

#[test]
fn refuses_a_missing_config_file() {
    let out = Command::new(env!("CARGO_BIN_EXE_cspm-activation"))
        .args(["--config", "/nonexistent/cspm.toml"])
        .env("CSPM__ACTIVATION__ADMIN_TOKEN", "0123456789abcdef0123")
        .output()
        .expect("binary runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cspm.toml"));
}
