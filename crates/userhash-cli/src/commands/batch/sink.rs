//! Where signed rows go: standard output, or a buffered file, written in input order.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::report::Reporter;
use super::rows::Part;
use crate::error::CliError;

/// Bytes of buffering on the input and output files.
pub(super) const IO_BUFFER_BYTES: usize = 1 << 20;
/// The path that means standard input or output.
pub(super) const STDIO: &str = "-";

/// Where signed rows go: standard output, or a buffered file.
pub(super) struct Sink<'a> {
    out: Box<dyn Write + 'a>,
    name: String,
}

impl<'a> Sink<'a> {
    /// `--output`: `-` is `stdout`, anything else a file created (or truncated) now.
    pub(super) fn open(path: &Path, stdout: &'a mut dyn Write) -> Result<Sink<'a>, CliError> {
        if path.as_os_str() == STDIO {
            return Ok(Sink {
                out: Box::new(stdout),
                name: "standard output".to_owned(),
            });
        }
        let name = path.display().to_string();
        let file = File::create(path)
            .map_err(|error| CliError::io(format!("cannot create --output {name}"), error))?;
        Ok(Sink {
            out: Box::new(BufWriter::with_capacity(IO_BUFFER_BYTES, file)),
            name,
        })
    }

    pub(super) fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.out
            .write_all(bytes)
            .map_err(|error| CliError::io(format!("cannot write {}", self.name), error))
    }

    pub(super) fn flush(&mut self) -> Result<(), CliError> {
        self.out
            .flush()
            .map_err(|error| CliError::io(format!("cannot write {}", self.name), error))
    }

    /// Writes parts in order, reporting their failures in order.
    pub(super) fn write_parts(
        &mut self,
        parts: &[Part],
        reporter: &mut Reporter<'_>,
    ) -> Result<(), CliError> {
        for part in parts {
            self.write(&part.bytes)?;
            for failure in &part.failures {
                reporter.failure(failure);
            }
            reporter.totals.rows += part.rows;
            reporter.totals.signed += part.signed;
            reporter.totals.failed += part.failures.len() as u64;
        }
        Ok(())
    }
}
