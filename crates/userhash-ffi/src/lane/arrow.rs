//! The lane's Arrow columns: string arrays read in place through the Arrow C data interface, and
//! the signed tokens (and, when asked, each failed row's error code) handed back the same way.
//!
//! The C data interface is a stable C ABI of two structs, `ArrowSchema` and `ArrowArray`, that
//! every Arrow implementation exchanges (pyarrow, Polars, pandas' Arrow-backed columns and Spark's
//! Arrow batches, through the PyCapsule protocol's `__arrow_c_array__` in Python). They are
//! written out here rather than taken from the `arrow` crates: the lane needs the two structs,
//! three string layouts and one output layout, while `arrow-array` and its dependencies would
//! multiply the native build's time (and the aarch64 cross build's) for code this file does not
//! call. The layouts themselves are read by the core's [`Column`], in safe code, after this file
//! has turned the pointers into byte slices of the lengths the format implies.
//!
//! Ownership follows the interface's rules: an input array stays its producer's (the lane borrows
//! it for the call and never calls its `release`); an output array is the lane's until its
//! consumer calls the `release` this file sets, which frees the buffers.

// The lane reads and writes the interface's raw structs; each unsafe block says why it holds.
#![allow(unsafe_code)]

use std::ffi::{CStr, c_char, c_void};

use userhash::{BatchTokens, Column, Field};

use super::Failure;

/// `ArrowSchema` of the Arrow C data interface: a column's type.
#[repr(C)]
#[derive(Debug)]
pub struct ArrowSchema {
    pub(crate) format: *const c_char,
    pub(crate) name: *const c_char,
    pub(crate) metadata: *const c_char,
    pub(crate) flags: i64,
    pub(crate) n_children: i64,
    pub(crate) children: *mut *mut ArrowSchema,
    pub(crate) dictionary: *mut ArrowSchema,
    pub(crate) release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    pub(crate) private_data: *mut c_void,
}

/// `ArrowArray` of the Arrow C data interface: a column's buffers.
#[repr(C)]
#[derive(Debug)]
pub struct ArrowArray {
    pub(crate) length: i64,
    pub(crate) null_count: i64,
    pub(crate) offset: i64,
    pub(crate) n_buffers: i64,
    pub(crate) n_children: i64,
    pub(crate) buffers: *mut *const c_void,
    pub(crate) children: *mut *mut ArrowArray,
    pub(crate) dictionary: *mut ArrowArray,
    pub(crate) release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    pub(crate) private_data: *mut c_void,
}

/// The schema flag of a column that may hold nulls.
const NULLABLE: i64 = 2;

/// Arrow's string layouts, by the format string that names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `u`: utf8, 32-bit offsets.
    Offsets32,
    /// `U`: large_utf8, 64-bit offsets.
    Offsets64,
    /// `vu`: utf8_view.
    Views,
}

/// One imported string column: its buffers as byte slices, borrowed from the producer for the
/// call. [`Imported::column`] reads them through the core's checks.
#[derive(Debug)]
pub(crate) struct Imported<'a> {
    layout: Layout,
    validity: Option<&'a [u8]>,
    /// The offsets, or the views.
    index: &'a [u8],
    /// The one data buffer, or the views' data buffers.
    data: Vec<&'a [u8]>,
    offset: usize,
    len: usize,
}

impl Imported<'_> {
    /// The column, checked in full by the core before anything is read.
    pub(crate) fn column(&self) -> Result<Column<'_>, Failure> {
        let data = self.data.first().copied().unwrap_or_default();
        let (validity, offset, len) = (self.validity, self.offset, self.len);
        Ok(match self.layout {
            Layout::Offsets32 => Column::with_offsets32(self.index, data, validity, offset, len),
            Layout::Offsets64 => Column::with_offsets64(self.index, data, validity, offset, len),
            Layout::Views => Column::with_views(self.index, &self.data, validity, offset, len),
        }?)
    }
}

