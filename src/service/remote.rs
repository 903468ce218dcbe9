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

    pub fn call(&self, request: Request) -> Result<Response> {
        let mut stream = self.stream.borrow_mut();
        write_frame(&mut *stream, &request).map_err(|e| lost(&self.socket, &e))?;
        let answer: Option<std::result::Result<Response, Refusal>> =
            read_frame(&mut *stream).map_err(|e| lost(&self.socket, &e))?;
        answer.unwrap_or_else(|| {
            Err(lost(
                &self.socket,
                &std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "服务器关闭了连接"),
            ))
        })
    }

    /// A channel that receives a message after every change anyone makes, fed by a
    /// thread that sleeps on a second connection (no polling).
    pub fn watch(&self) -> Result<mpsc::Receiver<()>> {
        let (mut stream, _) = connect(&self.socket)?;
        write_frame(&mut stream, &Request::Watch).map_err(|e| lost(&self.socket, &e))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(Some(Notice)) = read_frame::<Notice>(&mut stream) {
                if tx.send(()).is_err() {
                    return;
                }
            }
        });
        Ok(rx)
    }
}
