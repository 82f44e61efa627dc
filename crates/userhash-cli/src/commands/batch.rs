//! `userhash batch`: sign every row of a CSV or JSON Lines file.
//!
//! Rows are read in chunks of `--chunk-rows`. While worker threads sign chunk *k* (each a
//! contiguous slice of it, written to its own buffer), the main thread writes chunk *k − 1*'s
//! buffers in order and reads chunk *k + 1*. Memory is bounded by two input chunks and two sets
//! of output buffers, whatever the file's size, and the output keeps the input's order. With
//! `--threads 1` everything runs on the calling thread, one chunk at a time.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::num::NonZeroUsize;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use csv::ByteRecord;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Map, Value, json};
use userhash::{ErrorKind, Identity, Signer, Split, Subject};

use crate::args::{self, Keys};
use crate::cli::{BatchArgs, Format};
use crate::commands::{Status, Streams};
use crate::error::CliError;

/// The column (CSV) holding each row's failure reason.
const ERROR_COLUMN: &str = "error";
/// Default identifier columns / fields.
const DEFAULT_USER_ID_COLUMN: &str = "user_id";
const DEFAULT_EMAIL_COLUMN: &str = "email";
/// Bytes of buffering on the input and output files.
const IO_BUFFER_BYTES: usize = 1 << 20;
/// The path that means standard input or output.
const STDIO: &str = "-";

/// Signs the rows.
///
/// # Errors
/// Whatever stops the whole run: flags, secrets, an input without the needed columns, I/O.
/// Rows that cannot be signed are reported and make the status [`Status::Failure`].
pub fn run(args: &BatchArgs, streams: &mut Streams<'_>) -> Result<Status, CliError> {
    let input_is_stdin = args.input.as_os_str() == STDIO;
    let output_is_stdout = args.output.as_os_str() == STDIO;
    if input_is_stdin && args.secret.secret_stdin {
        return Err(CliError::Usage(
            "--secret-stdin and --input - both need standard input; put the secret in a file or variable"
                .to_owned(),
        ));
    }
    if !input_is_stdin && !output_is_stdout {
        check_distinct(&args.input, &args.output)?;
    }
    let keys = Keys::from_flags(&args.scheme, &args.secret, &mut *streams.stdin)?;
    streams.warn_shared_secret_files(&keys.shared_files)?;
    let (_, signer) = keys.signer()?;
    // The one clock rule of every batch path (the core's): `--at`, or the clock read once.
    let at = signer
        .batch_time(args.at)
        .map_err(|error| match error.kind() {
            ErrorKind::TimestampNotApplicable => CliError::Usage(format!(
                "--at: scheme {} does not embed a timestamp; drop --at",
                keys.scheme()
            )),
            _ => CliError::core(error),
        })?;
    let threads = match args.threads {
        Some(threads) => usize::from(threads),
        None => thread::available_parallelism().map_or(1, NonZeroUsize::get),
    };
    let chunk_rows = usize::try_from(args.chunk_rows)
        .unwrap_or(usize::MAX)
        .max(1);

    let Streams {
        json,
        out,
        err,
        stdin,
        err_is_terminal,
    } = streams;
    let (input, input_len): (Box<dyn Read + '_>, Option<u64>) = if input_is_stdin {
        (Box::new(&mut **stdin), None)
    } else {
        let file = File::open(&args.input).map_err(|error| {
            CliError::io(
                format!("cannot open --input {}", args.input.display()),
                error,
            )
        })?;
        let len = file.metadata().ok().map(|meta| meta.len());
        (Box::new(file), len)
    };
    let input = BufReader::with_capacity(IO_BUFFER_BYTES, input);

    let bar = (*err_is_terminal && !args.no_progress).then(|| progress_bar(input_len));
    let mut reporter = Reporter {
        err: &mut **err,
        json: *json,
        bar,
        started: Instant::now(),
        totals: Totals::default(),
    };
    let names = Names {
        user_id: args.user_id_column.as_deref(),
        email: args.email_column.as_deref(),
        hash: &args.hash_column,
    };
    let shape = Shape {
        threads,
        chunk_rows,
    };
    // The output is created only once the input is known to be usable.
    match args.format {
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(true)
                .from_reader(input);
            let header = reader
                .byte_headers()
                .map_err(|error| csv_error(error, "the header row"))?
                .clone();
            let row_signer = CsvSigner::new(&signer, at, &header, &names)?;
            let header = row_signer.output_header(&header, &names)?;
            let mut sink = Sink::open(&args.output, &mut **out)?;
            sink.write(&header)?;
            let mut rows = CsvRows { reader };
            pipeline(&mut rows, &row_signer, &mut sink, &mut reporter, shape)?;
            sink.flush()?;
        }
        Format::Jsonl => {
            check_fields_named(&names)?;
            let row_signer = JsonSigner {
                signer: &signer,
                at,
                user_id: names.user_id.unwrap_or(DEFAULT_USER_ID_COLUMN),
                email: names.email.unwrap_or(DEFAULT_EMAIL_COLUMN),
                hash: names.hash,
            };
            let mut rows = JsonRows {
                input,
                line: 0,
                bytes: 0,
            };
            let mut sink = Sink::open(&args.output, &mut **out)?;
            pipeline(&mut rows, &row_signer, &mut sink, &mut reporter, shape)?;
            sink.flush()?;
        }
    }

    let elapsed = reporter.started.elapsed();
    reporter.clear_progress();
    let totals = reporter.totals;
    let summary = summary(&totals, elapsed, threads, *json);
    // The summary never mixes with hashes written to stdout.
    let summary_out: &mut dyn Write = if output_is_stdout {
        &mut *reporter.err
    } else {
        &mut **out
    };
    writeln!(summary_out, "{summary}")
        .map_err(|error| CliError::io("cannot write the summary", error))?;
    Ok(if totals.failed == 0 {
        Status::Success
    } else {
        Status::Failure
    })
}

