//! `cspm demo`, the README's first command: the whole fleet in one process
//! authorizes a tenant, buys quota, scans the sample inventory, prints the
//! risks and the quota used, and exits 0.

use std::process::Command;

#[test]
fn the_demo_scans_the_sample_and_reports() {
    let out = Command::new(env!("CARGO_BIN_EXE_cspm")).arg("demo").output().expect("cspm runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "exit {:?}\n{stdout}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("authorized the service-linked role AliyunServiceRoleForSasCspm"), "{stdout}");
    let charged: u64 = stdout
        .split("finished: Done, ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no finished line: {stdout}"));
    assert!(charged > 0);
    assert!(stdout.contains("rds-white-list-internet-ip-access-check"), "{stdout}");
    let quota_line = format!("quota: {charged} used of 3000 purchased, {} remaining", 3000 - charged);
    assert!(stdout.contains(&quota_line), "the ledger agrees with the task: {stdout}");
}

#[test]
fn bad_input_gets_a_readable_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_cspm")).args(["quota", "mars/1"]).output().expect("cspm runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown site \"mars\""));
    let out = Command::new(env!("CARGO_BIN_EXE_cspm"))
        .args(["--scheduler", "http://127.0.0.1:1", "results", "cn/1234567890123456"])
        .output()
        .expect("cspm runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach http://127.0.0.1:1"));
}
