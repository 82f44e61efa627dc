//! Reading a crate's source for the layer check: every module file, the `crate::`, `super::` and
//! `self::` paths it names outside its tests (in `use` items, in code, and inside macro calls),
//! what it re-exports, and how many lines it has besides its tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// A module's path inside the crate: `[]` for the root, `["explain", "jwt"]` for
/// `src/explain/jwt.rs`.
pub type ModPath = Vec<String>;

/// One path a module names, as written, made absolute (starting at the crate root).
#[derive(Debug, Clone)]
pub struct Import {
    /// The absolute path, e.g. `["claims", "verify", "check"]` for `crate::claims::verify::check`.
    pub path: Vec<String>,
    /// The line it is written on.
    pub line: usize,
    /// The path as written, for messages.
    pub written: String,
}

/// One module file.
#[derive(Debug)]
pub struct Module {
    /// The file, relative to the crate's `src/`.
    pub file: PathBuf,
    /// Every path the module names outside its tests.
    pub imports: Vec<Import>,
    /// Names the module re-exports (`pub use x::Y;`, `pub use x::Y as Z;`): name → absolute path.
    pub reexports: BTreeMap<String, Vec<String>>,
    /// Lines of the file outside `#[cfg(test)]` items.
    pub lines: usize,
    /// The whole file is test code (`#![cfg(test)]`).
    pub test_only: bool,
}

/// Every module file under `src`, by module path.
pub fn crate_modules(src: &Path) -> anyhow::Result<BTreeMap<ModPath, Module>> {
    let mut modules = BTreeMap::new();
    let mut files = Vec::new();
    collect_files(src, &mut files)?;
    for file in files {
        let relative = file.strip_prefix(src)?.to_path_buf();
        let path = module_path(&relative);
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        let module = read_module(&relative, &path, &text)
            .with_context(|| format!("parsing {}", file.display()))?;
        modules.insert(path, module);
    }
    Ok(modules)
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    Ok(())
}

