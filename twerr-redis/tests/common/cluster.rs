//! A Redis Cluster of this test's own: six `redis-server`s in cluster mode on loopback ports
//! (three masters, each with a replica), without persistence; every process killed when the
//! cluster is dropped, also in a panic's unwind.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct RedisCluster {
    dir: PathBuf,
    /// (port, process); `None` once killed.
    nodes: Vec<(u16, Option<Child>)>,
}

/// Six free loopback ports (and their cluster bus ports, port + 10000, free too).
fn free_ports() -> Vec<u16> {
    let mut ports = Vec::new();
    let mut held = Vec::new();
    while ports.len() < 6 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        let bus_free = port < 55535 && TcpListener::bind(("127.0.0.1", port + 10000)).is_ok();
        if bus_free {
            ports.push(port);
        }
        held.push(listener);
    }
    ports
}

fn cli(port: u16, args: &[&str]) -> String {
    let output = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .stderr(Stdio::null())
        .output()
        .expect("run redis-cli");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl RedisCluster {
    /// Starts the six servers, creates the cluster and waits (at most 30 s) until every
    /// node reports `cluster_state:ok` and every replica is in sync with its master.
    pub fn start() -> RedisCluster {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "twerr-redis-cluster-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let mut cluster = RedisCluster {
            dir,
            nodes: Vec::new(),
        };
        for port in free_ports() {
            let node_dir = cluster.dir.join(port.to_string());
            std::fs::create_dir_all(&node_dir).expect("create a node directory");
            let child = Command::new("redis-server")
                .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
                .args(["--save", "", "--appendonly", "no"])
                // A replica syncs at once (not 5 s later): one that never synced would not
                // take over.
                .args(["--repl-diskless-sync-delay", "0"])
                .args(["--cluster-enabled", "yes", "--cluster-node-timeout", "1000"])
                .args(["--cluster-config-file", "nodes.conf"])
                .arg("--dir")
                .arg(&node_dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start redis-server (Debian: apt-get install redis-server)");
            cluster.nodes.push((port, Some(child)));
        }
        for &(port, _) in &cluster.nodes {
            cluster.wait(&format!("node {port} answers"), || {
                cli(port, &["PING"]).contains("PONG")
            });
        }
        let addresses: Vec<String> = cluster
            .nodes
            .iter()
            .map(|(port, _)| format!("127.0.0.1:{port}"))
            .collect();
        let status = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run redis-cli --cluster create");
        assert!(status.success(), "redis-cli --cluster create failed");
        let ports: Vec<u16> = cluster.ports();
        cluster.wait("cluster_state:ok on every node", || {
            ports
                .iter()
                .all(|port| cli(*port, &["CLUSTER", "INFO"]).contains("cluster_state:ok"))
        });
        cluster.wait("every replica in sync", || {
            let infos: Vec<String> = ports
                .iter()
                .map(|port| cli(*port, &["INFO", "replication"]))
                .collect();
            infos.iter().filter(|i| i.contains("role:slave")).count() == 3
                && infos
                    .iter()
                    .filter(|i| i.contains("role:slave"))
                    .all(|i| i.contains("master_link_status:up"))
        });
        cluster
    }

    fn wait(&self, what: &str, mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the cluster: {what}, not within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn ports(&self) -> Vec<u16> {
        self.nodes.iter().map(|(port, _)| *port).collect()
    }

    /// The seed URLs of every node.
    pub fn urls(&self) -> Vec<String> {
        self.ports()
            .iter()
            .map(|port| format!("redis://127.0.0.1:{port}/"))
            .collect()
    }

    /// The port of the master serving `key` now.
    pub fn master_of(&self, key: &str) -> u16 {
        let port = self.live_port();
        let slot: u16 = cli(port, &["CLUSTER", "KEYSLOT", key])
            .trim()
            .parse()
            .expect("a slot");
        self.master_of_slot(slot)
    }

    fn live_port(&self) -> u16 {
        self.nodes
            .iter()
            .find(|(_, child)| child.is_some())
            .map(|(port, _)| *port)
            .expect("a live node")
    }

    /// The port of the master serving `slot` now, as a live node sees it.
    pub fn master_of_slot(&self, slot: u16) -> u16 {
        let shards = cli(self.live_port(), &["CLUSTER", "SLOTS"]);
        // redis-cli prints each range as: start, end, then master ip, port, id, replicas.
        let lines: Vec<&str> = shards.lines().map(str::trim).collect();
        let mut i = 0;
        while i + 3 < lines.len() {
            if let (Ok(start), Ok(end)) = (lines[i].parse::<u16>(), lines[i + 1].parse::<u16>())
                && lines[i + 2] == "127.0.0.1"
                && (start..=end).contains(&slot)
            {
                return lines[i + 3].parse().expect("a port");
            }
            i += 1;
        }
        panic!("no master for slot {slot} in {shards}");
    }

    /// Kills the node on `port` with SIGKILL.
    pub fn kill(&mut self, port: u16) {
        for (p, child) in &mut self.nodes {
            if *p == port
                && let Some(mut child) = child.take()
            {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// Waits (at most 30 s) until a live node reports the cluster healthy again with
    /// `slot` served by another master than `old`.
    pub fn wait_failover(&self, slot: u16, old: u16) {
        let port = self.live_port();
        self.wait("a replica takes over", || {
            cli(port, &["CLUSTER", "INFO"]).contains("cluster_state:ok")
                && self.master_of_slot(slot) != old
        });
    }

    /// `CLUSTER KEYSLOT key`.
    pub fn slot(&self, key: &str) -> u16 {
        cli(self.live_port(), &["CLUSTER", "KEYSLOT", key])
            .trim()
            .parse()
            .expect("a slot")
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for (_, child) in &mut self.nodes {
            if let Some(mut child) = child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