/// Refuses to truncate the input by writing the output over it.
fn check_distinct(input: &Path, output: &Path) -> Result<(), CliError> {
    if let (Ok(input), Ok(output)) = (input.canonicalize(), output.canonicalize()) {
        if input == output {
            return Err(CliError::Usage(format!(
                "--output {} is the input file; write the hashes to another file",
                output.display()
            )));
        }
    }
    Ok(())
}

/// The column / field names chosen by flags (`None`: the default name, which may be absent).
struct Names<'a> {
    user_id: Option<&'a str>,
    email: Option<&'a str>,
    hash: &'a str,
}

/// How the work is split.
#[derive(Debug, Clone, Copy)]
struct Shape {
    threads: usize,
    chunk_rows: usize,
}

/// Counts for the summary.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    rows: u64,
    signed: u64,
    failed: u64,
}

/// A row that could not be signed.
#[derive(Debug)]
struct Failure {
    /// The 1-based line of the input where the row starts.
    line: u64,
    /// A stable code: the core's error code, or one of the batch's own.
    code: &'static str,
    /// The reason, without any secret.
    message: String,
}

/// Why one row could not be signed.
#[derive(Debug)]
struct RowError {
    code: &'static str,
    message: String,
}

impl RowError {
    fn new(code: &'static str, message: String) -> RowError {
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
struct Part {
    bytes: Vec<u8>,
    failures: Vec<Failure>,
    signed: u64,
    rows: u64,
}

impl Part {
    fn clear(&mut self) {
        self.bytes.clear();
        self.failures.clear();
        self.signed = 0;
        self.rows = 0;
    }

    fn fail(&mut self, line: u64, error: RowError) {
        self.failures.push(Failure {
            line,
            code: error.code,
            message: error.message,
        });
    }
}

/// Reads rows, one at a time, into reusable buffers. Used by the main thread only.
trait RowReader {
    /// A row as read.
    type Row: Default + Send + Sync;

    /// Reads the next row into `row`; false at the end of the input.
    fn next(&mut self, row: &mut Self::Row) -> Result<bool, CliError>;

    /// Input bytes consumed so far.
    fn bytes_read(&self) -> u64;
}

/// Signs a slice of rows into a [`Part`]. Shared by the worker threads.
trait RowSigner: Sync {
    /// A row as read.
    type Row;

    /// Signs `rows` in order, appending their output to `part`.
    fn sign_rows(&self, rows: &[Self::Row], part: &mut Part);
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

/// Reads, signs and writes every row; see the module doc for the scheme.
fn pipeline<R, S>(
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

/// Where signed rows go: standard output, or a buffered file.
struct Sink<'a> {
    out: Box<dyn Write + 'a>,
    name: String,
}

impl<'a> Sink<'a> {
    /// `--output`: `-` is `stdout`, anything else a file created (or truncated) now.
    fn open(path: &Path, stdout: &'a mut dyn Write) -> Result<Sink<'a>, CliError> {
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

    fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.out
            .write_all(bytes)
            .map_err(|error| CliError::io(format!("cannot write {}", self.name), error))
    }

    fn flush(&mut self) -> Result<(), CliError> {
        self.out
            .flush()
            .map_err(|error| CliError::io(format!("cannot write {}", self.name), error))
    }

    /// Writes parts in order, reporting their failures in order.
    fn write_parts(&mut self, parts: &[Part], reporter: &mut Reporter<'_>) -> Result<(), CliError> {
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

/// Failure reports and progress, on stderr.
struct Reporter<'a> {
    err: &'a mut dyn Write,
    json: bool,
    bar: Option<ProgressBar>,
    started: Instant,
    totals: Totals,
}

impl Reporter<'_> {
    /// Reports a failed row as `line N: reason` (or a JSON line). A closed stderr does not stop
    /// the run: the reason is in the output too.
    fn failure(&mut self, failure: &Failure) {
        let text = if self.json {
            json!({"line": failure.line, "code": failure.code, "message": failure.message})
                .to_string()
        } else {
            format!("line {}: {}", failure.line, failure.message)
        };
        let err = &mut *self.err;
        let _ = match &self.bar {
            Some(bar) => bar.suspend(|| writeln!(err, "{text}")),
            None => writeln!(err, "{text}"),
        };
    }

    /// Removes the progress bar from the terminal.
    fn clear_progress(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn advance(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!(
                "{} rows, {}",
                self.totals.rows,
                rate(self.totals.rows, self.started.elapsed())
            ));
        }
    }
}

/// A run stopped by an error leaves no half-drawn bar above the error message.
impl Drop for Reporter<'_> {
    fn drop(&mut self) {
        self.clear_progress();
    }
}

fn progress_bar(input_len: Option<u64>) -> ProgressBar {
    let (bar, template) = match input_len {
        Some(len) => (
            ProgressBar::new(len),
            "{bar:30} {percent:>3}% of {binary_total_bytes} · {msg} · {eta} left",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {binary_bytes} · {msg}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_draw_target(ProgressDrawTarget::stderr());
    bar
}

fn rate(rows: u64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        format!("{:.0} rows/s", rows as f64 / seconds)
    } else {
        "- rows/s".to_owned()
    }
}

fn summary(totals: &Totals, elapsed: Duration, threads: usize, json: bool) -> String {
    let seconds = elapsed.as_secs_f64();
    if json {
        return json!({
            "rows": totals.rows,
            "signed": totals.signed,
            "failed": totals.failed,
            "seconds": (seconds * 1000.0).round() / 1000.0,
            "threads": threads,
        })
        .to_string();
    }
    let failed = match totals.failed {
        0 => String::new(),
        n => format!("; {n} failed (reported above by line)"),
    };
    let plural = if threads == 1 { "" } else { "s" };
    format!(
        "batch: {} rows, {} signed{failed}, in {seconds:.2} s ({}, {threads} thread{plural})",
        totals.rows,
        totals.signed,
        rate(totals.rows, elapsed)
    )
}

fn csv_error(error: csv::Error, what: &str) -> CliError {
    let message = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(error) => CliError::io(format!("cannot read {what}"), error),
        _ => CliError::Input(format!("cannot read {what}: {message}")),
    }
}

/// Identity fields an identity-less row would need, for up-front checks.
fn needs(signer: &Signer) -> (bool, bool) {
    match signer.scheme().subject() {
        Subject::UserId => (true, false),
        Subject::Email => (false, true),
        // Either field will do, or a subject newer than these checks: each row is checked as
        // it is signed.
        _ => (false, false),
    }
}

/// JSON Lines rows name their fields per row; only the flags can be checked up front.
fn check_fields_named(names: &Names<'_>) -> Result<(), CliError> {
    let user_id = names.user_id.unwrap_or(DEFAULT_USER_ID_COLUMN);
    let email = names.email.unwrap_or(DEFAULT_EMAIL_COLUMN);
    if [user_id, email].contains(&names.hash) {
        return Err(CliError::Usage(format!(
            "--hash-column {:?} is also an identifier field; choose another name",
            names.hash
        )));
    }
    Ok(())
}

// --- CSV ---

struct CsvRows<R: Read> {
    reader: csv::Reader<R>,
}

impl<R: Read> RowReader for CsvRows<R> {
    type Row = ByteRecord;

    fn next(&mut self, row: &mut ByteRecord) -> Result<bool, CliError> {
        self.reader
            .read_byte_record(row)
            .map_err(|error| csv_error(error, "the input"))
    }

    fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// Signs CSV records: identifier columns by index, output = input columns + hash + error.
struct CsvSigner<'a> {
    signer: &'a Signer,
    at: Option<u64>,
    width: usize,
    user_id: Option<usize>,
    email: Option<usize>,
}

impl<'a> CsvSigner<'a> {
    fn new(
        signer: &'a Signer,
        at: Option<u64>,
        header: &ByteRecord,
        names: &Names<'_>,
    ) -> Result<CsvSigner<'a>, CliError> {
        if header.is_empty() {
            return Err(CliError::Input(
                "the input is empty: batch needs a header row naming the columns".to_owned(),
            ));
        }
        let columns = || {
            header
                .iter()
                .map(|name| String::from_utf8_lossy(name).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for taken in [names.hash, ERROR_COLUMN] {
            if header.iter().any(|name| name == taken.as_bytes()) {
                return Err(CliError::Input(format!(
                    "the input already has a {taken:?} column, which batch writes; rename it (or choose the hash column with --hash-column)"
                )));
            }
        }
        let find = |flag: &str, given: Option<&str>, default: &str| {
            let name = given.unwrap_or(default);
            match header.iter().position(|have| have == name.as_bytes()) {
                Some(index) => Ok(Some(index)),
                None if given.is_some() => Err(CliError::Input(format!(
                    "{flag} {name:?}: the header has no such column; its columns are {}",
                    columns()
                ))),
                None => Ok(None),
            }
        };
        let user_id = find("--user-id-column", names.user_id, DEFAULT_USER_ID_COLUMN)?;
        let email = find("--email-column", names.email, DEFAULT_EMAIL_COLUMN)?;
        let scheme = signer.scheme();
        let (needs_user_id, needs_email) = needs(signer);
        let missing = if needs_user_id && user_id.is_none() {
            Some("a user id column (--user-id-column, default user_id)")
        } else if needs_email && email.is_none() {
            Some("an email column (--email-column, default email)")
        } else if user_id.is_none() && email.is_none() {
            Some("a user id or an email column (--user-id-column, --email-column)")
        } else {
            None
        };
        if let Some(missing) = missing {
            return Err(CliError::Input(format!(
                "scheme {scheme} needs {missing}, and the header has none of those; its columns are {}",
                columns()
            )));
        }
        Ok(CsvSigner {
            signer,
            at,
            width: header.len(),
            user_id,
            email,
        })
    }

    fn output_header(&self, header: &ByteRecord, names: &Names<'_>) -> Result<Vec<u8>, CliError> {
        let mut record = header.clone();
        record.push_field(names.hash.as_bytes());
        record.push_field(ERROR_COLUMN.as_bytes());
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_byte_record(&record)
            .map_err(|error| CliError::Input(format!("cannot write the header: {error}")))?;
        writer
            .into_inner()
            .map_err(|error| CliError::Input(format!("cannot write the header: {error}")))
    }

    /// Signs one record into `token`, reusing `identity`'s strings from row to row: a batch
    /// allocates nothing per row on the untimestamped path.
    fn sign_record(
        &self,
        record: &ByteRecord,
        identity: &mut Identity,
        token: &mut String,
    ) -> Result<(), RowError> {
        if record.len() != self.width {
            return Err(RowError::new(
                "malformed_row",
                format!(
                    "the row has {} fields but the header has {}",
                    record.len(),
                    self.width
                ),
            ));
        }
        cell(record, self.user_id, "user id", &mut identity.user_id)?;
        cell(record, self.email, "email", &mut identity.email)?;
        match self.at {
            None => self.signer.sign_into(identity, token)?,
            Some(_) => *token = args::sign(self.signer, identity, self.at)?,
        }
        Ok(())
    }
}

/// A cell as an optional identifier, into `slot` (whose buffer is reused): absent column or
/// empty cell = no value.
fn cell(
    record: &ByteRecord,
    index: Option<usize>,
    what: &str,
    slot: &mut Option<String>,
) -> Result<(), RowError> {
    let bytes = index
        .and_then(|index| record.get(index))
        .unwrap_or_default();
    if bytes.is_empty() {
        *slot = None;
        return Ok(());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let value = slot.get_or_insert_with(String::new);
            value.clear();
            value.push_str(text);
            Ok(())
        }
        Err(_) => Err(RowError::new(
            "not_utf8",
            format!("the {what} column is not valid UTF-8"),
        )),
    }
}

impl RowSigner for CsvSigner<'_> {
    type Row = ByteRecord;

    fn sign_rows(&self, rows: &[ByteRecord], part: &mut Part) {
        let mut bytes = std::mem::take(&mut part.bytes);
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut bytes);
        let mut identity = Identity::default();
        let mut token = String::new();
        // Writing to a Vec cannot fail, and the writer is flexible: the results are ignored.
        for record in rows {
            let line = record.position().map_or(0, csv::Position::line);
            // The input's fields, then hash and error, written field by field (no row copy).
            for index in 0..self.width {
                let _ = writer.write_field(record.get(index).unwrap_or_default());
            }
            match self.sign_record(record, &mut identity, &mut token) {
                Ok(()) => {
                    let _ = writer.write_field(token.as_bytes());
                    let _ = writer.write_field(b"");
                    part.signed += 1;
                }
                Err(error) => {
                    let _ = writer.write_field(b"");
                    let _ = writer.write_field(error.message.as_bytes());
                    part.fail(line, error);
                }
            }
            part.rows += 1;
            let _ = writer.write_record(None::<&[u8]>);
        }
        let _ = writer.flush();
        drop(writer);
        part.bytes = bytes;
    }
}

