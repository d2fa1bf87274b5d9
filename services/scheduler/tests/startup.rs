//! The binary refuses to start without an admin token, saying how to set one.
//! (Living in this package also makes `cargo test` build the binary that the
//! workspace's end-to-end tests under `tests/` start.)

#[test]
fn refuses_to_start_without_an_admin_token() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspm-scheduler"))
        .env_remove("CSPM__SCHEDULER__ADMIN_TOKEN")
        .output()
        .expect("binary runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("CSPM__SCHEDULER__ADMIN_TOKEN"));
}
