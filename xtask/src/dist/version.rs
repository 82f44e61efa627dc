//! One version for everything: `[workspace.package] version` in Cargo.toml. The crates inherit it,
//! maturin gives it to the wheel and the sdist, the Swift archive and the CLI archives are named
//! by it, and this xtask (built with the same version) reads it as `CARGO_PKG_VERSION`.
//!
//! Maven cannot read Cargo.toml, so the POMs carry the version as `dev.userhash` coordinates, and
//! the Kotlin README shows it; `cargo xtask version X.Y.Z` writes it into Cargo.toml and every
//! such copy, and `check` (run by `test` and `dist`) fails when a copy disagrees. The CHANGELOG
//! must have a section for it.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, ensure};

use crate::workspace::Ctx;

/// The workspace's version: this xtask inherits it, and cargo rebuilds the xtask when it changes.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Maven group whose coordinates carry the workspace version.
const GROUP: &str = "<groupId>dev.userhash</groupId>";
/// Where the Maven projects and the documents that show coordinates live.
const MAVEN_ROOTS: [&str; 2] = ["bindings", "examples"];

/// One place a file states the version.
struct Copy {
    file: PathBuf,
    /// Byte range of the version text inside the file.
    range: std::ops::Range<usize>,
    found: String,
}

/// Fails, naming every file and what it says, when a copy of the version differs from
/// Cargo.toml's, or the CHANGELOG has no section for it.
pub fn check(ctx: &Ctx) -> anyhow::Result<String> {
    let copies = copies(ctx)?;
    let wrong: Vec<String> = copies
        .iter()
        .filter(|copy| copy.found != VERSION)
        .map(|copy| format!("{} says {}", shown(ctx, &copy.file), copy.found))
        .collect();
    ensure!(
        wrong.is_empty(),
        "the workspace version is {VERSION} (Cargo.toml), but {}; run `cargo xtask version {VERSION}`",
        wrong.join(", ")
    );
    ensure!(
        copies.len() >= 3,
        "found only {} copies of the version in the POMs; the scan is broken",
        copies.len()
    );
    let changelog =
        std::fs::read_to_string(ctx.path("CHANGELOG.md")).context("reading CHANGELOG.md")?;
    ensure!(
        changelog
            .lines()
            .any(|line| line.starts_with(&format!("## [{VERSION}]"))),
        "CHANGELOG.md has no `## [{VERSION}]` section"
    );
    Ok(format!(
        "version {VERSION} in Cargo.toml, {} Maven coordinates and the CHANGELOG",
        copies.len()
    ))
}

/// Writes `new` into Cargo.toml (the workspace version and the path dependencies' requirements)
/// and into every Maven copy.
pub fn set(ctx: &Ctx, new: &str) -> anyhow::Result<()> {
    ensure!(
        !new.is_empty()
            && new
                .split(['.', '-', '+'])
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric())),
        "{new:?} is not a version like 1.2.3"
    );
    let manifest = ctx.path("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    let old = format!("version = \"{VERSION}\"");
    ensure!(
        text.contains(&old),
        "Cargo.toml does not say {old}; is this xtask stale?"
    );
    std::fs::write(
        &manifest,
        text.replace(&old, &format!("version = \"{new}\"")),
    )?;
    // Path dependencies between the crates carry a version requirement for crates.io.
    let cli = ctx.path("crates/userhash-cli/Cargo.toml");
    let text = std::fs::read_to_string(&cli)?;
    std::fs::write(&cli, text.replace(&old, &format!("version = \"{new}\"")))?;
    let mut copies = copies(ctx)?;
    // Later ranges first, so the earlier ones stay valid.
    copies.sort_by(|a, b| (&a.file, b.range.start).cmp(&(&b.file, a.range.start)));
    for copy in copies {
        let mut text = std::fs::read_to_string(&copy.file)?;
        text.replace_range(copy.range, new);
        std::fs::write(&copy.file, text)?;
    }
    eprintln!(
        "version: {VERSION} -> {new} in Cargo.toml and the Maven coordinates; add a `## [{new}]` section to CHANGELOG.md"
    );
    Ok(())
}

/// Every Maven copy of the version: each `dev.userhash` coordinate in a `pom.xml` or a Markdown
/// file under `bindings/` and `examples/` whose `<version>` follows its `<artifactId>`, with
/// `${property}` resolved within the same file.
fn copies(ctx: &Ctx) -> anyhow::Result<Vec<Copy>> {
    let mut files = Vec::new();
    for root in MAVEN_ROOTS {
        walk(&ctx.path(root), &mut files)?;
    }
    let mut copies = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        for at in text.match_indices(GROUP).map(|(at, _)| at + GROUP.len()) {
            let Some(range) = coordinate_version(&text, at) else {
                continue;
            };
            let value = &text[range.clone()];
            let range = match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
                Some(property) => element(&text, property, 0)
                    .with_context(|| format!("{}: no <{property}>", file.display()))?,
                None => range,
            };
            copies.push(Copy {
                found: text[range.clone()].to_owned(),
                file: file.clone(),
                range,
            });
        }
    }
    Ok(copies)
}

/// After a `<groupId>`: `<artifactId>...</artifactId>` then `<version>...</version>`, only
/// whitespace between; the version's byte range.
fn coordinate_version(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let rest = &text[at..];
    let skipped = rest.len() - rest.trim_start().len();
    let artifact = element(text, "artifactId", at + skipped)?;
    let after = artifact.end + "</artifactId>".len();
    let rest = &text[after..];
    let skipped = rest.len() - rest.trim_start().len();
    let version = element(text, "version", after + skipped)?;
    Some(version)
}

/// The content range of `<name>...</name>`, which must start at `at` (or, with `at` 0, anywhere).
fn element(text: &str, name: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let open = format!("<{name}>");
    let start = if at == 0 {
        text.find(&open)? + open.len()
    } else {
        text[at..].starts_with(&open).then_some(at + open.len())?
    };
    let end = start + text[start..].find(&format!("</{name}>"))?;
    Some(start..end)
}

/// `pom.xml` and `*.md` files under `dir`, skipping build output.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if !matches!(name, "target" | ".build" | "node_modules") && !name.starts_with('.') {
                walk(&path, files)?;
            }
        } else if name == "pom.xml" || name.ends_with(".md") {
            files.push(path);
        }
    }
    Ok(())
}

fn shown(ctx: &Ctx, path: &Path) -> String {
    path.strip_prefix(&ctx.root)
        .unwrap_or(path)
        .display()
        .to_string()
}
