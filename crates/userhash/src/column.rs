//! One identity field's values as a column: the layout Arrow keeps strings in, and with it Polars,
//! pandas' Arrow-backed columns and Spark's Arrow batches.
//!
//! A column is read in place, never copied: the caller (the FFI crate, from the Arrow C data
//! interface) hands over the buffers as bytes, and [`Column`] checks once, in full, that every
//! offset or view stays inside them before any value is read, so that reading is then safe code
//! that cannot go out of bounds. Numbers are in the machine's byte order (the C data interface
//! shares memory within one process).
//!
//! Three value layouts, Arrow's three string types:
//! - **32-bit offsets** (Arrow `utf8`): `len + 1` signed 32-bit offsets from the slice's first
//!   item into one data buffer; value `i` is `data[offsets[i]..offsets[i + 1]]`;
//! - **64-bit offsets** (`large_utf8`): the same with 64-bit offsets;
//! - **views** (`utf8_view`, Polars' own string layout): 16 bytes per value — a 32-bit length,
//!   then the bytes inline when they fit in 12, else a 4-byte prefix, a 32-bit buffer index and a
//!   32-bit offset into one of several data buffers.
//!
//! A validity bitmap (one bit per value, least significant bit first, 0 = null) marks absent
//! values; a slice of an array is the same buffers with a starting item (`offset`).

use crate::error::{Error, Result};

/// How one column's values are laid out in its buffers.
#[derive(Debug, Clone, Copy)]
enum Values<'a> {
    /// Arrow `utf8`: 32-bit offsets into `data`.
    Offsets32 { offsets: &'a [u8], data: &'a [u8] },
    /// Arrow `large_utf8`: 64-bit offsets into `data`.
    Offsets64 { offsets: &'a [u8], data: &'a [u8] },
    /// Arrow `utf8_view`: 16-byte views, inline or into `buffers`.
    Views {
        views: &'a [u8],
        buffers: &'a [&'a [u8]],
    },
}

/// The bytes of one view that hold its value inline (a value of at most 12 bytes).
const INLINE_VIEW_BYTES: usize = 12;
/// The size of one view.
const VIEW_BYTES: usize = 16;

/// One field's values for a batch (see the module doc), validated: every value it yields lies
/// inside the buffers it was given.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    values: Values<'a>,
    /// One bit per value from the buffers' start; `None` when every value is present.
    validity: Option<&'a [u8]>,
    /// The slice's first item within the buffers.
    offset: usize,
    /// How many items.
    len: usize,
}

