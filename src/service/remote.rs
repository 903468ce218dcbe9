//! The client side of the shared server: the same calls as [`super::Local`], sent over
//! the server's Unix socket. Who the user is, is the server's word (the kernel's peer
//! credentials), never the client's.

use std::cell::RefCell;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use super::protocol::{
    Hello, Notice, PROTOCOL, Request, Response, Welcome, read_frame, write_frame,
};
use super::{Actor, Refusal, Result};

/// The connection broke (as opposed to an answer that says no).
struct Broken(std::io::Error);

pub struct Remote {
    socket: PathBuf,
    stream: RefCell<UnixStream>,
}

fn lost(socket: &Path, e: &std::io::Error) -> Refusal {
    Refusal::Server(format!(
        "与 xingji 服务器({})的连接中断:{e};请稍后重试,或请管理员检查 xingji serve 是否在运行",
        socket.display()
    ))
}

/// Connect and say hello; the server's welcome names the user.
fn connect(socket: &Path) -> Result<(UnixStream, Welcome)> {
    let mut stream = UnixStream::connect(socket).map_err(|e| {
        Refusal::Server(format!(
            "无法连接 xingji 服务器 {}:{e};请管理员检查 xingji serve 是否在运行",
            socket.display()
        ))
    })?;
    let hello = Hello {
        protocol: PROTOCOL,
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    write_frame(&mut stream, &hello).map_err(|e| lost(socket, &e))?;
    let answer: Option<std::result::Result<Welcome, Refusal>> =
        read_frame(&mut stream).map_err(|e| lost(socket, &e))?;
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
    let (mut stream, _) = connect(socket)?;
    write_frame(&mut stream, &Request::Watch).map_err(|e| lost(socket, &e))?;
    Ok(stream)
}

impl Remote {
    /// Connect to the server at `socket`; the actor is who the server says.
    pub fn connect(socket: &Path) -> Result<(Remote, Actor)> {
        let (stream, welcome) = connect(socket)?;
        let remote = Remote {
            socket: socket.to_path_buf(),
            stream: RefCell::new(stream),
        };
        Ok((remote, welcome.actor))
    }

    /// The server's socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// One request and its answer. When the connection has broken (the server was
    /// restarted), it is made again: a read is asked again at once; a change is not,
    /// since it may have landed before the break, and the user is asked to check.
    pub fn call(&self, request: Request) -> Result<Response> {
        match self.exchange(&request) {
            Err(Broken(e)) => {
                let (stream, _) = connect(&self.socket).map_err(|_| lost(&self.socket, &e))?;
                *self.stream.borrow_mut() = stream;
                if request.writes() {
                    return Err(Refusal::Server(
                        "与 xingji 服务器的连接曾中断,现已重新连接;请核对后再保存一次".into(),
                    ));
                }
                self.exchange(&request)
                    .map_err(|Broken(e)| lost(&self.socket, &e))?
            }
            Ok(answer) => answer,
        }
    }

    fn exchange(&self, request: &Request) -> std::result::Result<Result<Response>, Broken> {
        let mut stream = self.stream.borrow_mut();
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
    /// away it tries again every two seconds, and says "changed" once it is back.
    pub fn watch(&self) -> Result<mpsc::Receiver<Notice>> {
        let mut stream = watching(&self.socket)?;
        let socket = self.socket.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            loop {
                while let Ok(Some(notice)) = read_frame::<Notice>(&mut stream) {
                    if tx.send(notice).is_err() {
                        return;
                    }
                }
                stream = loop {
                    std::thread::sleep(std::time::Duration::from_secs(2));
                    if let Ok(s) = watching(&socket) {
                        break s;
                    }
                };
                // Whatever changed meanwhile: read the year again.
                if tx.send(Notice::default()).is_err() {
                    return;
                }
            }
        });
        Ok(rx)
    }
}
