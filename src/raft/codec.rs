//! The wire and storage encoding of Raft values: a compact, versioned binary
//! format for [`Message`], and for the [`HardState`], [`Entry`] lists and
//! [`Snapshot`] an application persists.
//!
//! The format is a contract between nodes (possibly of different builds) and
//! between a node and its own files, so it is specified here byte by byte and
//! pinned by golden tests. Every value has exactly one encoding: the decoder
//! rejects anything the encoder would not produce.
//!
//! # Building blocks
//!
//! - **varint**: an unsigned LEB128 integer: 7 bits per byte, least
//!   significant group first, the high bit set on every byte but the last.
//!   At most 10 bytes for a `u64`; an overlong form (a final `0x00` byte
//!   after the first) is rejected. Node ids are varints that must fit a
//!   `u32`.
//! - **bytes**: a varint length, then that many bytes.
//! - Every top-level value starts with the **format version**, [`VERSION`]
//!   (`0x01`). A decoder that meets another version rejects the input with
//!   [`CodecError::Version`] rather than guess.
//!
//! # Message
//!
//! | bytes | field |
//! |---|---|
//! | 1 | version `0x01` |
//! | 1 | kind: [`MsgKind::code`] (`0` Vote … `9` Snapshot, `10` ReadIndex, `11` ReadIndexResp) |
//! | varint | flags: which optional fields follow (below) |
//! | varint | `from` (u32) |
//! | varint | `to` (u32) |
//! | varint | `term` |
//! | varint | `log_term`, if flag `0x02` |
//! | varint | `index`, if flag `0x04` |
//! | varint | `commit`, if flag `0x08` |
//! | varint | `reject_hint`, if flag `0x10` |
//! | varint | `context`, if flag `0x20` |
//! | entries | if flag `0x40`: a varint count ≥ 1, then each entry (below) |
//! | snapshot | if flag `0x80` (the flags varint is then `80 01`): a snapshot body (below) |
//!
//! Flag `0x01` is `reject`. A flag is set exactly when its field is non-zero
//! (non-empty, present), so a heartbeat is 7 bytes: `01 04 08 01 02 03 05`
//! is a heartbeat from node 1 to node 2 at term 3 with commit 5. The flags
//! are a varint so that a later version can add fields as new bits (this
//! one rejects bits above `0x80`); every message but a snapshot keeps them
//! in one byte.
//!
//! **An entry** in a message is a varint `index − (p + 1)` and a varint
//! `term − t` (both modulo 2⁶⁴), where `p`/`t` are the previous entry's index
//! and term (for the first entry: the message's `index` and `log_term`, which
//! for an Append are the entry before it), then one byte of kind (`0` normal,
//! `1` membership change) and the data as **bytes**. The consecutive entries
//! of an Append therefore cost 4 bytes each beyond their data. Entries that
//! are not consecutive still round-trip exactly (the deltas wrap).
//!
//! **A snapshot body** is: varint `index`, varint `term`, varint voter count
//! then each voter id, varint learner count then each learner id, then the
//! data as **bytes**.
//!
//! # Stored values
//!
//! Each starts with the version and a tag byte (`0x80` and above, so that no
//! stored value decodes as a message, or the reverse):
//!
//! - **hard state**: `01 80`, a flags byte (`0x01` term, `0x02` vote, `0x04`
//!   commit; other bits rejected), then the flagged fields as varints in that
//!   order. `01 80 07 03 01 0a` is term 3, vote 1, commit 10.
//! - **entry list**: `01 81`, a varint count, then the entries as in a
//!   message, the first one relative to index 0 and term 0 (its index is
//!   stored as `index − 1`).
//! - **snapshot**: `01 82`, then a snapshot body.
//!
//! # Decoding
//!
//! [`decode_message`] and its siblings never panic and never allocate more
//! than the input can justify: every length and count is checked against the
//! bytes that remain before anything is reserved. An entry takes at least 4
//! encoded bytes and one [`Entry`] (56 bytes natively, 40 in wasm) plus a
//! copy of its data; an id at least 1 byte and 4 in memory; so decoding
//! allocates at most 15 times the input's length. A wrong version, a
//! truncation, bytes left over, an unknown kind, tag or flag, an overlong or
//! overflowing varint, or a flag set for a zero field are each a
//! [`CodecError`] whose message names the problem and its byte offset.
//!
//! The codec checks form, not meaning: what it decodes re-encodes to the same
//! bytes, but only [`RaftNode::step`](super::RaftNode::step) and
//! [`RaftNode::new`](super::RaftNode::new) check that a message or stored state
//! is one a correct node could have written (terms up to
//! [`MAX_TERM`](super::MAX_TERM), membership changes its configuration
//! allows…), before anything changes.
//!
//! # Examples
//! ```
//! use quorumkit::raft::codec::{decode_message, encode_message};
//! use quorumkit::raft::{Message, MsgKind};
//! let mut m = Message::new(MsgKind::Heartbeat, 1, 2, 3);
//! m.commit = 5;
//! let bytes = encode_message(&m);
//! assert_eq!(bytes, [0x01, 0x04, 0x08, 0x01, 0x02, 0x03, 0x05]);
//! assert_eq!(decode_message(&bytes), Ok(m));
//! assert!(decode_message(&bytes[..5]).is_err());
//! ```

