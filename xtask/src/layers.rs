//! The core's layers, checked: every module of `crates/userhash` imports only from its own layer
//! and the layers below it, no modules import each other in a circle, and no file has more than
//! [`MAX_LINES`] lines besides its tests.
//!
//! An import is any `crate::`, `super::` or `self::` path outside `#[cfg(test)]` items — in a
//! `use`, in code, or in a macro call — and one that goes through a re-export
//! (`use crate::Freshness`) counts as an import of the module that defines the item. The `test`
//! command's Rust step runs it; a failure names each offending import by file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::bail;

use crate::workspace::Ctx;

mod read;

use read::{Import, ModPath, Module};

/// The core's layers, lowest first, each with its top-level modules (a module's submodules are
/// in its layer). Within a layer, modules may import each other, without a circle.
pub const LAYERS: [(&str, &[&str]); 8] = [
    (
        "data and encodings",
        &[
            "clock",
            "column",
            "error",
            "freshness",
            "identity",
            "label",
            "mac",
            "parts",
            "split",
        ],
    ),
    (
        "secrets, tokens, JWTs, claims and packed batches",
        &["batch", "claims", "jwt", "secret", "token"],
    ),
    ("presets", &["presets"]),
    ("scheme", &["scheme"]),
    ("signer", &["signer"]),
    ("keyring", &["keyring"]),
    ("verifier", &["verifier"]),
    ("the gate and the diagnosis", &["explain", "gate"]),
];

/// The most lines a core file may have besides its tests.
pub const MAX_LINES: usize = 500;

/// Fails, naming every offence, unless the core keeps its layers.
pub fn check(ctx: &Ctx) -> anyhow::Result<()> {
    let src = ctx.root.join("crates/userhash/src");
    let problems = problems(&src, &LAYERS)?;
    if !problems.is_empty() {
        bail!(
            "the core's layers (xtask/src/layers.rs) are broken:\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(())
}

/// Everything wrong with the crate at `src` under `layers`, one line each.
fn problems(src: &Path, layers: &[(&str, &[&str])]) -> anyhow::Result<Vec<String>> {
    let modules = read::crate_modules(src)?;
    let layer_of = |path: &ModPath| -> Option<usize> {
        let top = path.first()?;
        layers
            .iter()
            .position(|(_, members)| members.contains(&top.as_str()))
    };
    let mut problems = Vec::new();
    for (name, members) in layers {
        for member in *members {
            if !modules.contains_key(&vec![(*member).to_owned()]) {
                problems.push(format!("layer {name:?} lists {member}, which is no module"));
            }
        }
    }
    let mut edges: BTreeMap<&ModPath, Vec<(&ModPath, &Import)>> = BTreeMap::new();
    for (path, module) in &modules {
        let at = |line: usize| format!("src/{}:{line}", module.file.display());
        if module.lines > MAX_LINES {
            problems.push(format!(
                "src/{} has {} lines besides its tests; the limit is {MAX_LINES}",
                module.file.display(),
                module.lines
            ));
        }
        if path.is_empty() || module.test_only {
            // The crate root declares and re-exports; it stands above every layer. A file that is
            // all tests (`#![cfg(test)]`) is no part of the library.
            continue;
        }
        let Some(layer) = layer_of(path) else {
            problems.push(format!(
                "src/{} is in no layer: add `{}` to LAYERS in xtask/src/layers.rs",
                module.file.display(),
                path[0]
            ));
            continue;
        };
        for import in &module.imports {
            let Some(target) = defining_module(&modules, &import.path) else {
                continue;
            };
            if target == path {
                continue;
            }
            match layer_of(target) {
                _ if target.is_empty() => problems.push(format!(
                    "{} imports `{}`, which the crate root defines: only re-exports belong there",
                    at(import.line),
                    import.written
                )),
                Some(above) if above > layer => problems.push(format!(
                    "{} imports `{}` from {} (layer {} {:?}), above its own layer {} {:?}",
                    at(import.line),
                    import.written,
                    target.join("::"),
                    above + 1,
                    layers[above].0,
                    layer + 1,
                    layers[layer].0
                )),
                _ => edges.entry(path).or_default().push((target, import)),
            }
        }
    }
    for circle in circles(&edges) {
        let mut ties = Vec::new();
        for from in &circle {
            for (to, import) in edges.get(from).into_iter().flatten() {
                if circle.contains(to) {
                    ties.push(format!(
                        "src/{}:{} `{}`",
                        modules[*from].file.display(),
                        import.line,
                        import.written
                    ));
                }
            }
        }
        let names: Vec<String> = circle.iter().map(|path| path.join("::")).collect();
        problems.push(format!(
            "{} import each other in a circle: {}",
            names.join(", "),
            ties.join("; ")
        ));
    }
    Ok(problems)
}

/// The module that defines what `path` names: the longest prefix that is a module, followed
/// through re-exports (`crate::Freshness` → `freshness`).
fn defining_module<'m>(
    modules: &'m BTreeMap<ModPath, Module>,
    path: &[String],
) -> Option<&'m ModPath> {
    let mut path = path.to_vec();
    // Each re-export leads to another path; a chain longer than the crate has modules is a loop.
    for _ in 0..=modules.len() {
        let (module_path, module) = (0..=path.len())
            .rev()
            .find_map(|len| modules.get_key_value(&path[..len]))?;
        let rest = &path[module_path.len()..];
        match rest.first().and_then(|name| module.reexports.get(name)) {
            Some(target) if target.as_slice() != path.as_slice() => {
                path = target.iter().chain(&rest[1..]).cloned().collect();
            }
            _ => return Some(module_path),
        }
    }
    None
}

