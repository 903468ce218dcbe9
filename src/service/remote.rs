//! The client side of the shared server: the same calls as [`super::Local`], sent over
//! the server's Unix socket. Who the user is, is the server's word (the kernel's peer
//! credentials), never the client's.

use std::cell::RefCell;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::protocol::{
    Hello, Notice, PROTOCOL, Request, Response, Welcome, read_frame, write_frame,
};
use super::{Actor, Refusal, Result};

/// The connection broke (as opposed to an answer that says no).
struct Broken(std::io::Error);

pub struct Remote {
    socket: PathBuf,
    /// None after an answer did not come in time: a late one must not be taken for
    /// the next request's, so the next request connects again.
    stream: RefCell<Option<UnixStream>>,
    /// How long an ordinary request waits for its answer; the long ones (imports, a
    /// backup, the checks) wait [`LONG_PATIENCE`].
    patience: std::cell::Cell<Duration>,
}

/// How long an ordinary request waits for the server: a province's year read after the
/// server's start takes seconds, a hung server must not freeze the screen for good.
const PATIENCE: Duration = Duration::from_secs(60);
/// How long an import, a backup, an export, the checks or a new scheme wait.
const LONG_PATIENCE: Duration = Duration::from_secs(600);

/// The requests that may take minutes on a province.
fn long(request: &Request) -> bool {
    matches!(
        request,
        Request::ImportRoster(..)
            | Request::ImportScores(..)
            | Request::Backup
            | Request::ExportAll
            | Request::Workbook(_)
            | Request::Check
            | Request::SetScheme(..)
            | Request::NewYear(..)
            | Request::SetItems(..)
    )
}