use crate::prelude::*;
use core::fmt;

use bytes::Bytes;

use super::types::{ConfState, Entry, EntryKind, HardState, Message, MsgKind, NodeId, Snapshot};

/// The format version this build writes and reads.
pub const VERSION: u8 = 1;

const TAG_HARD_STATE: u8 = 0x80;
const TAG_ENTRIES: u8 = 0x81;
const TAG_SNAPSHOT: u8 = 0x82;

const F_REJECT: u64 = 0x01;
const F_LOG_TERM: u64 = 0x02;
const F_INDEX: u64 = 0x04;
const F_COMMIT: u64 = 0x08;
const F_REJECT_HINT: u64 = 0x10;
const F_CONTEXT: u64 = 0x20;
const F_ENTRIES: u64 = 0x40;
const F_SNAPSHOT: u64 = 0x80;
/// Every message flag this version defines.
const F_ALL: u64 = 0xff;

const HS_TERM: u8 = 0x01;
const HS_VOTE: u8 = 0x02;
const HS_COMMIT: u8 = 0x04;

/// The fewest bytes one encoded entry takes (two deltas, kind, length).
const MIN_ENTRY_LEN: usize = 4;

/// Why bytes could not be decoded. Each variant carries the byte offset
/// where decoding stopped.
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::{decode_message, CodecError};
/// assert_eq!(decode_message(&[2, 4, 0, 1, 2, 3]), Err(CodecError::Version { found: 2 }));
/// assert_eq!(
///     decode_message(&[2]).unwrap_err().to_string(),
///     "unsupported encoding version 2 (this build reads version 1)"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodecError {
    /// No bytes at all.
    Empty,
    /// The first byte is not a version this build reads.
    Version {
        /// The version byte found.
        found: u8,
    },
    /// The input ends inside `what`.
    Truncated {
        /// The field being read.
        what: &'static str,
        /// Its byte offset.
        at: usize,
    },
    /// A complete value is followed by more bytes.
    TrailingBytes {
        /// How many bytes are left over.
        count: usize,
        /// Where they start.
        at: usize,
    },
    /// A message kind code no [`MsgKind`] has.
    UnknownKind {
        /// The code found.
        code: u8,
    },
    /// A tag byte that is not the one the decoder expects (a stored value
    /// of another type, or a message where a stored value was expected).
    WrongTag {
        /// The tag expected.
        expected: u8,
        /// The byte found.
        found: u8,
    },
    /// An entry kind code other than 0 (normal) or 1 (membership change).
    UnknownEntryKind {
        /// The code found.
        code: u8,
        /// Its byte offset.
        at: usize,
    },
    /// Flag bits that this version does not define.
    UnknownFlags {
        /// The flags.
        flags: u64,
        /// Its byte offset.
        at: usize,
    },
    /// A varint longer than 10 bytes or above `u64::MAX`, or a node id
    /// above `u32::MAX`.
    Overflow {
        /// The field being read.
        what: &'static str,
        /// Its byte offset.
        at: usize,
    },
    /// A form the encoder never writes: an overlong varint, or a field
    /// flagged present whose value is zero (empty).
    NonCanonical {
        /// The field being read.
        what: &'static str,
        /// Its byte offset.
        at: usize,
    },
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::Empty => write!(f, "empty input: expected an encoded Raft value"),
            CodecError::Version { found } => write!(
                f,
                "unsupported encoding version {found} (this build reads version {VERSION})"
            ),
            CodecError::Truncated { what, at } => {
                write!(f, "truncated input: {what} at byte {at} runs past the end")
            }
            CodecError::TrailingBytes { count, at } => {
                write!(f, "{count} unexpected trailing bytes at byte {at}")
            }
            CodecError::UnknownKind { code } => write!(f, "unknown message kind {code}"),
            CodecError::WrongTag { expected, found } => write!(
                f,
                "expected a stored value of type {} (tag {expected:#04x}), found {}",
                tag_name(*expected),
                if *found < TAG_HARD_STATE {
                    format!("a message (kind byte {found})")
                } else {
                    format!("tag {found:#04x}")
                }
            ),
            CodecError::UnknownEntryKind { code, at } => {
                write!(f, "unknown entry kind {code} at byte {at}")
            }
            CodecError::UnknownFlags { flags, at } => {
                write!(f, "unknown flag bits in {flags:#04x} at byte {at}")
            }
            CodecError::Overflow { what, at } => write!(f, "{what} at byte {at} is too large"),
            CodecError::NonCanonical { what, at } => {
                write!(f, "non-canonical encoding of {what} at byte {at}")
            }
        }
    }
}

