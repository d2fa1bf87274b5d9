//! The binary refuses a subject root NATS could not use, naming the rule.
//! (Living in this package also makes `cargo test` build the binary that the
//! workspace's end-to-end tests under `tests/` start.)

#[test]
fn refuses_a_malformed_subject_root() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspm-scan-worker"))
        .env("CSPM__NATS__SUBJECT_ROOT", "Bad.Root")
        .output()
        .expect("binary runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("subject root"), "{}", String::from_utf8_lossy(&out.stderr));
}