/// The sets of two or more modules that import each other in a circle (Tarjan's strongly
/// connected components).
fn circles<'p>(
    edges: &BTreeMap<&'p ModPath, Vec<(&'p ModPath, &Import)>>,
) -> Vec<Vec<&'p ModPath>> {
    struct State<'p> {
        index: BTreeMap<&'p ModPath, usize>,
        low: BTreeMap<&'p ModPath, usize>,
        stack: Vec<&'p ModPath>,
        on_stack: BTreeSet<&'p ModPath>,
        found: Vec<Vec<&'p ModPath>>,
    }
    fn visit<'p>(
        node: &'p ModPath,
        edges: &BTreeMap<&'p ModPath, Vec<(&'p ModPath, &Import)>>,
        state: &mut State<'p>,
    ) {
        let index = state.index.len();
        state.index.insert(node, index);
        state.low.insert(node, index);
        state.stack.push(node);
        state.on_stack.insert(node);
        for (next, _) in edges.get(node).into_iter().flatten() {
            if !state.index.contains_key(next) {
                visit(next, edges, state);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top);
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node) {
            visit(node, edges, &mut state);
        }
    }
    state.found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway crate of `(file, text)` under a fresh directory.
    fn fake_crate(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (file, text) in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    const LOW_HIGH: [(&str, &[&str]); 2] = [("low", &["low", "low2"]), ("high", &["high"])];

    #[test]
    fn the_core_keeps_its_layers() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/userhash/src");
        assert_eq!(problems(&src, &LAYERS).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn an_import_through_a_root_reexport_counts_as_one_of_its_module() {
        let dir = fake_crate(&[
            ("lib.rs", "mod low; mod low2; mod high; pub use high::Up;"),
            ("low.rs", "pub fn f() -> crate::Up { todo!() }"),
            ("low2.rs", ""),
            ("high.rs", "pub struct Up;"),
        ]);
        let found = problems(dir.path(), &LOW_HIGH).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("src/low.rs:1 imports `crate::Up` from high (layer 2"),
            "{found:?}"
        );
    }

    #[test]
    fn circles_within_a_layer_and_between_parent_and_child_are_named() {
        let dir = fake_crate(&[
            ("lib.rs", "mod low; mod low2; mod high;"),
            ("low.rs", "use crate::low2::B;\npub struct A;"),
            (
                "low2.rs",
                "pub struct B;\nfn f() { let _ = crate::low::A; }",
            ),
            ("high.rs", "mod inner;\npub use inner::C;\npub struct D;"),
            ("high/inner.rs", "use super::D;\npub struct C;"),
        ]);
        let found = problems(dir.path(), &LOW_HIGH).unwrap();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("high, high::inner import each other"))
        );
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("low, low2 import each other")
                    && p.contains("src/low2.rs:2 `crate::low::A`"))
        );
    }

    #[test]
    fn tests_macros_and_line_counts() {
        let long = "// line\n".repeat(MAX_LINES);
        let dir = fake_crate(&[
            ("lib.rs", "mod low; mod low2; mod high; mod stray;"),
            ("low2.rs", ""),
            (
                "low.rs",
                "fn f() { assert!(crate::high::yes()); }\n#[cfg(test)]\nmod tests { use crate::high::D; }",
            ),
            (
                "high.rs",
                &format!("pub fn yes() -> bool {{ true }}\n{long}"),
            ),
            ("stray.rs", ""),
            ("checks.rs", "#![cfg(test)]\nuse crate::high::D;"),
        ]);
        let found = problems(dir.path(), &LOW_HIGH).unwrap();
        // The test module's import is not counted; the assert! macro's is.
        assert_eq!(found.len(), 3, "{found:?}");
        let has = |start: &str| found.iter().any(|problem| problem.starts_with(start));
        assert!(has("src/low.rs:1 imports `crate::high::yes`"), "{found:?}");
        assert!(
            has("src/high.rs has 501 lines besides its tests"),
            "{found:?}"
        );
        assert!(has("src/stray.rs is in no layer"), "{found:?}");
    }
}