impl core::error::Error for CodecError {}

fn tag_name(tag: u8) -> &'static str {
    match tag {
        TAG_HARD_STATE => "hard state",
        TAG_ENTRIES => "entry list",
        _ => "snapshot",
    }
}

// ----- encoding -----------------------------------------------------------

// The varints are written here rather than with a varint crate because the
// decoder must reject every non-canonical form, including a tenth byte whose
// bits overflow 64 (unsigned-varint 0.8, for one, drops those bits silently),
// and report the byte offset; each direction is a dozen lines.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn entry_kind_code(k: EntryKind) -> u8 {
    match k {
        EntryKind::ConfChange => 1,
        _ => 0,
    }
}

fn put_entries(out: &mut Vec<u8>, entries: &[Entry], mut prev_index: u64, mut prev_term: u64) {
    put_varint(out, entries.len() as u64);
    for e in entries {
        put_varint(out, e.index.wrapping_sub(prev_index.wrapping_add(1)));
        put_varint(out, e.term.wrapping_sub(prev_term));
        out.push(entry_kind_code(e.kind));
        put_bytes(out, &e.data);
        prev_index = e.index;
        prev_term = e.term;
    }
}

fn put_ids(out: &mut Vec<u8>, ids: &[NodeId]) {
    put_varint(out, ids.len() as u64);
    for &id in ids {
        put_varint(out, u64::from(id));
    }
}

fn put_snapshot_body(out: &mut Vec<u8>, s: &Snapshot) {
    put_varint(out, s.index);
    put_varint(out, s.term);
    put_ids(out, &s.conf.voters);
    put_ids(out, &s.conf.learners);
    put_bytes(out, &s.data);
}

/// Appends the encoding of `m` to `out` (see the [module docs](self)).
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::encode_message_into;
/// use quorumkit::raft::{Message, MsgKind};
/// let mut buf = Vec::new();
/// encode_message_into(&Message::new(MsgKind::Vote, 1, 2, 1), &mut buf);
/// encode_message_into(&Message::new(MsgKind::Vote, 1, 3, 1), &mut buf);
/// assert_eq!(buf.len(), 12);
/// ```
pub fn encode_message_into(m: &Message, out: &mut Vec<u8>) {
    let mut flags = 0;
    for (present, bit) in [
        (m.reject, F_REJECT),
        (m.log_term != 0, F_LOG_TERM),
        (m.index != 0, F_INDEX),
        (m.commit != 0, F_COMMIT),
        (m.reject_hint != 0, F_REJECT_HINT),
        (m.context != 0, F_CONTEXT),
        (!m.entries.is_empty(), F_ENTRIES),
        (m.snapshot.is_some(), F_SNAPSHOT),
    ] {
        if present {
            flags |= bit;
        }
    }
    out.extend_from_slice(&[VERSION, m.kind.code()]);
    put_varint(out, flags);
    put_varint(out, u64::from(m.from));
    put_varint(out, u64::from(m.to));
    put_varint(out, m.term);
    for v in [m.log_term, m.index, m.commit, m.reject_hint, m.context] {
        if v != 0 {
            put_varint(out, v);
        }
    }
    if !m.entries.is_empty() {
        put_entries(out, &m.entries, m.index, m.log_term);
    }
    if let Some(s) = &m.snapshot {
        put_snapshot_body(out, s);
    }
}

