//! # quorumkit
//!
//! The algorithms behind DynamoDB, Cassandra, Kafka and etcd, as one Rust core
//! that runs natively and, compiled to WebAssembly, in browsers and Node:
//!
//! - [`ring`]: consistent hashing (virtual nodes, weights, ketama, jump,
//!   rendezvous, bounded loads) with movement analytics;
//! - [`snowflake`]: 64-bit time-ordered IDs that never repeat;
//! - [`bloom`]: Bloom filters with a stable, portable byte format;
//! - [`raft`]: a sans-IO Raft state machine and a deterministic simulator.
//!
//! The core owns no clock, random number generator, network or disk: callers
//! inject them, so every test is a replay. Invalid arguments come back as
//! [`ArgError`] values, never as panics.
//!
//! ```
//! // Hash helpers are part of the placement contracts.
//! assert_eq!(quorumkit::hash::crc32(b"123456789"), 0xCBF4_3926);
//! ```
#![warn(missing_docs)]
// The package's wasm modules are built without the `std` feature (see
// Cargo.toml): then the crate uses only `core` and `alloc`, and `wasm::runtime`
// supplies the allocator and the panic handler.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

mod error;
pub mod hash;
mod math;
mod prelude;

pub mod bloom;
pub mod raft;
pub mod ring;
pub mod snowflake;

pub(crate) use error::text;
pub use error::{ArgError, ArgKind, Shown};

/// The raw WebAssembly exports (wasm32 only). JavaScript users reach them
/// through the typed facade of the npm package; they are public so the
/// wasm-bindgen-test suite can drive them.
#[cfg(target_arch = "wasm32")]
pub mod wasm;