/// Borrows the string column behind `schema` and `array` for the call; `field` names it in
/// errors.
///
/// # Safety
/// Both pointers are null or point to live structs of the C data interface, as their producer
/// exported them, and stay untouched for the returned value's life.
pub(crate) unsafe fn import<'a>(
    schema: *const ArrowSchema,
    array: *const ArrowArray,
    field: Field,
) -> Result<Imported<'a>, Failure> {
    // SAFETY: the caller's contract.
    let (Some(schema), Some(array)) = (unsafe { schema.as_ref() }, unsafe { array.as_ref() })
    else {
        return Err(Failure::malformed(&format!(
            "the {field} column has no schema or no array"
        )));
    };
    if schema.release.is_none() || array.release.is_none() || schema.format.is_null() {
        return Err(Failure::malformed(&format!(
            "the {field} column was already released"
        )));
    }
    if !schema.dictionary.is_null() || schema.n_children != 0 || array.n_children != 0 {
        return Err(Failure::malformed(&format!(
            "the {field} column is dictionary-encoded or nested; cast it to a plain string type"
        )));
    }
    // SAFETY: a live schema's format is a NUL-terminated string (the interface's rule).
    let format = unsafe { CStr::from_ptr(schema.format) }.to_bytes();
    let layout = match format {
        b"u" => Layout::Offsets32,
        b"U" => Layout::Offsets64,
        b"vu" => Layout::Views,
        b"z" | b"Z" | b"vz" => {
            return Err(Failure {
                code: "not_utf8",
                message: format!(
                    "the {field} column is Arrow binary, not string: userhash signs text; \
                     cast the column to a string type if its bytes are UTF-8"
                ),
            });
        }
        other => {
            return Err(Failure::malformed(&format!(
                "the {field} column has the Arrow type {:?}; userhash signs string columns \
                 (utf8, large_utf8 or utf8_view)",
                String::from_utf8_lossy(other)
            )));
        }
    };
    let (Ok(offset), Ok(len), Ok(n_buffers)) = (
        usize::try_from(array.offset),
        usize::try_from(array.length),
        usize::try_from(array.n_buffers),
    ) else {
        return Err(Failure::malformed(&format!(
            "the {field} column has a negative length, offset or buffer count"
        )));
    };
    let expected = match layout {
        Layout::Views => n_buffers.max(3),
        _ => 3,
    };
    if n_buffers != expected || array.buffers.is_null() {
        return Err(Failure::malformed(&format!(
            "the {field} column has {n_buffers} buffers"
        )));
    }
    // SAFETY: a live array's `buffers` holds `n_buffers` pointers (the interface's rule).
    let pointers = unsafe { std::slice::from_raw_parts(array.buffers, n_buffers) };
    let end = offset.checked_add(len).ok_or_else(|| {
        Failure::malformed(&format!("the {field} column's offset and length overflow"))
    })?;
    let validity = match pointers[0] {
        pointer if pointer.is_null() => {
            if array.null_count > 0 {
                return Err(Failure::malformed(&format!(
                    "the {field} column counts nulls but has no validity bitmap"
                )));
            }
            None
        }
        // SAFETY: a validity bitmap holds a bit for every value up to the slice's end.
        pointer => Some(unsafe { borrow(pointer, end.div_ceil(8), field)? }),
    };
    let (index, data) = match layout {
        Layout::Offsets32 | Layout::Offsets64 => {
            let width = if layout == Layout::Offsets32 { 4 } else { 8 };
            let bytes = end.saturating_add(1).saturating_mul(width);
            // SAFETY: an offsets buffer holds one offset per value up to the slice's end, and one
            // more.
            let offsets = unsafe { borrow(pointers[1], bytes, field)? };
            let last = offsets.get(end * width..).unwrap_or_default();
            let data_len = match *last {
                [a, b, c, d] => i64::from(i32::from_ne_bytes([a, b, c, d])),
                [a, b, c, d, e, f, g, h] => i64::from_ne_bytes([a, b, c, d, e, f, g, h]),
                _ => -1,
            };
            let data_len = usize::try_from(data_len).map_err(|_| {
                Failure::malformed(&format!("the {field} column's last offset is negative"))
            })?;
            // SAFETY: the data buffer holds at least the bytes up to the last offset.
            let data = unsafe { borrow(pointers[2], data_len, field)? };
            (offsets, vec![data])
        }
        Layout::Views => {
            let bytes = end.saturating_mul(16);
            // SAFETY: a views buffer holds 16 bytes per value up to the slice's end.
            let views = unsafe { borrow(pointers[1], bytes, field)? };
            let buffers = &pointers[2..n_buffers - 1];
            // SAFETY: the last buffer of a view array holds each data buffer's size, an i64.
            let sizes = unsafe { borrow(pointers[n_buffers - 1], buffers.len() * 8, field)? };
            let mut data = Vec::with_capacity(buffers.len());
            for (pointer, size) in buffers.iter().zip(sizes.chunks_exact(8)) {
                let size = i64::from_ne_bytes(size.try_into().unwrap_or_default());
                let size = usize::try_from(size).map_err(|_| {
                    Failure::malformed(&format!("the {field} column has a negative buffer size"))
                })?;
                // SAFETY: each data buffer holds the bytes its size says.
                data.push(unsafe { borrow(*pointer, size, field)? });
            }
            (views, data)
        }
    };
    Ok(Imported {
        layout,
        validity,
        index,
        data,
        offset,
        len,
    })
}

