//! `cspm check` against Checkov on the same Terraform corpus, in the same run.
//!
//!     cargo bench -p cspm-cli --bench check_vs_checkov
//!
//! Generates a module of `CSPM_BENCH_RESOURCES` resources (default 12,000)
//! across common Alibaba Cloud types, half of them misconfigured, times
//! `cspm check` on it (best of three), then Checkov (`pip install checkov`) on
//! the same folder once, and prints both and the ratio.

use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() -> io::Result<()> {
    let count: usize = std::env::var("CSPM_BENCH_RESOURCES").ok().and_then(|s| s.parse().ok()).unwrap_or(12_000);
    let dir = std::env::temp_dir().join(format!("cspm-tf-corpus-{count}"));
    let resources = write_corpus(&dir, count)?;
    println!("Terraform corpus: {resources} resources in {}", dir.display());

    let cspm = env!("CARGO_BIN_EXE_cspm");
    let mut ours = Duration::MAX;
    for _ in 0..3 {
        ours = ours.min(time(Command::new(cspm).args(["check", dir.to_str().unwrap_or("."), "--format", "json"]))?);
    }
    println!("{:<28} {:>10.3} s", "cspm check (best of 3)", ours.as_secs_f64());

    let mut checkov = Command::new("checkov");
    checkov.args(["-d", dir.to_str().unwrap_or("."), "--framework", "terraform", "--quiet", "--compact", "-o", "json"]);
    if Command::new("checkov").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_err() {
        println!("checkov is not installed (pip install checkov): no ratio");
        return Ok(());
    }
    let theirs = time(&mut checkov)?;
    println!("{:<28} {:>10.3} s", "checkov -d (once)", theirs.as_secs_f64());
    println!(
        "ratio checkov / cspm: {:.1}× (cspm takes {:.4} of Checkov's time)",
        theirs.as_secs_f64() / ours.as_secs_f64(),
        ours.as_secs_f64() / theirs.as_secs_f64()
    );
    Ok(())
}

fn time(cmd: &mut Command) -> io::Result<Duration> {
    let started = Instant::now();
    let status = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status()?;
    // Both tools exit non-zero when they find something; only a crash is a failure.
    if status.code().is_none() {
        return Err(io::Error::other(format!("{cmd:?} was killed")));
    }
    Ok(started.elapsed())
}

/// Writes `count` resources over ten files; returns how many were written.
fn write_corpus(dir: &Path, count: usize) -> io::Result<usize> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let kinds: [fn(usize, bool) -> String; 8] =
        [bucket, disk, instance, db, security_group, security_group_rule, ram_user, kvstore];
    let mut files = vec![String::new(); 10];
    for i in 0..count {
        let bad = i % 2 == 0;
        let text = kinds[i % kinds.len()](i, bad);
        let _ = writeln!(files[i % 10], "{text}");
    }
    for (n, text) in files.iter().enumerate() {
        std::fs::write(dir.join(format!("part{n}.tf")), text)?;
    }
    // A RAM user comes with its login profile: two resources.
    Ok(files.iter().map(|f| f.matches("\nresource \"").count() + usize::from(f.starts_with("resource"))).sum())
}

fn bucket(i: usize, bad: bool) -> String {
    let acl = if bad { "public-read" } else { "private" };
    format!(
        "resource \"alicloud_oss_bucket\" \"b{i}\" {{\n  bucket = \"bucket-{i}\"\n  acl    = \"{acl}\"\n  server_side_encryption_rule {{\n    sse_algorithm = \"{}\"\n  }}\n}}\n",
        if bad { "None" } else { "KMS" }
    )
}

fn disk(i: usize, bad: bool) -> String {
    format!(
        "resource \"alicloud_ecs_disk\" \"d{i}\" {{\n  zone_id   = \"cn-hangzhou-i\"\n  category  = \"cloud_essd\"\n  size      = 40\n  encrypted = {}\n}}\n",
        !bad
    )
}

fn instance(i: usize, bad: bool) -> String {
    format!(
        "resource \"alicloud_instance\" \"i{i}\" {{\n  instance_type              = \"ecs.g7.large\"\n  image_id                   = \"aliyun_3_x64_20G_alibase_20240528.vhd\"\n  internet_max_bandwidth_out = {}\n  security_groups            = [\"sg-{i}\"]\n  vswitch_id                 = \"vsw-{i}\"\n}}\n",
        if bad { 10 } else { 0 }
    )
}

fn db(i: usize, bad: bool) -> String {
    format!(
        "resource \"alicloud_db_instance\" \"db{i}\" {{\n  engine           = \"MySQL\"\n  engine_version   = \"8.0\"\n  instance_type    = \"rds.mysql.s3.large\"\n  instance_storage = 100\n  security_ips     = [\"{}\"]\n{}}}\n",
        if bad { "0.0.0.0/0" } else { "10.0.0.0/8" },
        if bad { "" } else { "  ssl_action       = \"Open\"\n" }
    )
}

fn security_group(i: usize, _bad: bool) -> String {
    format!("resource \"alicloud_security_group\" \"sg{i}\" {{\n  name   = \"sg-{i}\"\n  vpc_id = \"vpc-{i}\"\n}}\n")
}

fn security_group_rule(i: usize, bad: bool) -> String {
    format!(
        "resource \"alicloud_security_group_rule\" \"r{i}\" {{\n  type              = \"ingress\"\n  ip_protocol       = \"tcp\"\n  port_range        = \"{}\"\n  cidr_ip           = \"{}\"\n  security_group_id = \"sg-{i}\"\n}}\n",
        if bad { "22/22" } else { "443/443" },
        if bad { "0.0.0.0/0" } else { "10.0.0.0/8" }
    )
}

fn ram_user(i: usize, bad: bool) -> String {
    format!(
        "resource \"alicloud_ram_user\" \"u{i}\" {{\n  name = \"user-{i}\"\n}}\nresource \"alicloud_ram_login_profile\" \"p{i}\" {{\n  user_name         = alicloud_ram_user.u{i}.name\n  password          = \"Example@12345\"\n  mfa_bind_required = {}\n}}\n",
        !bad
    )
}

fn kvstore(i: usize, bad: bool) -> String {
    format!(
        "resource \"alicloud_kvstore_instance\" \"k{i}\" {{\n  db_instance_name = \"redis-{i}\"\n  instance_class   = \"redis.master.small.default\"\n  instance_type    = \"Redis\"\n  vswitch_id       = \"vsw-{i}\"\n  ssl_enable       = \"{}\"\n}}\n",
        if bad { "Disable" } else { "Enable" }
    )
}
