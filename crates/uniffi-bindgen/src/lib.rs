//! Empty on purpose: this crate is its `uniffi-bindgen` bin (src/main.rs).
//!
//! The library target exists so that `userhash-ffi` can name this crate as a path dependency
//! (under a `cfg` that never holds, so it is never built): maturin packs a crate's path
//! dependencies into the Python sdist, and runs the workspace's `uniffi-bindgen` bin to generate
//! the Python module. With it, `pip install userhash-*.tar.gz` builds with the pinned bindgen,
//! never the older one on PyPI.