impl<'a> Column<'a> {
    /// A column of `len` values with 32-bit offsets (Arrow `utf8`), starting at item `offset`
    /// of the buffers: `offsets` holds at least `offset + len + 1` offsets into `data`.
    ///
    /// # Errors
    /// [`Error::MalformedBatch`] when the buffers are too short, an offset is negative or past
    /// the data, or the offsets decrease. Nothing has been read then.
    pub fn with_offsets32(
        offsets: &'a [u8],
        data: &'a [u8],
        validity: Option<&'a [u8]>,
        offset: usize,
        len: usize,
    ) -> Result<Column<'a>> {
        Column::with_offsets::<4>(offsets, data, validity, offset, len)
    }

    /// [`Column::with_offsets32`] with 64-bit offsets (Arrow `large_utf8`).
    ///
    /// # Errors
    /// As [`Column::with_offsets32`].
    pub fn with_offsets64(
        offsets: &'a [u8],
        data: &'a [u8],
        validity: Option<&'a [u8]>,
        offset: usize,
        len: usize,
    ) -> Result<Column<'a>> {
        Column::with_offsets::<8>(offsets, data, validity, offset, len)
    }

    /// Either offsets layout, by the offsets' width in bytes (4 or 8).
    fn with_offsets<const WIDTH: usize>(
        offsets: &'a [u8],
        data: &'a [u8],
        validity: Option<&'a [u8]>,
        offset: usize,
        len: usize,
    ) -> Result<Column<'a>> {
        check_offsets::<WIDTH>(offsets, data.len(), offset, len)?;
        let values = match WIDTH {
            4 => Values::Offsets32 { offsets, data },
            _ => Values::Offsets64 { offsets, data },
        };
        Column::new(values, validity, offset, len)
    }

    /// A column of `len` 16-byte views (Arrow `utf8_view`) from item `offset` of `views`, whose
    /// long values live in `buffers`.
    ///
    /// # Errors
    /// [`Error::MalformedBatch`] when `views` is too short, or a present value's view has a
    /// negative length or points outside its buffer (null values' views are never read).
    pub fn with_views(
        views: &'a [u8],
        buffers: &'a [&'a [u8]],
        validity: Option<&'a [u8]>,
        offset: usize,
        len: usize,
    ) -> Result<Column<'a>> {
        let end = offset
            .checked_add(len)
            .and_then(|end| end.checked_mul(VIEW_BYTES));
        if end.is_none_or(|end| views.len() < end) {
            return Err(malformed(format!(
                "{} bytes of views for {len} values from value {offset}",
                views.len()
            )));
        }
        let column = Column::new(Values::Views { views, buffers }, validity, offset, len)?;
        for index in 0..len {
            if column.is_present(index) && column.view(views, buffers, index).is_none() {
                return Err(malformed(format!(
                    "the view of value {index} points outside its data buffer"
                )));
            }
        }
        Ok(column)
    }

    fn new(
        values: Values<'a>,
        validity: Option<&'a [u8]>,
        offset: usize,
        len: usize,
    ) -> Result<Column<'a>> {
        if let Some(bits) = validity {
            let needed = offset.checked_add(len).map(|end| end.div_ceil(8));
            if needed.is_none_or(|needed| bits.len() < needed) {
                return Err(malformed(format!(
                    "a validity bitmap of {} bytes for {len} values from value {offset}",
                    bits.len()
                )));
            }
        }
        Ok(Column {
            values,
            validity,
            offset,
            len,
        })
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the column has no value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether value `index` is present (not null).
    fn is_present(&self, index: usize) -> bool {
        let Some(bits) = self.validity else {
            return true;
        };
        let bit = self.offset + index;
        bits.get(bit / 8)
            .is_some_and(|byte| byte >> (bit % 8) & 1 == 1)
    }

    /// Value `index`'s bytes; `None` when it is null (or past the end, which the batch never
    /// asks for).
    pub(crate) fn get(&self, index: usize) -> Option<&'a [u8]> {
        if index >= self.len || !self.is_present(index) {
            return None;
        }
        let item = self.offset + index;
        match self.values {
            Values::Offsets32 { offsets, data } => {
                let start = offset_at::<4>(offsets, item)?;
                data.get(start..offset_at::<4>(offsets, item + 1)?)
            }
            Values::Offsets64 { offsets, data } => {
                let start = offset_at::<8>(offsets, item)?;
                data.get(start..offset_at::<8>(offsets, item + 1)?)
            }
            Values::Views { views, buffers } => self.view(views, buffers, index),
        }
    }

    /// The bytes view `index` describes, `None` when it points outside its buffer.
    fn view(&self, views: &'a [u8], buffers: &'a [&'a [u8]], index: usize) -> Option<&'a [u8]> {
        let at = (self.offset + index) * VIEW_BYTES;
        let view = views.get(at..at + VIEW_BYTES)?;
        let word = |from: usize| -> Option<i32> {
            let bytes = view.get(from..from + 4)?;
            Some(i32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        };
        let length = usize::try_from(word(0)?).ok()?;
        if length <= INLINE_VIEW_BYTES {
            return view.get(4..4 + length);
        }
        let buffer = buffers.get(usize::try_from(word(8)?).ok()?)?;
        let start = usize::try_from(word(12)?).ok()?;
        buffer.get(start..start.checked_add(length)?)
    }
}

/// Offset `item` of an offsets buffer of `WIDTH`-byte signed integers, `None` when negative or
/// missing.
fn offset_at<const WIDTH: usize>(offsets: &[u8], item: usize) -> Option<usize> {
    let bytes = offsets.get(item * WIDTH..(item + 1) * WIDTH)?;
    let value = match WIDTH {
        4 => i64::from(i32::from_ne_bytes(bytes.try_into().ok()?)),
        _ => i64::from_ne_bytes(bytes.try_into().ok()?),
    };
    usize::try_from(value).ok()
}

/// Checks that the offsets of items `offset..=offset + len` exist, are non-negative, never
/// decrease and end within `data_len`.
fn check_offsets<const WIDTH: usize>(
    offsets: &[u8],
    data_len: usize,
    offset: usize,
    len: usize,
) -> Result<()> {
    let last = offset.checked_add(len);
    let needed = last
        .and_then(|last| last.checked_add(1))
        .and_then(|count| count.checked_mul(WIDTH));
    let (Some(last), Some(needed)) = (last, needed) else {
        return Err(malformed(format!("{len} values from value {offset}")));
    };
    if offsets.len() < needed {
        return Err(malformed(format!(
            "{} bytes of offsets for {len} values from value {offset}",
            offsets.len()
        )));
    }
    let mut previous = 0;
    for item in offset..=last {
        match offset_at::<WIDTH>(offsets, item) {
            Some(at) if at >= previous && at <= data_len => previous = at,
            _ => {
                return Err(malformed(format!(
                    "offset {} is negative, decreasing or past the {data_len} bytes of data",
                    item - offset
                )));
            }
        }
    }
    Ok(())
}

fn malformed(reason: String) -> Error {
    Error::MalformedBatch { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets32(values: &[i32]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_ne_bytes()).collect()
    }

    fn view(value: &[u8], buffer: i32, offset: i32) -> [u8; 16] {
        let mut view = [0u8; 16];
        view[..4].copy_from_slice(&i32::try_from(value.len()).unwrap().to_ne_bytes());
        if value.len() <= 12 {
            view[4..4 + value.len()].copy_from_slice(value);
        } else {
            view[4..8].copy_from_slice(&value[..4]);
            view[8..12].copy_from_slice(&buffer.to_ne_bytes());
            view[12..].copy_from_slice(&offset.to_ne_bytes());
        }
        view
    }

    #[test]
    fn offsets_read_slices_and_nulls() {
        let data = b"aabbbcccc";
        let offsets = offsets32(&[0, 2, 5, 9]);
        // Values 1 and 2 (a slice from value 1), value 1 null.
        let validity = [0b101];
        let column = Column::with_offsets32(&offsets, data, Some(&validity), 1, 2).unwrap();
        assert_eq!(column.get(0), None);
        assert_eq!(column.get(1), Some(&b"cccc"[..]));
        assert_eq!(column.get(2), None);
        let large: Vec<u8> = [0i64, 2, 5].iter().flat_map(|v| v.to_ne_bytes()).collect();
        let column = Column::with_offsets64(&large, data, None, 0, 2).unwrap();
        assert_eq!(column.get(1), Some(&b"bbb"[..]));
    }

    #[test]
    fn bad_offsets_are_refused_before_reading() {
        let data = b"abc";
        for bad in [
            offsets32(&[0, 4]),
            offsets32(&[-1, 2]),
            offsets32(&[2, 1]),
            offsets32(&[0]),
        ] {
            assert!(
                Column::with_offsets32(&bad, data, None, 0, 1).is_err(),
                "{bad:?}"
            );
        }
        let ok = offsets32(&[0, 3]);
        assert!(Column::with_offsets32(&ok, data, Some(&[]), 0, 1).is_err());
        assert!(Column::with_offsets32(&ok, data, None, usize::MAX, 1).is_err());
    }

    #[test]
    fn views_inline_and_in_buffers() {
        let long = b"a value longer than twelve bytes";
        let buffer: &[u8] = long;
        let buffers = [buffer];
        let views: Vec<u8> = [view(b"short", 0, 0), view(long, 0, 0), view(long, 3, 0)].concat();
        let column = Column::with_views(&views, &buffers, Some(&[0b011]), 0, 3).unwrap();
        assert_eq!(column.get(0), Some(&b"short"[..]));
        assert_eq!(column.get(1), Some(&long[..]));
        assert_eq!(column.get(2), None, "null: its bad view is never read");
        assert!(Column::with_views(&views, &buffers, None, 0, 3).is_err());
        assert!(Column::with_views(&views, &buffers, None, 2, 2).is_err());
    }
}