/// `lib.rs` → `[]`, `a.rs` → `["a"]`, `a/b.rs` → `["a", "b"]`.
fn module_path(relative: &Path) -> ModPath {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

/// Reads one module's text.
pub fn read_module(file: &Path, path: &[String], text: &str) -> anyhow::Result<Module> {
    let parsed = syn::parse_file(text)?;
    if is_test_only(&parsed.attrs) {
        return Ok(Module {
            file: file.to_path_buf(),
            imports: Vec::new(),
            reexports: BTreeMap::new(),
            lines: 0,
            test_only: true,
        });
    }
    let children = parsed
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(module) if !is_test_only(&module.attrs) => {
                Some(module.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let mut reader = Reader {
        here: path.to_vec(),
        children,
        imports: Vec::new(),
        reexports: BTreeMap::new(),
        test_lines: 0,
    };
    reader.visit_file(&parsed);
    Ok(Module {
        file: file.to_path_buf(),
        imports: reader.imports,
        reexports: reader.reexports,
        lines: text.lines().count().saturating_sub(reader.test_lines),
        test_only: false,
    })
}

struct Reader {
    here: ModPath,
    /// The submodules this file declares: `jwt::findings(…)` in code names one of them.
    children: BTreeSet<String>,
    imports: Vec<Import>,
    reexports: BTreeMap<String, Vec<String>>,
    test_lines: usize,
}

impl Reader {
    /// `segments` as an absolute path, if it starts at `crate`, `super` or `self`.
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let (first, rest) = segments.split_first()?;
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" => self.here.clone(),
            "super" => self.here.get(..self.here.len().checked_sub(1)?)?.to_vec(),
            _ => return None,
        };
        let mut rest = rest;
        while let Some(("super", tail)) = rest.split_first().map(|(s, t)| (s.as_str(), t)) {
            base.pop();
            rest = tail;
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn note(&mut self, segments: &[String], line: usize) {
        // A lone `crate`, `super` or `self` names no item (a receiver, or a visibility).
        if segments.len() < 2 {
            return;
        }
        let written = segments.join("::");
        let from_child;
        let segments = if self.children.contains(&segments[0]) {
            from_child = [&["self".to_owned()], segments].concat();
            &from_child
        } else {
            segments
        };
        if let Some(path) = self.absolute(segments) {
            self.imports.push(Import {
                path,
                line,
                written,
            });
        }
    }

    /// Every path of a `use` tree, with the name each one binds (`None` for a glob).
    fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<UsePath>) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                Reader::use_paths(&path.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let ident = name.ident.to_string();
                let mut full = prefix.clone();
                if ident != "self" {
                    full.push(ident.clone());
                }
                let bound = if ident == "self" {
                    prefix.last().cloned()
                } else {
                    Some(ident)
                };
                out.push(UsePath {
                    line: name.ident.span().start().line,
                    segments: full,
                    bound,
                });
            }
            syn::UseTree::Rename(rename) => {
                let mut full = prefix.clone();
                full.push(rename.ident.to_string());
                out.push(UsePath {
                    line: rename.ident.span().start().line,
                    segments: full,
                    bound: Some(rename.rename.to_string()),
                });
            }
            syn::UseTree::Glob(glob) => out.push(UsePath {
                line: glob.star_token.spans[0].start().line,
                segments: prefix.clone(),
                bound: None,
            }),
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    Reader::use_paths(item, prefix, out);
                }
            }
        }
    }

    /// `crate :: a :: b` (and `super`, `self`) sequences in a macro's tokens.
    fn macro_paths(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut index = 0;
        while index < tokens.len() {
            match &tokens[index] {
                TokenTree::Group(group) => self.macro_paths(group.stream()),
                TokenTree::Ident(ident)
                    if ["crate", "super", "self"].contains(&ident.to_string().as_str())
                        || self.children.contains(&ident.to_string()) =>
                {
                    let line = ident.span().start().line;
                    let mut segments = vec![ident.to_string()];
                    let mut next = index + 1;
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(name)),
                    ) = (tokens.get(next), tokens.get(next + 1), tokens.get(next + 2))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        segments.push(name.to_string());
                        next += 3;
                    }
                    if segments.len() > 1 {
                        self.note(&segments, line);
                    }
                    index = next - 1;
                }
                _ => {}
            }
            index += 1;
        }
    }
}

struct UsePath {
    line: usize,
    segments: Vec<String>,
    bound: Option<String>,
}

/// `#[cfg(test)]` (also `#[cfg(all(test, …))]`): the item exists only in the crate's tests.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr.meta.require_list().is_ok_and(|list| {
                list.tokens
                    .clone()
                    .into_iter()
                    .any(|t| t.to_string() == "test")
            })
    })
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

impl<'ast> Visit<'ast> for Reader {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_test_only(item_attrs(item)) {
            let span = syn::spanned::Spanned::span(item);
            self.test_lines += span.end().line + 1 - span.start().line;
            return;
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        Reader::use_paths(&item.tree, &mut Vec::new(), &mut paths);
        let public = !matches!(item.vis, syn::Visibility::Inherited);
        for path in paths {
            // A path relative to a child module (`use kind::ErrorKind;` in error.rs) is made
            // absolute the way `self::` is.
            let segments = match path.segments.first().map(String::as_str) {
                Some("crate" | "super" | "self") => path.segments.clone(),
                _ => std::iter::once("self".to_owned())
                    .chain(path.segments.iter().cloned())
                    .collect(),
            };
            let Some(absolute) = self.absolute(&segments) else {
                continue;
            };
            if let (true, Some(bound)) = (public, &path.bound) {
                self.reexports.insert(bound.clone(), absolute.clone());
            }
            self.imports.push(Import {
                path: absolute,
                line: path.line,
                written: path.segments.join("::"),
            });
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = path.segments.first() {
            self.note(&segments, first.ident.span().start().line);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {
        // `pub(crate)` and `pub(in crate::a)` say who may see an item, not what it uses.
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.macro_paths(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}
