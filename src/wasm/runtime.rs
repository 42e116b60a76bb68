//! The allocator and the panic handler of the package's modules, which are
//! built without `std` (see `Cargo.toml`).
//!
//! std's panic handler formats the message and the location of every panic
//! for its hook, which links `core::fmt`, the `Debug` impls and escape tables
//! of every panic site's arguments, and their strings, into each module. A
//! panic here is a bug (every input from JavaScript is validated before it can
//! reach one), so the handler traps at once: JavaScript sees a
//! `RuntimeError: unreachable` with the wasm stack.

/// talc, smaller than dlmalloc (the allocator std uses on wasm32); see
/// docs/ARCHITECTURE.md, "Size".
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
