//! Fuzz target `config`: see `config_oracle` for what is checked.
#![no_main]

#[path = "../src/config_oracle.rs"]
mod config_oracle;

libfuzzer_sys::fuzz_target!(|data: &[u8]| config_oracle::run(data));