/// `len` bytes at `pointer`; an empty slice for no bytes (the pointer may then be null).
///
/// # Safety
/// A non-null `pointer` points to `len` readable bytes that stay untouched for `'a`.
unsafe fn borrow<'a>(
    pointer: *const c_void,
    len: usize,
    field: Field,
) -> Result<&'a [u8], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if pointer.is_null() || len > isize::MAX as usize {
        return Err(Failure::malformed(&format!(
            "the {field} column lacks a buffer of {len} bytes"
        )));
    }
    // SAFETY: the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(pointer.cast::<u8>(), len) })
}

/// An exported array's buffers, owned by the array until its `release`.
struct Owned {
    validity: Option<Vec<u8>>,
    offsets: Offsets,
    data: Vec<u8>,
    /// The three buffer pointers `ArrowArray::buffers` points to.
    pointers: [*const c_void; 3],
}

/// Offsets of the width the column's size needs.
enum Offsets {
    Small(Vec<i32>),
    Large(Vec<i64>),
}

/// A string column to export: values, and the rows that are null.
struct StringColumn {
    data: Vec<u8>,
    /// Where each value ends in `data`.
    ends: Vec<usize>,
    /// One bit per value, 0 = null; `None` when none is.
    validity: Option<Vec<u8>>,
    null_count: usize,
}

