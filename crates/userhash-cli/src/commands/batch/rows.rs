//! What the pipeline knows of rows, whatever their format: the names the flags chose, how a
//! format reads rows and signs them, and what signing a run of rows produces.

use crate::error::CliError;

/// The default identifier column (CSV) or field (JSON Lines) names.
pub(super) const DEFAULT_USER_ID_COLUMN: &str = "user_id";
/// See [`DEFAULT_USER_ID_COLUMN`].
pub(super) const DEFAULT_EMAIL_COLUMN: &str = "email";

/// The column / field names chosen by flags (`None`: the default name, which may be absent).
pub(super) struct Names<'a> {
    /// `--user-id-column`.
    pub(super) user_id: Option<&'a str>,
    /// `--email-column`.
    pub(super) email: Option<&'a str>,
    /// `--hash-column`: where the token goes.
    pub(super) hash: &'a str,
}

/// A row that could not be signed.
#[derive(Debug)]
pub(super) struct Failure {
    /// The 1-based line of the input where the row starts.
    pub(super) line: u64,
    /// A stable code: the core's error code, or one of the batch's own.
    pub(super) code: &'static str,
    /// The reason, without any secret.
    pub(super) message: String,
}

/// Why one row could not be signed.
#[derive(Debug)]
pub(super) struct RowError {
    /// A stable code: the core's error code, or one of the batch's own.
    pub(super) code: &'static str,
    /// The reason, without any secret.
    pub(super) message: String,
}

impl RowError {
    pub(super) fn new(code: &'static str, message: String) -> RowError {
        RowError { code, message }
    }
}

impl From<userhash::Error> for RowError {
    fn from(error: userhash::Error) -> RowError {
        RowError::new(error.kind().code(), error.to_string())
    }
}

/// One worker's output for its slice of a chunk.
#[derive(Debug, Default)]
pub(super) struct Part {
    /// The rows' output, in order.
    pub(super) bytes: Vec<u8>,
    /// The rows that could not be signed, in order.
    pub(super) failures: Vec<Failure>,
    /// How many rows were signed.
    pub(super) signed: u64,
    /// How many rows were read.
    pub(super) rows: u64,
}

impl Part {
    pub(super) fn clear(&mut self) {
        self.bytes.clear();
        self.failures.clear();
        self.signed = 0;
        self.rows = 0;
    }

    pub(super) fn fail(&mut self, line: u64, error: RowError) {
        self.failures.push(Failure {
            line,
            code: error.code,
            message: error.message,
        });
    }
}

/// Reads rows, one at a time, into reusable buffers. Used by the main thread only.
pub(super) trait RowReader {
    /// A row as read.
    type Row: Default + Send + Sync;

    /// Reads the next row into `row`; false at the end of the input.
    fn next(&mut self, row: &mut Self::Row) -> Result<bool, CliError>;

    /// Input bytes consumed so far.
    fn bytes_read(&self) -> u64;
}

/// Signs a slice of rows into a [`Part`]. Shared by the worker threads.
pub(super) trait RowSigner: Sync {
    /// A row as read.
    type Row;

    /// Signs `rows` in order, appending their output to `part`.
    fn sign_rows(&self, rows: &[Self::Row], part: &mut Part);
}
