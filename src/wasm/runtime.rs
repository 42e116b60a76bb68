//! The allocator and the panic handler of the package's modules, which are
//! built without `std` (see `Cargo.toml`).
//!
//! std's panic handler formats the message and the location of every panic
//! for its hook, which links `core::fmt`, the `Debug` impls and escape tables
//! of every panic site's arguments, and their strings, into each module. A
//! panic here is a bug (every input from JavaScript is validated before it can
//! reach one), so the handler traps at once: JavaScript sees a
//! `RuntimeError: unreachable` with the wasm stack.

/// talc: smaller than dlmalloc (the allocator std uses on wasm32; 1.8 KB gzip
/// off the Bloom module) and as fast in the ring's and the Bloom filters' hot
/// loops; see docs/ARCHITECTURE.md, "Size".
#[cfg(not(feature = "snowflake"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// dlmalloc in the Snowflake module: with talc, `Snowflake.next` issued IDs
/// at 0.78× the rate (interleaved A/B in one process), which the 1.7 KB it
/// would save does not pay for.
#[cfg(feature = "snowflake")]
#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