fn timed_out(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// The server did not answer within `patience`; `writes`: the request was a change,
/// which may or may not have landed.
fn no_answer(socket: &Path, patience: Duration, writes: bool) -> Refusal {
    let after = match writes {
        true => "这次修改可能已经保存,也可能没有:请稍后核对",
        false => "请稍后重试",
    };
    Refusal::Server(format!(
        "xingji 服务器({}){} 秒内没有回应;{after}。如一直如此,请管理员检查 xingji serve",
        socket.display(),
        patience.as_secs()
    ))
}

fn lost(socket: &Path, e: &std::io::Error) -> Refusal {
    Refusal::Server(format!(
        "与 xingji 服务器({})的连接中断:{e};请稍后重试,或请管理员检查 xingji serve 是否在运行",
        socket.display()
    ))
}

/// Connect and say hello; the server's welcome names the user. A stopped server still
/// takes connections (the kernel queues them): its welcome is waited for `patience`.
/// How long a connection refused, or a socket missing, is tried again: a server being
/// restarted has its socket in place a moment before it listens, or (its runtime
/// folder removed as it stopped) makes it only once its file is open and checked.
pub const STARTING: Duration = Duration::from_secs(3);

/// The socket's connection, tried again while it is refused or missing for up to
/// [`STARTING`].
fn open(socket: &Path) -> std::io::Result<UnixStream> {
    let since = std::time::Instant::now();
    loop {
        match UnixStream::connect(socket) {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound
                ) && since.elapsed() < STARTING =>
            {
                std::thread::sleep(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

fn connect(socket: &Path, patience: Duration) -> Result<(UnixStream, Welcome)> {
    let mut stream = open(socket).map_err(|e| {
        Refusal::Server(format!(
            "无法连接 xingji 服务器 {}:{e};请管理员检查 xingji serve 是否在运行",
            socket.display()
        ))
    })?;
    let hello = Hello {
        protocol: PROTOCOL,
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let unanswered = |e: std::io::Error| match timed_out(&e) {
        true => no_answer(socket, patience, false),
        false => lost(socket, &e),
    };
    stream
        .set_read_timeout(Some(patience))
        .and_then(|()| stream.set_write_timeout(Some(patience)))
        .map_err(unanswered)?;
    write_frame(&mut stream, &hello).map_err(unanswered)?;
    let answer: Option<std::result::Result<Welcome, Refusal>> =
        read_frame(&mut stream).map_err(unanswered)?;
    match answer {
        Some(Ok(welcome)) => Ok((stream, welcome)),
        Some(Err(refusal)) => Err(refusal),
        None => Err(lost(
            socket,
            &std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "服务器关闭了连接"),
        )),
    }
}

/// A connection that has asked to be told of changes.
fn watching(socket: &Path) -> Result<UnixStream> {
    let (mut stream, _) = connect(socket, PATIENCE)?;
    write_frame(&mut stream, &Request::Watch).map_err(|e| lost(socket, &e))?;
    // Then it sleeps until something changes, however long that is.
    stream
        .set_read_timeout(None)
        .map_err(|e| lost(socket, &e))?;
    Ok(stream)
}

impl Remote {
    /// Connect to the server at `socket`; the actor is who the server says.
    pub fn connect(socket: &Path) -> Result<(Remote, Actor)> {
        let (stream, welcome) = connect(socket, PATIENCE)?;
        let remote = Remote {
            socket: socket.to_path_buf(),
            stream: RefCell::new(Some(stream)),
            patience: std::cell::Cell::new(PATIENCE),
        };
        Ok((remote, welcome.actor))
    }

    /// The server's socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// How long an ordinary request waits for its answer (tests shorten it).
    pub fn set_patience(&self, patience: Duration) {
        self.patience.set(patience);
    }

    /// One request and its answer. When the connection has broken (the server was
    /// restarted), it is made again: a read is asked again at once; a change is not,
    /// since it may have landed before the break, and the user is asked to check. An
    /// answer that does not come in time is given up (the server is hung or
    /// overloaded): the user is told, and the next request connects again.
    pub fn call(&self, request: Request) -> Result<Response> {
        let patience = match long(&request) {
            true => LONG_PATIENCE.max(self.patience.get()),
            false => self.patience.get(),
        };
        match self.exchange(&request, patience) {
            Err(Broken(e)) if timed_out(&e) => Err(self.given_up(&request, patience)),
            Err(Broken(_)) => {
                let (stream, _) = connect(&self.socket, patience)?;
                *self.stream.borrow_mut() = Some(stream);
                if request.writes() {
                    return Err(Refusal::Server(
                        "与 xingji 服务器的连接曾中断,现已重新连接;请核对后再保存一次".into(),
                    ));
                }
                match self.exchange(&request, patience) {
                    Ok(answer) => answer,
                    Err(Broken(e)) if timed_out(&e) => Err(self.given_up(&request, patience)),
                    Err(Broken(e)) => {
                        *self.stream.borrow_mut() = None;
                        Err(lost(&self.socket, &e))
                    }
                }
            }
            Ok(answer) => answer,
        }
    }

    /// An answer that did not come in time: the connection is let go (a late answer
    /// must not be taken for the next request's), and the user told.
    fn given_up(&self, request: &Request, patience: Duration) -> Refusal {
        *self.stream.borrow_mut() = None;
        no_answer(&self.socket, patience, request.writes())
    }

    fn exchange(
        &self,
        request: &Request,
        patience: Duration,
    ) -> std::result::Result<Result<Response>, Broken> {
        let mut held = self.stream.borrow_mut();
        let stream = match held.as_mut() {
            Some(stream) => stream,
            None => {
                let stream = match connect(&self.socket, patience) {
                    Ok((stream, _)) => stream,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                held.insert(stream)
            }
        };
        stream.set_read_timeout(Some(patience)).map_err(Broken)?;
        stream.set_write_timeout(Some(patience)).map_err(Broken)?;
        write_frame(&mut *stream, request).map_err(Broken)?;
        match read_frame::<std::result::Result<Response, Refusal>>(&mut *stream) {
            Ok(Some(answer)) => Ok(answer),
            Ok(None) => Err(Broken(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "服务器关闭了连接",
            ))),
            Err(e) => Err(Broken(e)),
        }
    }

    /// A channel that receives a message after every change anyone makes, fed by a
    /// thread that sleeps on a second connection (no polling). When the server goes
    /// away it says so, tries again every two seconds, and says when it is back
    /// (whatever changed meanwhile is then read again).
    pub fn watch(&self) -> Result<mpsc::Receiver<Watched>> {
        let mut stream = watching(&self.socket)?;
        let socket = self.socket.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                while let Ok(Some(notice)) = read_frame::<Notice>(&mut stream) {
                    if tx.send(Watched::Changed(notice)).is_err() {
                        return;
                    }
                }
                if tx.send(Watched::Lost).is_err() {
                    return;
                }
                stream = loop {
                    std::thread::sleep(std::time::Duration::from_secs(2));
                    if let Ok(s) = watching(&socket) {
                        break s;
                    }
                };
                if tx.send(Watched::Back).is_err() {
                    return;
                }
            }
        });
        Ok(rx)
    }
}

/// What the watching connection tells a client.
#[derive(Debug)]
pub enum Watched {
    /// Another user changed the data.
    Changed(Notice),
    /// The server went away (stopped, restarted): tried again every two seconds.
    Lost,
    /// The server is back; what changed meanwhile is not known.
    Back,
}
