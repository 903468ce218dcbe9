//! docs/architecture.md, "Performance", whole processes: resident memory, idle CPU, the real binary's start
//! to first screen and the bytes it sends for one typed digit, and its size.
//!
//! 1. In process: a fresh child process (this bench, re-run with
//!    `XINGJI_BENCH_CHILD=DB`) opens the database, builds the TUI state (App::new),
//!    draws one 80×24 frame and reads its own VmRSS / VmHWM from /proc/self/status.
//! 2. The real binary (`CARGO_BIN_EXE_xingji`, built with the bench profile, which is
//!    the release profile) in an 80×24 pseudo-terminal: time from spawn to the first
//!    screen, VmRSS from /proc/PID/status, CPU ticks while idle, bytes for one digit.
//!
//! `cargo bench --bench memory` (scales: `XINGJI_BENCH_SCALES=20000,100000`).

// A benchmark may unwrap: a failed unwrap stops it with its location.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{roster, rss_kib, scales, show};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use xingji::service::Service;
use xingji::tui::keys::Action;
use xingji::tui::{App, Theme};

const BIN: &str = env!("CARGO_BIN_EXE_xingji");

/// Child mode: open, App::new, one frame, then report VmRSS.
fn child(db: &Path) {
    let (base, _) = rss_kib();
    let service = Service::open(db, "bench").expect("open");
    let year = service.working_year(None).expect("year");
    let mut app = App::new(service, year, Theme::plain()).expect("app");
    app.update(Action::Resize(80, 24));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| app.view(f)).expect("draw");
    let (rss, hwm) = rss_kib();
    println!("{rss} {hwm} {base}");
}

fn in_process(label: &str, db: &Path) {
    let out = Command::new(std::env::current_exe().expect("exe"))
        .env("XINGJI_BENCH_CHILD", db)
        .output()
        .expect("run child");
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<u64> = text
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    if let [rss, hwm, base] = v[..] {
        println!(
            "[{label}] in-process TUI state after first frame: VmRSS {:.1} MiB (peak {:.1} MiB; {:.1} MiB before opening)",
            rss as f64 / 1024.0,
            hwm as f64 / 1024.0,
            base as f64 / 1024.0
        );
    } else {
        println!(
            "[{label}] child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("nonzero")
}

fn proc_field(pid: u32, file: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default()
}

fn vm_rss_kib(pid: u32) -> u64 {
    proc_field(pid, "status")
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = proc_field(pid, "stat");
    // Fields after the command name (which is in parentheses); utime, stime are 14, 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)
}

struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<Mutex<(u64, Instant)>>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    fn start(home: &Path, db: &Path) -> (Pty, Instant) {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env_clear();
        cmd.env("LANG", "C.UTF-8");
        cmd.env("TERM", "xterm-256color");
        cmd.env("XINGJI_AMBIGUOUS", "narrow");
        cmd.env("HOME", home);
        cmd.env("PATH", "/usr/bin:/bin");
        cmd.cwd(home);
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).expect("spawn xingji");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(24), nz(80), 0)));
        let bytes = Arc::new(Mutex::new((0u64, Instant::now())));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let (sink, count) = (Arc::clone(&parser), Arc::clone(&bytes));
        thread::spawn(move || {
            let mut buf = [0u8; 16384];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        sink.lock().unwrap().process(&buf[..n]);
                        let mut c = count.lock().unwrap();
                        *c = (c.0 + n as u64, Instant::now());
                    }
                }
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        (
            Pty {
                parser,
                bytes,
                writer,
                _master: pair.master,
                child,
            },
            started,
        )
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Wait for `needle` on screen, then until nothing more comes for `quiet`.
    /// The instant of the last byte.
    fn settle(&self, needle: &str, quiet: Duration, timeout: Duration) -> Option<Instant> {
        let start = Instant::now();
        while !self.screen().contains(needle) {
            if start.elapsed() > timeout {
                return None;
            }
            thread::sleep(Duration::from_millis(2));
        }
        loop {
            let last = self.bytes.lock().unwrap().1;
            if last.elapsed() >= quiet {
                return Some(last);
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    fn count(&self) -> u64 {
        self.bytes.lock().unwrap().0
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("send");
        self.writer.flush().expect("flush");
    }
}

fn real_process(label: &str, db: &Path, timeout: Duration) {
    let home = tempfile::tempdir().expect("home");
    let (mut tui, started) = Pty::start(home.path(), db);
    let pid = tui.child.process_id().expect("pid");
    let quiet = Duration::from_millis(300);
    let Some(first) = tui.settle("星级分布", quiet, timeout) else {
        println!("[{label}] real binary: no first screen within {timeout:?}");
        let _ = tui.child.kill();
        return;
    };
    println!(
        "[{label}] real binary: spawn to first screen drawn (80x24, pty): {}",
        show(first - started)
    );
    let rss = vm_rss_kib(pid);
    println!(
        "[{label}] real binary: VmRSS at first screen: {:.1} MiB",
        rss as f64 / 1024.0
    );
    let before = cpu_ticks(pid);
    let idle = Duration::from_secs(5);
    thread::sleep(idle);
    let ticks = cpu_ticks(pid) - before;
    println!("[{label}] real binary: CPU ticks (1/100 s) used in {idle:?} idle: {ticks}");

    // List, Enter on the first secretary, then one digit.
    tui.send("l");
    tui.settle("书记名单", quiet, timeout);
    tui.send("\r");
    tui.settle("考核表", quiet, timeout);
    let before = tui.count();
    tui.send("5");
    let sent = Instant::now();
    while tui.count() == before && sent.elapsed() < timeout {
        thread::sleep(Duration::from_millis(1));
    }
    tui.settle("", quiet, timeout);
    println!(
        "[{label}] real binary: bytes sent for one typed digit in a form (80x24): {}",
        tui.count() - before
    );
    let rss = vm_rss_kib(pid);
    println!(
        "[{label}] real binary: VmRSS after opening a form: {:.1} MiB",
        rss as f64 / 1024.0
    );
    tui.send("\x03"); // Ctrl-C (saves the digit into this temporary copy)
    let start = Instant::now();
    while matches!(tui.child.try_wait(), Ok(None)) {
        if start.elapsed() > Duration::from_secs(10) {
            let _ = tui.child.kill();
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn main() {
    if let Some(db) = std::env::var_os("XINGJI_BENCH_CHILD") {
        child(Path::new(&db));
        return;
    }
    let quick = !std::env::args().any(|a| a == "--bench");
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = dir.path().join("demo.redb");
    drop(xingji::demo::open(&demo, "bench").expect("demo"));
    in_process("demo", &demo);
    if quick {
        return;
    }
    let size = std::fs::metadata(BIN).map(|m| m.len()).unwrap_or(0);
    println!(
        "binary {BIN}: {size} bytes ({:.2} MiB)",
        size as f64 / 1024.0 / 1024.0
    );
    real_process("demo", &demo, Duration::from_secs(30));
    for n in scales() {
        let label = format!("{n}");
        let path = dir.path().join(format!("{n}.redb"));
        drop(common::build_store(&path, &roster(n)));
        in_process(&label, &path);
        real_process(&label, &path, Duration::from_secs(900));
    }
}
