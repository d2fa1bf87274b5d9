//! Redis and NATS servers of a test's own, on free loopback ports, for
//! fault tests that kill and restart them (never the shared servers).
//! Each keeps its data in a directory of its own, so a restart finds it.

use crate::free_port;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Which server, and how to start it on `port` with its data in `dir`.
#[derive(Clone, Copy)]
enum Kind {
    /// AOF on, as production runs it: a killed server loses no acknowledged write.
    Redis,
    /// JetStream with file storage.
    Nats,
}

pub struct OwnServer {
    kind: Kind,
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

fn binary(name: &str, fallback: &str) -> String {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output();
    match found {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        _ => fallback.to_owned(),
    }
}

impl OwnServer {
    pub fn redis() -> Self {
        Self::start(Kind::Redis)
    }

    pub fn nats() -> Self {
        Self::start(Kind::Nats)
    }

    fn start(kind: Kind) -> Self {
        let dir = std::env::temp_dir().join(format!("cspm-own-{}-{}", std::process::id(), free_port()));
        std::fs::create_dir_all(&dir).expect("a data directory");
        let mut server = Self { kind, port: free_port(), dir, child: None };
        server.restart();
        server
    }

    pub fn url(&self) -> String {
        match self.kind {
            Kind::Redis => format!("redis://127.0.0.1:{}", self.port),
            Kind::Nats => format!("nats://127.0.0.1:{}", self.port),
        }
    }

    /// Starts the server (again) on its port with its data, and waits until it listens.
    pub fn restart(&mut self) {
        let port = self.port.to_string();
        let mut cmd = match self.kind {
            Kind::Redis => {
                let mut c = Command::new(binary("redis-server", "/usr/bin/redis-server"));
                c.args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"]);
                c.arg("--dir").arg(&self.dir);
                c
            }
            Kind::Nats => {
                let mut c = Command::new(binary("nats-server", "/usr/sbin/nats-server"));
                c.args(["-a", "127.0.0.1", "-p", &port, "-js", "-sd"]).arg(&self.dir);
                c
            }
        };
        let child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("the server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "the server did not listen on {}", self.port);
            std::thread::sleep(Duration::from_millis(20));
        }
        // NATS answers before JetStream has recovered its streams.
        if matches!(self.kind, Kind::Nats) {
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// SIGKILL: the server dies holding whatever it holds.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
