//! Codes for names that cross the boundary as numbers.
//!
//! A binding declares the names of an enum it sends as a `pub const` table
//! of `&str` (`EVENT_TYPES` in the simulator's binding), and the code of a
//! name is its position there, found at compile time with [`code`]. The
//! package build reads the same tables into the facade (scripts/layout.mjs),
//! so a code has one definition on both sides.

/// The position of `name` in `names`, as the `u8` code that crosses the
/// boundary. Meant for constant contexts, `const { code(&TABLE, "name") }`,
/// where a name missing from the table fails the build.
///
/// # Examples
/// ```ignore
/// const KINDS: [&str; 2] = ["get", "put"];
/// assert_eq!(const { code(&KINDS, "put") }, 1);
/// ```
///
/// # Panics
/// If `name` is not in `names`: in a constant context, at compile time.
pub const fn code(names: &[&str], name: &str) -> u8 {
    let mut i = 0;
    while i < names.len() {
        if same(names[i].as_bytes(), name.as_bytes()) {
            return i as u8;
        }
        i += 1;
    }
    panic!("a name missing from its code table");
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
