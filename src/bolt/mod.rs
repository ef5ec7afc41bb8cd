//! Bolt's encoding, shared by the server (`silkgraph serve`) and the client (`--connect`,
//! `push`): PackStream values and messages, and silkgraph values as each Bolt version spells
//! them.

pub mod packstream;
pub mod values;

/// Appends a message body in chunks of at most 65,535 bytes, and the end marker.
pub fn frame_into(out: &mut Vec<u8>, body: &[u8]) {
    for c in body.chunks(0xFFFF) {
        out.extend_from_slice(&(c.len() as u16).to_be_bytes());
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&[0, 0]);
}

/// Why [`read_message`] read no message.
#[derive(Debug)]
pub enum Unread<E> {
    /// Reading failed (the reader's own error).
    Io(E),
    /// The message's chunks added up to more than the limit.
    TooLarge,
    /// The message is not a PackStream structure.
    NotAStruct,
    /// The message does not decode; why.
    Malformed(String),
}

/// Reads one message: its chunks (each a 16-bit big-endian size, then the bytes) up to the
/// empty one that ends it, skipping keep-alives (empty chunks before a message), at most `max`
/// bytes in all; then decodes it into its tag and fields. The server and the client both read
/// with this; `read_exact` fills a buffer from the connection or fails.
pub fn read_message<E>(
    max: usize,
    mut read_exact: impl FnMut(&mut [u8]) -> Result<(), E>,
) -> Result<(u8, Vec<packstream::Pack>), Unread<E>> {
    let mut body = Vec::new();
    loop {
        let mut size = [0u8; 2];
        read_exact(&mut size).map_err(Unread::Io)?;
        let n = usize::from(u16::from_be_bytes(size));
        if n == 0 {
            if body.is_empty() {
                continue; // a keep-alive
            }
            break;
        }
        if body.len() + n > max {
            return Err(Unread::TooLarge);
        }
        let at = body.len();
        body.resize(at + n, 0);
        read_exact(&mut body[at..]).map_err(Unread::Io)?;
    }
    match packstream::decode(&body) {
        Ok(packstream::Pack::Struct(tag, fields)) => Ok((tag, fields)),
        Ok(_) => Err(Unread::NotAStruct),
        Err(why) => Err(Unread::Malformed(why)),
    }
}

/// The tags of Bolt's messages, both ways.
pub mod msg {
    /// Client: log in (and, before 5.1, authenticate).
    pub const HELLO: u8 = 0x01;
    /// Client: end the connection.
    pub const GOODBYE: u8 = 0x02;
    /// Client: abandon what failed or runs, back to ready.
    pub const RESET: u8 = 0x0F;
    /// Client: run a statement.
    pub const RUN: u8 = 0x10;
    /// Client: open an explicit transaction.
    pub const BEGIN: u8 = 0x11;
    /// Client: commit it.
    pub const COMMIT: u8 = 0x12;
    /// Client: roll it back.
    pub const ROLLBACK: u8 = 0x13;
    /// Client: drop a result's records.
    pub const DISCARD: u8 = 0x2F;
    /// Client: fetch a result's records.
    pub const PULL: u8 = 0x3F;
    /// Client: driver telemetry (5.4).
    pub const TELEMETRY: u8 = 0x54;
    /// Client: ask for a routing table.
    pub const ROUTE: u8 = 0x66;
    /// Client: authenticate (5.1).
    pub const LOGON: u8 = 0x6A;
    /// Client: forget the authentication (5.1).
    pub const LOGOFF: u8 = 0x6B;
    /// Server: done, with metadata.
    pub const SUCCESS: u8 = 0x70;
    /// Server: one row of a result.
    pub const RECORD: u8 = 0x71;
    /// Server: not done, after a failure.
    pub const IGNORED: u8 = 0x7E;
    /// Server: failed, with a code and a message.
    pub const FAILURE: u8 = 0x7F;
}
