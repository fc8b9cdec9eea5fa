//! Counting work instead of timing it: a test re-runs its own binary under valgrind's callgrind,
//! which counts the instructions executed inside one named function for each job, whatever
//! else the machine is doing.
//!
//! The parent calls [`count`] with its exact test name and the jobs; the child (the same test,
//! started with the jobs in [`JOBS_VAR`]) calls [`run_child`] first thing, which runs each job
//! once and returns `true`. callgrind collects only inside the measured function
//! (`--toggle-collect`) and writes one profile each time it returns (`--dump-after`), so the
//! n-th profile holds the n-th job's instructions and nothing else: not the body's making, not
//! the test harness, not valgrind's start.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs, thread};

/// The environment variable that hands the child its jobs: `shape:n` separated by `,`.
pub const JOBS_VAR: &str = "TWERR_WORK_JOBS";

/// One measurement: a named input of `n` units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub shape: String,
    pub n: usize,
}

impl Job {
    pub fn new(shape: &str, n: usize) -> Job {
        Job {
            shape: shape.to_owned(),
            n,
        }
    }
}

fn encode(jobs: &[Job]) -> String {
    let each: Vec<String> = jobs
        .iter()
        .map(|j| format!("{}:{}", j.shape, j.n))
        .collect();
    each.join(",")
}

fn decode(text: &str) -> Vec<Job> {
    text.split(',')
        .map(|job| {
            let (shape, n) = job
                .rsplit_once(':')
                .unwrap_or_else(|| panic!("{JOBS_VAR}: `{job}` is not `shape:n`"));
            let n = n
                .parse()
                .unwrap_or_else(|_| panic!("{JOBS_VAR}: `{n}` is not a count"));
            Job::new(shape, n)
        })
        .collect()
}

/// In the child, runs every job once (`make` outside the measured function, `measured` on its
/// result) and returns `true`; in the parent, does nothing and returns `false`.
pub fn run_child(measured: fn(&Job, &[u8]), make: fn(&Job) -> Vec<u8>) -> bool {
    let Ok(jobs) = env::var(JOBS_VAR) else {
        return false;
    };
    for job in decode(&jobs) {
        let body = make(&job);
        measured(&job, &body);
    }
    true
}

/// The instructions executed inside the function `symbol` (its exact demangled path, e.g.
/// `linear::measured`: `--dump-after` takes no wildcards) for each job, in order, counted by
/// running the test `test` of this binary as the child: one child per core, each with its
/// share of the jobs.
///
/// Panics, saying how to get it, when valgrind is not installed: a test that cannot measure
/// must not pass.
pub fn count(test: &str, symbol: &str, jobs: &[Job]) -> Vec<u64> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        panic!(
            "valgrind is not installed, and this test counts instructions with it: run \
             `scripts/preflight` (scripts/check runs it; as root it installs Debian's valgrind) \
             or install it yourself (`apt-get install valgrind`)"
        );
    }
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let share = jobs.len().div_ceil(cores).max(1);
    thread::scope(|scope| {
        let children: Vec<_> = jobs
            .chunks(share)
            .enumerate()
            .map(|(i, chunk)| scope.spawn(move || count_in_child(test, symbol, chunk, i)))
            .collect();
        children
            .into_iter()
            .flat_map(|child| {
                child
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// [`count`] for the jobs of one child, the `index`-th.
fn count_in_child(test: &str, symbol: &str, jobs: &[Job], index: usize) -> Vec<u64> {
    let dir = scratch_dir(&format!("{test}-{index}"));
    let exe = env::current_exe().expect("the test binary's path");
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--toggle-collect={symbol}"))
        .arg(format!("--dump-after={symbol}"))
        .arg(format!(
            "--callgrind-out-file={}",
            dir.join("callgrind.out").display()
        ))
        .arg("--dump-instr=no")
        .arg(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(JOBS_VAR, encode(jobs))
        .output()
        .expect("run valgrind");
    let counts = if output.status.success() {
        profiles(&dir)
    } else {
        Err(format!("valgrind exited with {}", output.status))
    };
    let _ = fs::remove_dir_all(&dir);
    match counts {
        Ok(counts) if counts.len() == jobs.len() => counts,
        Ok(counts) => panic!(
            "{} profiles for {} jobs: is `{symbol}` inlined or renamed?\n{}",
            counts.len(),
            jobs.len(),
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(why) => panic!("{why}\n{}", String::from_utf8_lossy(&output.stderr)),
    }
}

/// A fresh directory for one test's profiles.
fn scratch_dir(test: &str) -> PathBuf {
    let dir = env::temp_dir().join(format!("twerr-work-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// The instruction totals of the numbered profiles `callgrind.out.1`, `.2`, ... in order.
fn profiles(dir: &Path) -> Result<Vec<u64>, String> {
    let mut numbered = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let part = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(|e| e.parse::<u32>().ok());
        if let Some(part) = part {
            numbered.push((part, path));
        }
    }
    numbered.sort();
    numbered
        .iter()
        .map(|(_, path)| {
            let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
            text.lines()
                .find_map(|line| line.strip_prefix("totals:"))
                .and_then(|total| total.trim().parse().ok())
                .ok_or_else(|| format!("no instruction total in {}", path.display()))
        })
        .collect()
}
