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
    assert!(stdout.contains("finished: Done, 21 units charged"), "{stdout}");
    assert!(stdout.contains("rds-white-list-internet-ip-access-check"), "{stdout}");
    assert!(stdout.contains("quota: 21 used of 3000 purchased, 2979 remaining"), "{stdout}");
}

#[test]
fn bad_input_gets_a_readable_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_cspm")).args(["quota", "mars/1"]).output().expect("cspm runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown site \"mars\""));
    let out = Command::new(env!("CARGO_BIN_EXE_cspm"))
        .args(["--scheduler", "http://127.0.0.1:1", "catalogue"])
        .output()
        .expect("cspm runs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach http://127.0.0.1:1"));
}
