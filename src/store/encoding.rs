//! The program's own value encoding: one format byte, then postcard (serde).
//! Each stored type says which format it writes and how to read the older ones it
//! has ever written (docs/architecture.md, "Storage"): a later program reads an older file.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Result, StoreError};

/// The first format every record type was written in.
pub const FORMAT_VERSION: u8 = 1;

pub trait Record: Serialize + DeserializeOwned {
    /// The format this program writes.
    const VERSION: u8 = FORMAT_VERSION;

    /// Read a record in an older format.
    fn upgrade(version: u8, _body: &[u8]) -> Result<Self> {
        Err(StoreError::BadRecord(version))
    }
}

pub fn encode<T: Record>(value: &T) -> Vec<u8> {
    let mut out = vec![T::VERSION];
    // Serializing plain data into a Vec cannot fail.
    out.extend(postcard::to_stdvec(value).expect("postcard encodes plain data"));
    out
}

pub fn decode<T: Record>(bytes: &[u8]) -> Result<T> {
    match bytes.split_first() {
        Some((&v, body)) if v == T::VERSION => {
            postcard::from_bytes(body).map_err(|_| StoreError::BadRecord(v))
        }
        Some((&v, body)) if v < T::VERSION && v > 0 => T::upgrade(v, body),
        Some((&v, _)) => Err(StoreError::BadRecord(v)),
        None => Err(StoreError::BadRecord(0)),
    }
}

/// Decode the body of an older format with its own type.
pub fn body<T: DeserializeOwned>(version: u8, body: &[u8]) -> Result<T> {
    postcard::from_bytes(body).map_err(|_| StoreError::BadRecord(version))
}

impl Record for String {}
impl Record for crate::domain::Township {}
impl Record for crate::domain::Village {}
impl Record for crate::domain::Secretary {}
impl Record for crate::domain::Assessment {}
