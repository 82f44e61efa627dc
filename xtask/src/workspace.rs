//! Where things are: the repository root, the build products, and the caches outside the repo.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use xshell::Shell;

/// The shell and paths every step uses.
pub struct Ctx {
    /// A shell rooted at the repository.
    pub sh: Shell,
    /// The repository root.
    pub root: PathBuf,
}

impl Ctx {
    /// A context rooted at the workspace this xtask belongs to, whatever the current directory.
    pub fn new() -> anyhow::Result<Ctx> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask lives in a subdirectory of the workspace")?
            .to_path_buf();
        let sh = Shell::new()?;
        sh.change_dir(&root);
        Ok(Ctx { sh, root })
    }

    /// The cargo target directory.
    pub fn target(&self) -> PathBuf {
        self.root.join("target")
    }

    /// Scratch space for xtask (virtualenvs, staged packages), inside the target directory so
    /// `cargo clean` removes it.
    pub fn scratch(&self) -> PathBuf {
        self.target().join("xtask")
    }

    /// The release cdylib every binding loads (`.dylib` on macOS, `.so` elsewhere).
    pub fn cdylib(&self) -> PathBuf {
        let extension = if cfg!(target_os = "macos") {
            "dylib"
        } else {
            "so"
        };
        self.target()
            .join("release")
            .join(format!("libuserhash_ffi.{extension}"))
    }

    /// A path under the repository root.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

/// True when `program` can be run from PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
