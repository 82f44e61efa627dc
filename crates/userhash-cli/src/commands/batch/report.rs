//! What the run tells its user on stderr: each failed row by line, progress, and the summary.

use std::io::Write;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use super::rows::Failure;

/// Counts for the summary.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Totals {
    pub(super) rows: u64,
    pub(super) signed: u64,
    pub(super) failed: u64,
}

/// Failure reports and progress, on stderr.
pub(super) struct Reporter<'a> {
    pub(super) err: &'a mut dyn Write,
    pub(super) json: bool,
    pub(super) bar: Option<ProgressBar>,
    pub(super) started: Instant,
    pub(super) totals: Totals,
}

impl Reporter<'_> {
    /// Reports a failed row as `line N: reason` (or a JSON line). A closed stderr does not stop
    /// the run: the reason is in the output too.
    pub(super) fn failure(&mut self, failure: &Failure) {
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
    pub(super) fn clear_progress(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    pub(super) fn advance(&mut self, bytes: u64) {
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

pub(super) fn progress_bar(input_len: Option<u64>) -> ProgressBar {
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

pub(super) fn summary(totals: &Totals, elapsed: Duration, threads: usize, json: bool) -> String {
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