/// The encoding of `m` (see the [module docs](self)).
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::encode_message;
/// use quorumkit::raft::{Message, MsgKind};
/// assert_eq!(encode_message(&Message::new(MsgKind::Vote, 1, 2, 1)), [1, 0, 0, 1, 2, 1]);
/// ```
pub fn encode_message(m: &Message) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    encode_message_into(m, &mut out);
    out
}

/// The stored form of a hard state.
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::encode_hard_state;
/// use quorumkit::raft::HardState;
/// let b = encode_hard_state(&HardState { term: 3, vote: 1, commit: 10 });
/// assert_eq!(b, [0x01, 0x80, 0x07, 0x03, 0x01, 0x0a]);
/// ```
pub fn encode_hard_state(hs: &HardState) -> Vec<u8> {
    let mut out = vec![VERSION, TAG_HARD_STATE, 0];
    for (v, bit) in [
        (hs.term, HS_TERM),
        (u64::from(hs.vote), HS_VOTE),
        (hs.commit, HS_COMMIT),
    ] {
        if v != 0 {
            out[2] |= bit;
            put_varint(&mut out, v);
        }
    }
    out
}

/// The stored form of a list of entries (typically one `Ready`'s).
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::encode_entries;
/// use quorumkit::raft::Entry;
/// let b = encode_entries(&[Entry::new(2, 1, &b"a"[..]), Entry::new(2, 2, &b"b"[..])]);
/// assert_eq!(b, [0x01, 0x81, 2, 0, 2, 0, 1, b'a', 0, 0, 0, 1, b'b']);
/// ```
pub fn encode_entries(entries: &[Entry]) -> Vec<u8> {
    let mut out = vec![VERSION, TAG_ENTRIES];
    put_entries(&mut out, entries, 0, 0);
    out
}

/// The stored form of a snapshot.
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::encode_snapshot;
/// use quorumkit::raft::{ConfState, Snapshot};
/// let s = Snapshot { index: 5, term: 2, conf: ConfState { voters: vec![1, 2], learners: vec![] }, data: vec![9].into() };
/// assert_eq!(encode_snapshot(&s), [0x01, 0x82, 5, 2, 2, 1, 2, 0, 1, 9]);
/// ```
pub fn encode_snapshot(s: &Snapshot) -> Vec<u8> {
    let mut out = vec![VERSION, TAG_SNAPSHOT];
    put_snapshot_body(&mut out, s);
    out
}

// ----- decoding -----------------------------------------------------------

