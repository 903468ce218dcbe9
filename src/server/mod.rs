//! `xingji serve`: the one process that owns the database file, serving every clerk's
//! `xingji` over a Unix socket (docs/architecture.md §7).
//!
//! Each connection is a thread. Who the client is comes from the kernel (SO_PEERCRED:
//! the peer's uid, and its name from the password database), never from the client;
//! the user list of the database then says what that user may do. Every request is
//! answered by the same `Local` service a single-user run uses, in one transaction,
//! so a client that goes away mid-request leaves nothing half-done. After every change
//! each watching connection is sent a notice, so that other screens redraw.

mod peer;

use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use peer::{peer_uid, user_name};

use crate::service::protocol::{
    Hello, Notice, PROTOCOL, Request, Response, Welcome, read_frame, write_frame,
};
use crate::service::search::Finder;
use crate::service::{Local, Refusal, Resident};
use crate::store::Store;

/// Connections served at once; one more is told so and closed.
pub const MAX_CONNECTIONS: usize = 512;

/// How long a new connection may take to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// How a connection's user is known. The real server asks the kernel; tests that
/// cannot create Unix users give names of their own.
pub type Identify = Box<dyn Fn(&UnixStream) -> io::Result<String> + Send + Sync>;

/// The user of a connection, from the kernel's peer credentials.
pub fn kernel_identity() -> Identify {
    Box::new(|stream| {
        let uid = peer_uid(stream)?;
        Ok(user_name(uid).unwrap_or_else(|| format!("uid{uid}")))
    })
}

pub struct Server {
    store: Arc<Store>,
    /// The rated years kept between requests (docs/architecture.md §7).
    resident: Arc<Resident>,
    identify: Identify,
    /// The watching connections and their users.
    watchers: Mutex<Vec<(UnixStream, String)>>,
    connections: AtomicUsize,
}

/// Listen at `socket`: a stale socket file (no server behind it) is replaced; a live
/// one is refused. The socket is open to every local user; the hello refuses those
/// the database does not know.
pub fn bind(socket: &Path) -> io::Result<UnixListener> {
    if socket.exists() {
        if UnixStream::connect(socket).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!("{} 上已有 xingji 服务器在运行", socket.display()),
            ));
        }
        std::fs::remove_file(socket)?;
    }
    let listener = UnixListener::bind(socket)?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o666))?;
    Ok(listener)
}

impl Server {
    pub fn new(store: Store, identify: Identify) -> Arc<Server> {
        Arc::new(Server {
            store: Arc::new(store),
            resident: Arc::default(),
            identify,
            watchers: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        })
    }

    /// A server over the database file at `db`.
    pub fn open(db: &Path, identify: Identify) -> Result<Arc<Server>, String> {
        let store = Store::open(db).map_err(|e| e.to_string())?;
        crate::service::freeze_standing(&store).map_err(|e| e.to_string())?;
        Ok(Server::new(store, identify))
    }

