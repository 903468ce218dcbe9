//! The program's own value encoding: one format byte, then postcard (serde).
//! A later program keeps a decoder for every format it has ever written.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Result, StoreError};

pub const FORMAT_VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![FORMAT_VERSION];
    // Serializing plain data into a Vec cannot fail.
    out.extend(postcard::to_stdvec(value).expect("postcard encodes plain data"));
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    match bytes.split_first() {
        Some((&FORMAT_VERSION, body)) => {
            postcard::from_bytes(body).map_err(|_| StoreError::BadRecord(FORMAT_VERSION))
        }
        Some((&other, _)) => Err(StoreError::BadRecord(other)),
        None => Err(StoreError::BadRecord(0)),
    }
}