/// A cursor over the input that checks every read against what remains.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.buf.len() - self.at
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, CodecError> {
        let b = *self
            .buf
            .get(self.at)
            .ok_or(CodecError::Truncated { what, at: self.at })?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self, what: &'static str) -> Result<u64, CodecError> {
        let start = self.at;
        let mut v = 0u64;
        for i in 0..10 {
            let b = self
                .byte(what)
                .map_err(|_| CodecError::Truncated { what, at: start })?;
            let low = u64::from(b & 0x7f);
            if i == 9 && b > 1 {
                return Err(CodecError::Overflow { what, at: start });
            }
            v |= low << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 {
                    return Err(CodecError::NonCanonical { what, at: start });
                }
                return Ok(v);
            }
        }
        Err(CodecError::Overflow { what, at: start })
    }

    /// A varint flagged present: it must not be zero.
    fn nonzero(&mut self, what: &'static str) -> Result<u64, CodecError> {
        let at = self.at;
        match self.varint(what)? {
            0 => Err(CodecError::NonCanonical { what, at }),
            v => Ok(v),
        }
    }

    fn id(&mut self, what: &'static str) -> Result<NodeId, CodecError> {
        let at = self.at;
        let v = self.varint(what)?;
        NodeId::try_from(v).map_err(|_| CodecError::Overflow { what, at })
    }

    /// A count of items that take at least `min_len` bytes each, checked
    /// against the remaining input before anything is allocated for them.
    fn count(&mut self, what: &'static str, min_len: usize) -> Result<usize, CodecError> {
        let at = self.at;
        let n = self.varint(what)?;
        match usize::try_from(n) {
            Ok(n) if n.saturating_mul(min_len) <= self.remaining() => Ok(n),
            _ => Err(CodecError::Truncated { what, at }),
        }
    }

    fn bytes(&mut self, what: &'static str) -> Result<Bytes, CodecError> {
        let n = self.count(what, 1)?;
        let b = Bytes::copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(b)
    }

    fn entries(
        &mut self,
        mut prev_index: u64,
        mut prev_term: u64,
        nonempty: bool,
    ) -> Result<Vec<Entry>, CodecError> {
        let at = self.at;
        let n = self.count("entry count", MIN_ENTRY_LEN)?;
        if nonempty && n == 0 {
            return Err(CodecError::NonCanonical {
                what: "entry count",
                at,
            });
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let index = prev_index
                .wrapping_add(1)
                .wrapping_add(self.varint("entry index")?);
            let term = prev_term.wrapping_add(self.varint("entry term")?);
            let kat = self.at;
            let kind = match self.byte("entry kind")? {
                0 => EntryKind::Normal,
                1 => EntryKind::ConfChange,
                code => return Err(CodecError::UnknownEntryKind { code, at: kat }),
            };
            let data = self.bytes("entry data")?;
            out.push(Entry {
                term,
                index,
                data,
                kind,
            });
            prev_index = index;
            prev_term = term;
        }
        Ok(out)
    }

    fn ids(&mut self, what: &'static str) -> Result<Vec<NodeId>, CodecError> {
        let n = self.count(what, 1)?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.id(what)?);
        }
        Ok(out)
    }

    fn snapshot_body(&mut self) -> Result<Snapshot, CodecError> {
        Ok(Snapshot {
            index: self.varint("snapshot index")?,
            term: self.varint("snapshot term")?,
            conf: ConfState {
                voters: self.ids("snapshot voters")?,
                learners: self.ids("snapshot learners")?,
            },
            data: self.bytes("snapshot data")?,
        })
    }

    fn version(&mut self) -> Result<(), CodecError> {
        match self.buf.first() {
            None => Err(CodecError::Empty),
            Some(&VERSION) => {
                self.at = 1;
                Ok(())
            }
            Some(&found) => Err(CodecError::Version { found }),
        }
    }

    fn tag(&mut self, expected: u8) -> Result<(), CodecError> {
        match self.byte("tag")? {
            t if t == expected => Ok(()),
            found => Err(CodecError::WrongTag { expected, found }),
        }
    }

    fn end(&self) -> Result<(), CodecError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(CodecError::TrailingBytes { count, at: self.at }),
        }
    }
}

/// Decodes a message written by [`encode_message`].
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::{decode_message, CodecError};
/// let m = decode_message(&[1, 0, 0, 1, 2, 1]).unwrap();
/// assert_eq!((m.from, m.to, m.term), (1, 2, 1));
/// assert_eq!(decode_message(&[1, 99, 0, 1, 2, 1]), Err(CodecError::UnknownKind { code: 99 }));
/// ```
///
/// # Errors
/// A [`CodecError`] for anything [`encode_message`] would not have written.
pub fn decode_message(buf: &[u8]) -> Result<Message, CodecError> {
    let mut r = Reader { buf, at: 0 };
    r.version()?;
    let code = r.byte("message kind")?;
    let kind = MsgKind::from_code(code).ok_or(CodecError::UnknownKind { code })?;
    let at = r.at;
    let flags = r.varint("flags")?;
    if flags & !F_ALL != 0 {
        return Err(CodecError::UnknownFlags { flags, at });
    }
    let mut m = Message::new(kind, r.id("from")?, r.id("to")?, r.varint("term")?);
    m.reject = flags & F_REJECT != 0;
    let mut opt = |bit: u64, what| -> Result<u64, CodecError> {
        if flags & bit != 0 {
            r.nonzero(what)
        } else {
            Ok(0)
        }
    };
    m.log_term = opt(F_LOG_TERM, "log term")?;
    m.index = opt(F_INDEX, "index")?;
    m.commit = opt(F_COMMIT, "commit")?;
    m.reject_hint = opt(F_REJECT_HINT, "reject hint")?;
    m.context = opt(F_CONTEXT, "context")?;
    if flags & F_ENTRIES != 0 {
        m.entries = r.entries(m.index, m.log_term, true)?;
    }
    if flags & F_SNAPSHOT != 0 {
        m.snapshot = Some(r.snapshot_body()?);
    }
    r.end()?;
    Ok(m)
}

