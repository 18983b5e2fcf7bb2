#![no_main]

// The target and its invariants: crates/fuzz/src/lib.rs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| openusage_fuzz::codex(data));
