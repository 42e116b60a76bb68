//! `snowflake::parse_id` on arbitrary text: what parses prints back the same,
//! and decodes under every preset layout without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quorumkit::snowflake::{compose, decode, parse_id, Layout};

fuzz_target!(|data: &[u8]| {
    if let Ok(id) = parse_id(data) {
        assert_eq!(
            id.to_string().as_bytes(),
            data,
            "parsed, but prints otherwise"
        );
        for (_, layout) in Layout::PRESETS {
            // Every ID up to MAX_ID decodes, and its parts compose back.
            let parts = decode(id, &layout).expect("a parsed ID decodes");
            assert_eq!(compose(&parts, &layout), Ok(id));
        }
    }
});
