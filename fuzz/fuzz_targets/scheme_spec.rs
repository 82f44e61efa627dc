//! Fuzz target `scheme_spec`: see `oracles::scheme_spec` for what is checked.
#![no_main]

#[path = "../src/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::scheme_spec(data));