// --- JSON Lines ---

/// One line of JSON Lines input.
#[derive(Debug, Default)]
struct JsonRow {
    line: u64,
    text: Vec<u8>,
}

struct JsonRows<R: BufRead> {
    input: R,
    line: u64,
    bytes: u64,
}

impl<R: BufRead> RowReader for JsonRows<R> {
    type Row = JsonRow;

    /// The next non-blank line.
    fn next(&mut self, row: &mut JsonRow) -> Result<bool, CliError> {
        loop {
            row.text.clear();
            let read = self
                .input
                .read_until(b'\n', &mut row.text)
                .map_err(|error| CliError::io("cannot read the input", error))?;
            if read == 0 {
                return Ok(false);
            }
            self.bytes += read as u64;
            self.line += 1;
            if !row.text.iter().all(u8::is_ascii_whitespace) {
                row.line = self.line;
                return Ok(true);
            }
        }
    }

    fn bytes_read(&self) -> u64 {
        self.bytes
    }
}

/// Signs JSON objects: identifier fields by name, output = the object + the hash field.
struct JsonSigner<'a> {
    signer: &'a Signer,
    at: Option<u64>,
    user_id: &'a str,
    email: &'a str,
    hash: &'a str,
}

impl JsonSigner<'_> {
    /// The row's object with the hash added, or why not and the row as read.
    fn sign_line(&self, text: &[u8]) -> Result<Map<String, Value>, (RowError, Value)> {
        let value: Value = serde_json::from_slice(text).map_err(|error| {
            let raw = String::from_utf8_lossy(text).trim_end().to_owned();
            (
                RowError::new("invalid_json", format!("not valid JSON: {error}")),
                Value::String(raw),
            )
        })?;
        let Value::Object(mut object) = value else {
            let kind = json_kind(&value);
            return Err((
                RowError::new(
                    "not_an_object",
                    format!("the row is {kind}, not a JSON object"),
                ),
                value,
            ));
        };
        let fields = (|| {
            if object.contains_key(self.hash) {
                return Err(RowError::new(
                    "hash_field_exists",
                    format!(
                        "the row already has a {:?} field; choose another with --hash-column",
                        self.hash
                    ),
                ));
            }
            let user_id = json_field(&object, self.user_id)?;
            let email = json_field(&object, self.email)?;
            Ok(args::sign(
                self.signer,
                &Identity::new(user_id, email),
                self.at,
            )?)
        })();
        match fields {
            Ok(token) => {
                object.insert(self.hash.to_owned(), Value::String(token));
                Ok(object)
            }
            Err(error) => Err((error, Value::Object(object))),
        }
    }
}