/// The tokens of a signed batch as a string column: each row's token, null where it failed.
pub(crate) fn export_tokens(
    tokens: BatchTokens,
    rows: usize,
    schema: *mut ArrowSchema,
    array: *mut ArrowArray,
) {
    let BatchTokens {
        lines, failures, ..
    } = tokens;
    let failed: Vec<usize> = failures.iter().map(|failure| failure.index).collect();
    // Each row is one line, its token and `\n` (an empty line where it failed): the newlines are
    // squeezed out in place, and where each token ends is kept.
    let mut data = lines.into_bytes();
    let mut ends = Vec::with_capacity(rows);
    let (mut read, mut write) = (0, 0);
    while let Some(length) = data
        .get(read..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
    {
        data.copy_within(read..read + length, write);
        write += length;
        ends.push(write);
        read += length + 1;
    }
    data.truncate(write);
    ends.resize(rows, write);
    export(null_rows(data, ends, &failed), schema, array);
}

/// Each failed row's error code as a string column, null for the rows that signed.
pub(crate) fn export_codes(
    tokens_failures: &[(usize, &'static str)],
    rows: usize,
    schema: *mut ArrowSchema,
    array: *mut ArrowArray,
) {
    let mut data = Vec::new();
    let mut ends = Vec::with_capacity(rows);
    let mut failures = tokens_failures.iter().peekable();
    let mut validity = vec![0u8; rows.div_ceil(8)];
    for row in 0..rows {
        if let Some((_, code)) = failures.next_if(|(index, _)| *index == row) {
            data.extend_from_slice(code.as_bytes());
            if let Some(byte) = validity.get_mut(row / 8) {
                *byte |= 1 << (row % 8);
            }
        }
        ends.push(data.len());
    }
    let column = StringColumn {
        data,
        ends,
        validity: Some(validity),
        null_count: rows - tokens_failures.len(),
    };
    export(column, schema, array);
}

/// Values with the rows in `nulls` (ascending) marked null.
fn null_rows(data: Vec<u8>, ends: Vec<usize>, nulls: &[usize]) -> StringColumn {
    let validity = (!nulls.is_empty()).then(|| {
        let mut bits = vec![0xFFu8; ends.len().div_ceil(8)];
        for &row in nulls {
            if let Some(byte) = bits.get_mut(row / 8) {
                *byte &= !(1 << (row % 8));
            }
        }
        bits
    });
    StringColumn {
        data,
        ends,
        validity,
        null_count: nulls.len(),
    }
}

/// Writes `column` into the caller's structs as an Arrow `utf8` column (`large_utf8` past 2 GiB
/// of values), owned by the array until its consumer releases it.
fn export(column: StringColumn, schema: *mut ArrowSchema, array: *mut ArrowArray) {
    let StringColumn {
        data,
        ends,
        validity,
        null_count,
    } = column;
    let rows = ends.len();
    let small = i32::try_from(data.len()).is_ok();
    let offsets = if small {
        let ends = ends
            .iter()
            .map(|&end| i32::try_from(end).unwrap_or(i32::MAX));
        Offsets::Small(std::iter::once(0).chain(ends).collect())
    } else {
        let ends = ends
            .iter()
            .map(|&end| i64::try_from(end).unwrap_or(i64::MAX));
        Offsets::Large(std::iter::once(0).chain(ends).collect())
    };
    let mut owned = Box::new(Owned {
        validity,
        offsets,
        data,
        pointers: [std::ptr::null(); 3],
    });
    owned.pointers = [
        owned
            .validity
            .as_ref()
            .map_or(std::ptr::null(), |bits| bits.as_ptr().cast()),
        match &owned.offsets {
            Offsets::Small(offsets) => offsets.as_ptr().cast(),
            Offsets::Large(offsets) => offsets.as_ptr().cast(),
        },
        owned.data.as_ptr().cast(),
    ];
    let buffers = owned.pointers.as_mut_ptr();
    let format: &'static CStr = if small { c"u" } else { c"U" };
    // SAFETY: the caller gives writable structs (the lane's contract); what was there is not
    // read, and is the caller's to have released before.
    unsafe {
        array.write(ArrowArray {
            length: i64::try_from(rows).unwrap_or(i64::MAX),
            null_count: i64::try_from(null_count).unwrap_or(i64::MAX),
            offset: 0,
            n_buffers: 3,
            n_children: 0,
            buffers,
            children: std::ptr::null_mut(),
            dictionary: std::ptr::null_mut(),
            release: Some(release_array),
            private_data: Box::into_raw(owned).cast(),
        });
        schema.write(ArrowSchema {
            format: format.as_ptr(),
            name: c"".as_ptr(),
            metadata: std::ptr::null(),
            flags: NULLABLE,
            n_children: 0,
            children: std::ptr::null_mut(),
            dictionary: std::ptr::null_mut(),
            release: Some(release_schema),
            private_data: std::ptr::null_mut(),
        });
    }
}

/// The `release` of an exported array: frees its buffers and marks it released.
unsafe extern "C" fn release_array(array: *mut ArrowArray) {
    // SAFETY: the consumer calls it once, on the array `export` wrote.
    let Some(array) = (unsafe { array.as_mut() }) else {
        return;
    };
    if !array.private_data.is_null() {
        // SAFETY: `private_data` is the box `export` leaked, freed once.
        drop(unsafe { Box::from_raw(array.private_data.cast::<Owned>()) });
    }
    array.private_data = std::ptr::null_mut();
    array.release = None;
}

/// The `release` of an exported schema: its strings are static, so it only marks it released.
unsafe extern "C" fn release_schema(schema: *mut ArrowSchema) {
    // SAFETY: the consumer calls it once, on the schema `export` wrote.
    if let Some(schema) = unsafe { schema.as_mut() } {
        schema.release = None;
    }
}
