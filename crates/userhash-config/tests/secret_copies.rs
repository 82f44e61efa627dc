//! No copy of a secret is left behind in freed memory while it is read: every block the reading
//! frees is searched for the secret by a wrapping allocator, which records any that holds it.
//!
//! Before the fix, a secret file was read into a `Vec` that grew (each smaller allocation freed
//! with part of the secret in it), and `--secret-stdin`'s line went through standard input's own
//! buffer, which is freed (or kept) unwiped.
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::BufReader;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use userhash_config::{OsSecrets, SecretRef, SecretSource, read_secret_line};

/// A run of bytes no other allocation of the test holds while it is searched for.
const CANARY: &[u8] = b"CANARY-SECRET-3f9a1c";

/// Searching is switched on only around the reading, so that the test's own copies (the text it
/// writes to the file, the expected value) are not counted.
static SEARCHING: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);
/// One test at a time: the allocator is global, and another test's copies are not ours.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Searching;

unsafe impl GlobalAlloc for Searching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if SEARCHING.load(Ordering::SeqCst) {
            // SAFETY: `ptr` is a live block of `layout.size()` bytes until it is freed below.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(CANARY.len()).any(|window| window == CANARY) {
                FOUND.fetch_add(1, Ordering::SeqCst);
            }
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Searching = Searching;

/// Runs `read` with the search on, and returns how many freed blocks held the canary.
fn freed_copies(read: impl FnOnce()) -> usize {
    FOUND.store(0, Ordering::SeqCst);
    SEARCHING.store(true, Ordering::SeqCst);
    read();
    SEARCHING.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

/// A secret of a few hundred bytes: long enough that a growing buffer reallocates several times.
fn secret() -> Vec<u8> {
    CANARY.repeat(24)
}

#[test]
fn reading_a_secret_file_frees_no_copy_of_it() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret");
    std::fs::write(&path, secret()).unwrap();
    let reference = SecretRef::File(path);
    let length = secret().len();
    let copies = freed_copies(|| {
        let text = OsSecrets.read(&reference).unwrap();
        assert_eq!(text.len(), length);
    });
    assert_eq!(copies, 0, "freed blocks held the secret");
}

#[test]
fn reading_the_secret_line_leaves_no_copy_in_the_readers_buffer() {
    // Standard input is a buffered reader with an 8 KiB buffer; the line must bypass it.
    static LINE: &[u8] = b"CANARY-SECRET-3f9a1cCANARY-SECRET-3f9a1c\nthe rest of the input\n";
    let _serial = serial();
    let copies = freed_copies(|| {
        let mut stdin = BufReader::with_capacity(8 * 1024, LINE);
        let text = read_secret_line(&mut stdin, 64 * 1024).unwrap();
        assert_eq!(text.len(), 2 * CANARY.len());
        drop(stdin); // frees its buffer, which must not hold the line
    });
    assert_eq!(copies, 0, "freed blocks held the secret");
}
