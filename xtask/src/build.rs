//! The release library and the generated bindings.

use std::path::Path;

use xshell::cmd;

use crate::workspace::Ctx;

/// Builds the release cdylib and staticlib, then generates the Kotlin and Swift bindings into
/// their packages (gitignored; never committed).
pub fn release(ctx: &Ctx) -> anyhow::Result<()> {
    library(ctx)?;
    crate::kotlin::generate(ctx)?;
    crate::swift::generate(ctx)?;
    Ok(())
}

/// `cargo build --release -p userhash-ffi`: `libuserhash_ffi.so` and `libuserhash_ffi.a`.
pub fn library(ctx: &Ctx) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    cmd!(sh, "cargo build --release --package userhash-ffi").run()?;
    Ok(())
}

/// Runs the workspace's pinned uniffi-bindgen in library mode over the release cdylib.
pub fn bindgen(ctx: &Ctx, language: &str, out_dir: &Path) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    let library = ctx.cdylib();
    let config = ctx.path("uniffi.toml");
    cmd!(
        sh,
        "cargo run --quiet --package uniffi-bindgen -- generate --no-format --config {config} --library {library} --language {language} --out-dir {out_dir}"
    )
    .run()?;
    Ok(())
}