    /// Serve every connection of `listener`, each in its own thread, until the
    /// listener fails.
    pub fn run(self: &Arc<Server>, listener: &UnixListener) -> io::Result<()> {
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(s) => s,
                // A client gone before it was accepted, or too many open files for a
                // moment: the next one is served.
                Err(_) => continue,
            };
            let server = Arc::clone(self);
            let n = server.connections.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                if n < MAX_CONNECTIONS {
                    server.connection(stream);
                    // The lines of the year kept, if this client's saves dropped
                    // them: a restarted server reads them instead of scoring the
                    // year (not after each save: a province's are 28 MB).
                    server.resident.keep_lines(&server.store);
                } else {
                    let mut stream = stream;
                    let _ = write_frame(
                        &mut stream,
                        &Err::<Welcome, _>(Refusal::Server(
                            "xingji 服务器的连接数已满;请稍后再试".into(),
                        )),
                    );
                }
                server.connections.fetch_sub(1, Ordering::SeqCst);
            });
        }
        Ok(())
    }

    /// Read and keep the year clients open first (the newest with data), and count
    /// its first screen.
    pub fn keep_working_year(&self) {
        if let Some(year) = self
            .store
            .year_numbers()
            .ok()
            .and_then(|y| y.into_iter().next_back())
        {
            // The year itself (an overview alone may be answered from the counts the
            // file keeps, without it), then the first screen's counts in it (made
            // once, then moved by saves).
            if self.resident.book(&self.store, year).is_err() {
                return;
            }
            let today = crate::service::Clock::System.today();
            let _ = self
                .resident
                .overview(&self.store, year, &|_| true, &[], today);
        }
    }

    /// One client, from its hello to its end.
    fn connection(&self, mut stream: UnixStream) {
        let Some(user) = self.welcome(&mut stream) else {
            return;
        };
        // The connection's search, kept while it searches (each key narrows the last
        // key's matches, an erased letter goes back to its step); any other request
        // lets it go.
        let mut finder = Finder::default();
        loop {
            let request: Request = match read_frame(&mut stream) {
                Ok(Some(r)) => r,
                Ok(None) => return,
                Err(e) => {
                    // A frame that does not read as a request: say so and close.
                    if e.kind() == io::ErrorKind::InvalidData {
                        let answer: Result<Response, Refusal> =
                            Err(Refusal::Server(format!("无法识别的请求:{e}")));
                        let _ = write_frame(&mut stream, &answer);
                    }
                    return;
                }
            };
            if request == Request::Watch {
                self.watch(stream, user);
                return;
            }
            let writes = request.writes();
            if !matches!(request, Request::Search(..)) {
                finder = Finder::default();
            }
            // The user's role is read again for every request: a role changed or a
            // user removed counts at once.
            let mut moved = None;
            let answer = Local::served(Arc::clone(&self.store), Arc::clone(&self.resident), &user)
                .and_then(|local| {
                    local.keep_finder(std::mem::take(&mut finder));
                    let answer = local.handle(request);
                    moved = local.take_moved();
                    finder = local.take_finder();
                    answer
                });
            if writes && answer.is_ok() {
                self.notify(&Notice { saved: moved });
            }
            if write_frame(&mut stream, &answer).is_err() {
                return;
            }
        }
    }

    /// The hello: the protocol must match and the user must be known.
    fn welcome(&self, stream: &mut UnixStream) -> Option<String> {
        let _ = stream.set_read_timeout(Some(HELLO_TIMEOUT));
        let hello: Hello = read_frame(stream).ok().flatten()?;
        let _ = stream.set_read_timeout(None);
        let refuse = |stream: &mut UnixStream, refusal: Refusal| {
            let _ = write_frame(stream, &Err::<Welcome, _>(refusal));
        };
        if hello.protocol != PROTOCOL {
            refuse(
                stream,
                Refusal::Server(format!(
                    "xingji 的版本与服务器不一致(本机 {},服务器 {}):请使用服务器上同一版本的 xingji",
                    hello.version,
                    env!("CARGO_PKG_VERSION")
                )),
            );
            return None;
        }
        let user = match (self.identify)(stream) {
            Ok(u) => u,
            Err(e) => {
                refuse(stream, Refusal::Server(format!("无法确认连接者的身份:{e}")));
                return None;
            }
        };
        match Local::for_user(Arc::clone(&self.store), &user) {
            Ok(local) => {
                let welcome = Welcome {
                    actor: local.actor().clone(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                };
                write_frame(stream, &Ok::<_, Refusal>(welcome)).ok()?;
                Some(user)
            }
            Err(refusal) => {
                refuse(stream, refusal);
                None
            }
        }
    }

    /// Keep the connection to tell it of changes; a watcher that stops reading is
    /// dropped rather than holding the others up.
    fn watch(&self, stream: UnixStream, user: String) {
        let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
        if let Ok(mut watchers) = self.watchers.lock() {
            watchers.push((stream, user));
        }
    }

    fn notify(&self, notice: &Notice) {
        if let Ok(mut watchers) = self.watchers.lock() {
            watchers.retain_mut(|(w, user)| write_frame(w, &self.notice_for(user, notice)).is_ok());
        }
    }

    /// The notice as `user` may read it: a clerk is told of the secretaries of their
    /// own township that a save moved (an empty list still says the district's count
    /// may have moved), not who in other townships was just re-rated.
    fn notice_for(&self, user: &str, notice: &Notice) -> Notice {
        let Some((year, moved)) = &notice.saved else {
            return notice.clone();
        };
        let Ok(local) = Local::for_user(Arc::clone(&self.store), user) else {
            // A user removed meanwhile: their next request is refused.
            return Notice::default();
        };
        let mine = moved
            .iter()
            .copied()
            .filter(|id| local.may_see_secretary(*id))
            .collect();
        Notice {
            saved: Some((*year, mine)),
        }
    }
}