/// Decodes a hard state written by [`encode_hard_state`].
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::decode_hard_state;
/// use quorumkit::raft::HardState;
/// assert_eq!(decode_hard_state(&[1, 0x80, 0]), Ok(HardState::default()));
/// assert!(decode_hard_state(&[1, 0x80, 0x08]).is_err()); // unknown flag
/// ```
///
/// # Errors
/// A [`CodecError`] for anything [`encode_hard_state`] would not have written.
pub fn decode_hard_state(buf: &[u8]) -> Result<HardState, CodecError> {
    let mut r = Reader { buf, at: 0 };
    r.version()?;
    r.tag(TAG_HARD_STATE)?;
    let at = r.at;
    let flags = r.byte("flags")?;
    if flags & !(HS_TERM | HS_VOTE | HS_COMMIT) != 0 {
        return Err(CodecError::UnknownFlags {
            flags: u64::from(flags),
            at,
        });
    }
    let term = if flags & HS_TERM != 0 {
        r.nonzero("term")?
    } else {
        0
    };
    let vote = if flags & HS_VOTE != 0 {
        let at = r.at;
        match r.id("vote")? {
            0 => return Err(CodecError::NonCanonical { what: "vote", at }),
            v => v,
        }
    } else {
        0
    };
    let commit = if flags & HS_COMMIT != 0 {
        r.nonzero("commit")?
    } else {
        0
    };
    r.end()?;
    Ok(HardState { term, vote, commit })
}

/// Decodes an entry list written by [`encode_entries`].
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::{decode_entries, encode_entries};
/// use quorumkit::raft::Entry;
/// let es = vec![Entry::new(1, 7, &b"x"[..])];
/// assert_eq!(decode_entries(&encode_entries(&es)), Ok(es));
/// ```
///
/// # Errors
/// A [`CodecError`] for anything [`encode_entries`] would not have written.
pub fn decode_entries(buf: &[u8]) -> Result<Vec<Entry>, CodecError> {
    let mut r = Reader { buf, at: 0 };
    r.version()?;
    r.tag(TAG_ENTRIES)?;
    let es = r.entries(0, 0, false)?;
    r.end()?;
    Ok(es)
}

/// Decodes a snapshot written by [`encode_snapshot`].
///
/// # Examples
/// ```
/// use quorumkit::raft::codec::{decode_snapshot, encode_snapshot};
/// use quorumkit::raft::Snapshot;
/// let s = Snapshot { index: 3, term: 1, ..Snapshot::default() };
/// assert_eq!(decode_snapshot(&encode_snapshot(&s)), Ok(s));
/// ```
///
/// # Errors
/// A [`CodecError`] for anything [`encode_snapshot`] would not have written.
pub fn decode_snapshot(buf: &[u8]) -> Result<Snapshot, CodecError> {
    let mut r = Reader { buf, at: 0 };
    r.version()?;
    r.tag(TAG_SNAPSHOT)?;
    let s = r.snapshot_body()?;
    r.end()?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_at_the_edges() {
        for v in [0, 1, 127, 128, 16_383, 16_384, u64::MAX >> 1, u64::MAX] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            assert!(b.len() <= 10);
            let mut r = Reader { buf: &b, at: 0 };
            assert_eq!(r.varint("v"), Ok(v));
            assert_eq!(r.remaining(), 0);
        }
        let overlong = [0x80, 0x00];
        let mut r = Reader {
            buf: &overlong,
            at: 0,
        };
        assert!(matches!(
            r.varint("v"),
            Err(CodecError::NonCanonical { .. })
        ));
        let too_big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        let mut r = Reader {
            buf: &too_big,
            at: 0,
        };
        assert!(matches!(r.varint("v"), Err(CodecError::Overflow { .. })));
    }
}
