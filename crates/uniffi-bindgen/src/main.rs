//! The `uniffi-bindgen` command, built from the same uniffi version as `userhash-ffi`, so the
//! generated bindings always match the library's scaffolding (checksums included).

fn main() {
    uniffi::uniffi_bindgen_main()
}