/// `xingji serve`: open the database and serve `socket` until killed.
pub fn serve(db: &Path, socket: &Path) -> Result<(), String> {
    let server = Server::open(db, kernel_identity())?;
    let listener = bind(socket).map_err(|e| format!("无法在 {} 上监听:{e}", socket.display()))?;
    let _ = writeln!(
        std::io::stderr(),
        "xingji 服务器:数据库 {},套接字 {}",
        db.display(),
        socket.display()
    );
    // The working year is read and rated now, on the side: the first clerk who logs in
    // finds it kept instead of waiting for it.
    let warm = Arc::clone(&server);
    std::thread::spawn(move || warm.keep_working_year());
    server.run(&listener).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's file in a new folder, and where its server's socket goes.
    fn demo_file() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.redb");
        drop(crate::demo::open(&db, "admin").unwrap());
        let socket = dir.path().join("x.sock");
        (dir, db, socket)
    }

    /// A server on the file, serving at the socket on a thread of its own.
    fn serving(db: &Path, socket: &Path) -> Arc<Server> {
        let listener = bind(socket).unwrap();
        let server = Server::open(db, Box::new(|_| Ok("admin".into()))).unwrap();
        let running = Arc::clone(&server);
        std::thread::spawn(move || running.run(&listener));
        server
    }

    /// A client started while a restarted server is not listening yet (its old socket
    /// still there, refusing) waits for it a moment instead of giving up.
    #[test]
    fn a_client_waits_a_moment_for_a_server_that_is_starting() {
        let (_dir, db, socket) = demo_file();
        drop(UnixListener::bind(&socket).unwrap());
        assert!(
            UnixStream::connect(&socket).is_err(),
            "the old socket refuses"
        );
        let starting = (db.clone(), socket.clone());
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(600));
            serving(&starting.0, &starting.1)
        });
        let since = std::time::Instant::now();
        let client = crate::service::Service::connect(&socket).unwrap();
        assert!(since.elapsed() >= std::time::Duration::from_millis(500));
        assert_eq!(client.years().unwrap(), vec![2024, 2025]);
    }

    /// The same while the socket is missing altogether (systemd removes the server's
    /// runtime folder as it stops; the socket comes once the file is open).
    #[test]
    fn a_client_waits_a_moment_for_a_socket_not_there_yet() {
        let (_dir, db, socket) = demo_file();
        assert!(!socket.exists());
        let starting = (db.clone(), socket.clone());
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(600));
            serving(&starting.0, &starting.1)
        });
        let client = crate::service::Service::connect(&socket).unwrap();
        assert_eq!(client.years().unwrap(), vec![2024, 2025]);
    }

    /// A server starting on a file whose first screen's counts are kept reads the
    /// working year all the same, so that its first client's lists and searches do
    /// not wait for a province's year.
    #[test]
    fn a_starting_server_reads_the_working_year_though_its_counts_are_kept() {
        let (_dir, db, _socket) = demo_file();
        {
            let store = Store::open(&db).unwrap();
            drop(
                crate::service::Resident::default()
                    .book(&store, 2025)
                    .unwrap(),
            );
            assert!(store.kept_counts(2025).unwrap().is_some());
        }
        let server = Server::open(&db, Box::new(|_| Ok("admin".into()))).unwrap();
        server.keep_working_year();
        let kept = server.resident.current(&server.store);
        assert_eq!(kept.map(|book| book.year), Some(2025));
    }

    /// A save through the server drops the year's kept lines and keeps nothing on its
    /// way (a province's lines are 28 MB: each save would write them); the client
    /// leaving keeps them, so that a restarted server reads them.
    #[test]
    fn the_year_s_lines_are_kept_as_a_client_leaves_not_after_each_save() {
        let (_dir, db, socket) = demo_file();
        let server = serving(&db, &socket);
        let client = crate::service::Service::connect(&socket).unwrap();
        let book = client.book(2025).unwrap();
        assert!(
            server.store.has_kept_lines(2025).unwrap(),
            "kept by the reading"
        );
        for e in book.entries.iter().take(3) {
            let before = e.to_assessment();
            let mut after = before.clone();
            after.notes = format!("{}。", after.notes);
            after.grade = match after.grade {
                Some(crate::domain::Grade::Good) => Some(crate::domain::Grade::Poor),
                _ => Some(crate::domain::Grade::Good),
            };
            client
                .save_assessment(crate::service::SaveAssessment {
                    year: 2025,
                    secretary: e.secretary,
                    before: Some(before),
                    after,
                    what: "组织评价".into(),
                    change: (String::new(), String::new()),
                })
                .unwrap();
            assert!(
                !server.store.has_kept_lines(2025).unwrap(),
                "a save drops them"
            );
        }
        drop(client);
        let kept = (0..500).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(10));
            server.store.has_kept_lines(2025).unwrap()
        });
        assert!(kept, "kept as the client left");
    }
}
