//! Reading the payload vectors (`testdata/vectors/payload.json`) and laying a named config out on
//! disk as a user's would be: the config file, and its secret files beside it, owner-only.
//! Shared by the config crate's runner and the CLI's.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The whole payload vector file.
pub fn vectors() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors/payload.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Writes a named config and its secret files (mode 0600) into `dir`; returns the config's path.
pub fn write_config(dir: &Path, config: &Value) -> PathBuf {
    for (file, secret) in config["secret_files"].as_object().unwrap() {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, secret.as_str().unwrap()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    let path = dir.join("userhash.toml");
    std::fs::write(&path, config["toml"].as_str().unwrap()).unwrap();
    path
}
