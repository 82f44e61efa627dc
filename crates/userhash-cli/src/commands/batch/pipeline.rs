//! The pipeline: rows read in chunks, each chunk signed by worker threads (a contiguous run
//! each, into its own part) while the main thread writes the previous chunk and reads the next.

use userhash::Split;

use super::report::Reporter;
use super::rows::{Part, RowReader, RowSigner};
use super::sink::Sink;
use crate::error::CliError;

/// How the work is split.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub(super) threads: usize,
    pub(super) chunk_rows: usize,
}

/// Row buffers, reused from chunk to chunk.
struct Chunk<T> {
    rows: Vec<T>,
    filled: usize,
}

impl<T: Default> Chunk<T> {
    fn new(capacity: usize) -> Chunk<T> {
        Chunk {
            rows: std::iter::repeat_with(T::default).take(capacity).collect(),
            filled: 0,
        }
    }

    fn fill<R: RowReader<Row = T>>(&mut self, reader: &mut R) -> Result<(), CliError> {
        self.filled = 0;
        for row in &mut self.rows {
            if !reader.next(row)? {
                break;
            }
            self.filled += 1;
        }
        Ok(())
    }

    fn rows(&self) -> &[T] {
        self.rows.get(..self.filled).unwrap_or_default()
    }
}

/// Reads, signs and writes every row; with one thread, one chunk at a time on this thread.
pub(super) fn pipeline<R, S>(
    reader: &mut R,
    signer: &S,
    sink: &mut Sink<'_>,
    reporter: &mut Reporter<'_>,
    shape: Shape,
) -> Result<(), CliError>
where
    R: RowReader,
    S: RowSigner<Row = R::Row>,
{
    let mut current: Chunk<R::Row> = Chunk::new(shape.chunk_rows);
    current.fill(reader)?;

    if shape.threads <= 1 {
        let mut part = Part::default();
        while current.filled > 0 {
            part.clear();
            signer.sign_rows(current.rows(), &mut part);
            sink.write_parts(std::slice::from_ref(&part), reporter)?;
            reporter.advance(reader.bytes_read());
            current.fill(reader)?;
        }
        return Ok(());
    }

    let mut next: Chunk<R::Row> = Chunk::new(shape.chunk_rows);
    let new_parts = || -> Vec<Part> { (0..shape.threads).map(|_| Part::default()).collect() };
    // `signed` is being filled by the workers; `to_write` holds the previous chunk's output.
    let mut signed = new_parts();
    let mut to_write = new_parts();
    let mut pending = false;
    while current.filled > 0 {
        signed.iter_mut().for_each(Part::clear);
        let rows = current.rows();
        let next_chunk = &mut next;
        let previous = &to_write;
        // The core's splitter: contiguous runs of rows on scoped threads, each into its own
        // part; meanwhile this thread writes the previous chunk, in order, and reads the next.
        Split::new(rows.len(), shape.threads).run(
            &mut signed,
            |run, part| {
                // Work on a copy on this thread's stack: the parts sit side by side in one Vec,
                // and per-row updates to shared cache lines would serialise the workers (false
                // sharing).
                let mut local = std::mem::take(part);
                signer.sign_rows(rows.get(run).unwrap_or_default(), &mut local);
                *part = local;
            },
            || {
                if pending {
                    sink.write_parts(previous, reporter)?;
                    reporter.advance(reader.bytes_read());
                }
                next_chunk.fill(reader)
            },
        )?;
        std::mem::swap(&mut signed, &mut to_write);
        std::mem::swap(&mut current, &mut next);
        pending = true;
    }
    if pending {
        sink.write_parts(&to_write, reporter)?;
        reporter.advance(reader.bytes_read());
    }
    Ok(())
}
