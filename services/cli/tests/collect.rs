//! `cspm collect` reads an account over signed HTTP calls — here the
//! emulator's, started as its own process — into responses `cspm import`
//! takes: the same assets as the documents the emulator holds.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/assets/samples/demo-inventory.json");

fn emulator_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(|deps| deps.parent()).unwrap().join("cspm-cloud-emulator")
}

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn collect_reads_an_account_into_importable_responses() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let role = "acs:ram::1234567890123456:role/cspm-scanner";
    let emulator = Command::new(emulator_binary())
        .args(["--listen", &format!("127.0.0.1:{port}"), "--seed", SAMPLE])
        .args(["--key", "LTAIoperator:operator-secret:5555555555555555"])
        .args(["--role", &format!("{role}=5555555555555555")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator starts (cargo test --workspace builds it)");
    let _emulator = Killed(emulator);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the emulator did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out_file = std::env::temp_dir().join(format!("cspm-collect-{}.json", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_cspm"))
        .args(["collect", "cn/1234567890123456", "--role-arn", role])
        .args(["--endpoint", &format!("http://127.0.0.1:{port}")])
        .arg("--out")
        .arg(&out_file)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIoperator")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "operator-secret")
        .output()
        .expect("cspm runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("assumed-role/cspm-scanner"), "{stdout}");
    let collected: serde_json::Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out_file);
    let count = |docs: &serde_json::Value| {
        let responses: Vec<cspm_assets::openapi::ApiResponse> = serde_json::from_value(docs.clone()).unwrap();
        cspm_assets::openapi::ingest(&responses).unwrap().len()
    };
    let mut sample: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    sample.retain(|d| !d["api"].as_str().unwrap().starts_with("sls:"));
    assert_eq!(count(&collected), count(&serde_json::Value::Array(sample)), "every asset the account holds");

    // Wrong operator credentials: a clear error, no file.
    let out = Command::new(env!("CARGO_BIN_EXE_cspm"))
        .args(["collect", "cn/1234567890123456", "--endpoint", &format!("http://127.0.0.1:{port}")])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIoperator")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong")
        .output()
        .expect("cspm runs");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SignatureDoesNotMatch"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
