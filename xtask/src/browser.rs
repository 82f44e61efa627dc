//! The headless browser of the Python browser test: Debian's `chromium` and `chromium-driver`,
//! installed with apt-get when missing, like the other toolchains. The test drives it through
//! Selenium pointed at the driver below (Selenium Manager, which downloads drivers, is never
//! used).

use std::path::Path;

use xshell::cmd;

use crate::workspace::{Ctx, on_path};

/// Debian's Chromium (a wrapper script that starts the browser).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver, of the same version as the browser.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The Debian packages that provide them.
const PACKAGES: [&str; 2] = ["chromium", "chromium-driver"];

/// Makes sure Chromium and its driver are installed; the error is the reason the browser test
/// cannot run here.
pub fn ensure(ctx: &Ctx) -> Result<(), String> {
    let missing = || {
        [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .filter(|path| !Path::new(path).is_file())
            .collect::<Vec<_>>()
    };
    if missing().is_empty() {
        return Ok(());
    }
    let wanted = format!(
        "no headless browser (missing: {}); install Debian's chromium and chromium-driver",
        missing().join(", ")
    );
    if !on_path("apt-get") {
        return Err(wanted);
    }
    eprintln!("xtask: installing chromium and chromium-driver with apt-get (the browser test)");
    let sh = &ctx.sh;
    let install = || -> anyhow::Result<()> {
        cmd!(sh, "apt-get update -qq").run()?;
        cmd!(sh, "apt-get install -y -qq {PACKAGES...}").run()?;
        Ok(())
    };
    install().map_err(|error| format!("{wanted}; apt-get failed: {error:#}"))?;
    if missing().is_empty() {
        Ok(())
    } else {
        Err(format!("{wanted}, even after apt-get"))
    }
}