/// A field as an optional identifier: absent or null = no value; integers are written in
/// decimal; other types are errors.
fn json_field(object: &Map<String, Value>, name: &str) -> Result<Option<String>, RowError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(Value::Number(number)) if number.is_i64() || number.is_u64() => {
            Ok(Some(number.to_string()))
        }
        Some(other) => Err(RowError::new(
            "invalid_field",
            format!(
                "the {name:?} field is {}; expected a string or an integer",
                json_kind(other)
            ),
        )),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a non-integer number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl RowSigner for JsonSigner<'_> {
    type Row = JsonRow;

    fn sign_rows(&self, rows: &[JsonRow], part: &mut Part) {
        for row in rows {
            let written = match self.sign_line(&row.text) {
                Ok(object) => {
                    part.signed += 1;
                    serde_json::to_writer(&mut part.bytes, &object)
                }
                Err((error, input)) => {
                    let failed = json!({
                        "line": row.line,
                        "error": {"code": error.code, "message": error.message},
                        "input": input,
                    });
                    part.fail(row.line, error);
                    serde_json::to_writer(&mut part.bytes, &failed)
                }
            };
            // Serialising a `Value` into a Vec cannot fail.
            let _ = written;
            part.bytes.push(b'\n');
            part.rows += 1;
        }
    }
}
