//! Fuzz target `jwt`: see `jwt_oracle` for what is checked.
#![no_main]

#[path = "../src/oracles.rs"]
mod oracles;

libfuzzer_sys::fuzz_target!(|data: &[u8]| oracles::run("jwt", data));
