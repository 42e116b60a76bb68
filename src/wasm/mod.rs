//! The WebAssembly binding layer (in progress).
