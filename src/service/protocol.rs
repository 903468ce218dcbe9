//! What a client asks the shared server and what it answers: plain values, sent as
//! length-prefixed postcard frames over a Unix socket (docs/architecture.md §7).
//!
//! A connection starts with [`Hello`]; the server answers [`Welcome`] (who the kernel
//! says the client is, and that user's role) or a refusal. Then each [`Request`] gets
//! one `Result<Response, Refusal>`. A connection that sends [`Request::Watch`] gets
//! nothing more but a [`Notice`] frame after every change anyone makes.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::{
    Actor, AuditFilter, Checked, RosterSummary, SaveAssessment, ScoresSummary, TownshipStatus,
    YearBook,
};
use crate::domain::{AuditEntry, District, Office, Rectification, Role};
use crate::exchange::Table;

/// The protocol's version: a client and a server of different versions refuse each
/// other with a clear message instead of misreading each other's frames.
pub const PROTOCOL: u32 = 10;

/// The largest frame either side accepts (a district's year is far smaller; an
/// import of a province's scores file fits).
pub const MAX_FRAME: usize = 256 * 1024 * 1024;

/// The first frame of a connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    /// The client program's version, for the message when they differ.
    pub version: String,
}

/// The server's answer to a hello.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welcome {
    pub actor: Actor,
    pub version: String,
}

/// Something changed in the database (sent on a watching connection). A save says
/// whose figures it moved (ids only: [`Request::Rerated`] asks for what the user may
/// see of them); anything else: read the year again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub saved: Option<(i16, Vec<u32>)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    Years,
    WorkingYear(Option<i16>),
    District,
    TownshipNamed(String),
    Townships(Option<String>),
    Book(i16),
    BookOrNew(i16),
    /// The star history beside a year: every other year, of one township or all.
    History(i16, Option<u32>),
    Statuses(i16),
    /// The first screen's counts of a year, with the caller's today (for overdue), and
    /// with every township's stars and progress or only the first n.
    Overview(i16, jiff::civil::Date, Option<usize>),
    Rectifications(Option<i16>),
    AuditLog(AuditFilter),
    /// Secretaries' names (those of the rectifications, for a client holding a part).
    Names(Vec<u32>),
    Save(Box<SaveAssessment>),
    /// These secretaries' entries in the year the server keeps (after a [`Notice`]).
    Rerated(i16, Vec<u32>),
    /// One township's part of a year: what a district user's client holds at a time.
    Part(i16, super::rows::Focus),
    /// [`Request::Part`] with its people's star history, in one answer.
    PartAndHistory(i16, super::rows::Focus),
    /// A window of the list or the pool of a year.
    Rows(i16, super::rows::Window),
    /// The best matches of a search among a year's people: (year, query, how many).
    Search(i16, String, usize),
    /// The year's Excel report as the user may see it, made by the server from the
    /// year it keeps (a client holding one township need not read the whole year).
    Workbook(i16),
    Users,
    PutUser(String, Role),
    RemoveUser(String),
    /// A consistent copy of the database, as bytes.
    Backup,
    ExportAll,
    SetItems(i16, u32, Vec<(String, rust_decimal::Decimal)>),
    SetScheme(Option<i16>, String),
    NewYear(i16, Option<String>),
    SchemeText,
    Submit(i16, Vec<u32>),
    Publish(i16, Vec<u32>, super::Publication),
    Approve(i16, Vec<u32>),
    Reopen(i16, Vec<u32>, String),
    Object(i16, u32, String),
    Resolve(i16, u32, String),
    UpdateRectification(i16, u32, super::RectifyChange),
    ImportRoster(String, Table),
    ImportScores(String, Table, i16),
    /// Make this connection a stream of change notices.
    Watch,
    /// The program's own checks of the whole database.
    Check,
    /// The office's details.
    Office,
    SetSetting(String, String),
}

impl Request {
    /// Does the request change the database (so that watchers are told)?
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Request::Save(_)
                | Request::PutUser(..)
                | Request::RemoveUser(_)
                | Request::Submit(..)
                | Request::Publish(..)
                | Request::Approve(..)
                | Request::Reopen(..)
                | Request::Object(..)
                | Request::Resolve(..)
                | Request::UpdateRectification(..)
                | Request::ImportRoster(..)
                | Request::ImportScores(..)
                | Request::SetItems(..)
                | Request::SetScheme(..)
                | Request::NewYear(..)
                | Request::SetSetting(..)
        )
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Response {
    Done,
    Years(Vec<i16>),
    Year(i16),
    District(Box<District>),
    Id(u32),
    Ids(Vec<u32>),
    /// Shared with the year a server keeps: sent without a copy.
    Book(std::sync::Arc<YearBook>),
    /// What a save moved in the year the server keeps (None: read it again).
    Saved(Option<super::Rerated>),
    History(Vec<(i16, crate::scoring::Pasts)>),
    Part(Box<(std::sync::Arc<YearBook>, super::History)>),
    Statuses(Vec<TownshipStatus>),
    Overview(Box<super::Overview>),
    Rows(Box<super::rows::Rows>),
    Hits(Box<super::rows::Hits>),
    Rectifications(Vec<(i16, u32, Rectification)>),
    Audit(Vec<AuditEntry>),
    Names(Vec<super::Named>),
    Users(Vec<(String, Role)>),
    Text(String),
    Lines(Vec<String>),
    Bytes(Vec<u8>),
    Roster(RosterSummary),
    Scores(ScoresSummary),
    Checked(Checked),
    Office(Office),
}

/// Write one frame: a 4-byte little-endian length, then the postcard bytes.
pub fn write_frame<T: Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    let bytes = postcard::to_stdvec(value).map_err(io::Error::other)?;
    if bytes.len() > MAX_FRAME {
        return Err(io::Error::other(format!(
            "消息过大({} 字节,上限 {MAX_FRAME} 字节)",
            bytes.len()
        )));
    }
    let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
    let mut frame = Vec::with_capacity(4 + bytes.len());
    frame.extend_from_slice(&len.to_le_bytes());
    frame.extend_from_slice(&bytes);
    out.write_all(&frame)?;
    out.flush()
}

/// Read one frame; `Ok(None)` at a clean end of the stream before a frame starts.
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = usize::try_from(u32::from_le_bytes(len)).map_err(io::Error::other)?;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("消息过大({len} 字节,上限 {MAX_FRAME} 字节)"),
        ));
    }
    // Grown as the bytes arrive: a length alone reserves nothing.
    let mut bytes = Vec::new();
    input.take(len as u64).read_to_end(&mut bytes)?;
    if bytes.len() < len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "连接在消息中途断开",
        ));
    }
    postcard::from_bytes(&bytes)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
