//! `userhash batch`: sign every row of a CSV or JSON Lines file.
//!
//! Rows are read in chunks of `--chunk-rows`. While worker threads sign chunk *k* (each a
//! contiguous slice of it, written to its own buffer), the main thread writes chunk *k − 1*'s
//! buffers in order and reads chunk *k + 1*. Memory is bounded by two input chunks and two sets
//! of output buffers, whatever the file's size, and the output keeps the input's order. With
//! `--threads 1` everything runs on the calling thread, one chunk at a time.
//!
//! Here: the run, from flags to summary. The pipeline (`pipeline.rs`) moves rows (`rows.rs`)
//! from a format's reader to its signer (`csv.rs`, `jsonl.rs`, one file per format) and on to
//! the output (`sink.rs`), telling the user what it did (`report.rs`).

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::num::NonZeroUsize;
use std::path::Path;
use std::thread;
use std::time::Instant;

use userhash::ErrorKind;

use crate::args::Keys;
use crate::cli::{BatchArgs, Format};
use crate::commands::{Status, Streams};
use crate::error::CliError;

mod csv;
mod jsonl;
mod pipeline;
mod report;
mod rows;
mod sink;

use pipeline::{Shape, pipeline};
use report::{Reporter, Totals, progress_bar, summary};
use rows::Names;
use sink::{IO_BUFFER_BYTES, STDIO, Sink};

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
            let (mut rows, row_signer, header) = csv::open(input, &signer, at, &names)?;
            let mut sink = Sink::open(&args.output, &mut **out)?;
            sink.write(&header)?;
            pipeline(&mut rows, &row_signer, &mut sink, &mut reporter, shape)?;
            sink.flush()?;
        }
        Format::Jsonl => {
            let (mut rows, row_signer) = jsonl::open(input, &signer, at, &names)?;
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
