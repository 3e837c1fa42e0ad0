//! A real `redis-server` on a free loopback port, stopped when dropped (the fake Capillary the
//! fleet tests point their clients at is `wire.rs` beside it).
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    pub url: String,
}

impl RedisServer {
    /// Starts one, or `None` (with a message saying why the test is skipped) when the
    /// `redis-server` binary is not installed.
    pub fn start() -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self {
            child: None,
            port,
            url: format!("redis://127.0.0.1:{port}/"),
        };
        match server.spawn() {
            Ok(()) => Some(server),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                eprintln!(
                    "SKIPPED: redis-server is not installed (apt-get install -y redis-server)"
                );
                None
            }
            Err(e) => panic!("could not start redis-server: {e}"),
        }
    }

    fn spawn(&mut self) -> std::io::Result<()> {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        self.child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not listen on {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops it and starts a new, empty one on the same port, as a Redis restart would: every
    /// connection to the old one is cut, and whatever it held is gone.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn().expect("could not start redis-server again");
    }

    /// Stops (`SIGSTOP`) or resumes (`SIGCONT`) it: a Redis that hangs, its connections open.
    pub fn hang(&self, hung: bool) {
        let child = self.child.as_ref().expect("redis-server is not running");
        let signal = if hung { "-STOP" } else { "-CONT" };
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill {signal} failed");
    }

    /// A plain connection for a test to look at or change what the server holds.
    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url.as_str())
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap()
    }

    /// The keys matching `pattern` (`KEYS`).
    pub async fn keys(&self, pattern: &str) -> Vec<String> {
        self.query(redis::cmd("KEYS").arg(pattern)).await
    }

    /// One command's answer, over a plain connection.
    pub async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> T {
        command
            .query_async(&mut self.connection().await)
            .await
            .unwrap()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
