//! `cargo xtask vectors`: every file in testdata/vectors matches the generator that writes it.

use xshell::cmd;

use crate::python;
use crate::workspace::Ctx;

/// The generator of the hash vectors: Python's standard library only.
pub const HASH_GENERATOR: &str = "testdata/generate_vectors.py";
/// The generators that sign with PyJWT: the JWT vectors, and the payloads (built on both models).
pub const PYJWT_GENERATORS: [&str; 2] = [
    "testdata/generate_jwt_vectors.py",
    "testdata/generate_payload_vectors.py",
];
/// What they need (PyJWT); the Python suite's test requirements include it.
const PYJWT_REQUIREMENTS: &str = "testdata/requirements.txt";

/// Fails when a hash vector file no longer matches its generator (no dependencies: `test`'s
/// Rust step runs it; the Python step checks the JWT files with its own virtualenv).
pub fn check_hash(ctx: &Ctx) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    cmd!(sh, "python3 {HASH_GENERATOR} --check").run()?;
    Ok(())
}

/// Fails when any vector file no longer matches its generator: the hash files with
/// `python3`, the JWT and payload files in a virtualenv with PyJWT (made once, in
/// target/xtask).
pub fn check(ctx: &Ctx) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    check_hash(ctx)?;
    let python =
        python::requirements_venv(ctx, "vectors-venv", PYJWT_REQUIREMENTS)?.join("bin/python");
    for generator in PYJWT_GENERATORS {
        cmd!(sh, "{python} {generator} --check").run()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generator added to testdata/ without being checked here would let its files go stale
    /// unnoticed, as the JWT files once did.
    #[test]
    fn every_generator_is_checked() {
        let testdata = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata");
        let mut found: Vec<String> = std::fs::read_dir(testdata)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("generate") && name.ends_with(".py"))
            .map(|name| format!("testdata/{name}"))
            .collect();
        found.sort();
        let mut checked: Vec<String> = std::iter::once(HASH_GENERATOR)
            .chain(PYJWT_GENERATORS)
            .map(str::to_owned)
            .collect();
        checked.sort();
        assert_eq!(found, checked);
    }
}
