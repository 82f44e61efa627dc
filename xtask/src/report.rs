//! What each step did — passed, skipped with a reason, or failed — and the closing summary.

use std::process::ExitCode;
use std::time::Instant;

/// The result of one language's step.
pub enum Outcome {
    /// It ran and passed; the note says what ran (and where, e.g. inside the Swift chroot).
    Passed(String),
    /// It could not run on this machine; the reason says why and how to make it run.
    Skipped(String),
    /// It ran and failed.
    Failed(anyhow::Error),
}

impl From<anyhow::Result<String>> for Outcome {
    fn from(result: anyhow::Result<String>) -> Outcome {
        match result {
            Ok(note) => Outcome::Passed(note),
            Err(error) => Outcome::Failed(error),
        }
    }
}

/// The steps of one xtask run.
pub struct Report {
    title: &'static str,
    /// What a step is (`languages`, `targets`), for the closing line.
    steps: &'static str,
    started: Instant,
    rows: Vec<(&'static str, Outcome, f64)>,
    step_started: Instant,
}

impl Report {
    /// An empty report for the `title` command, whose steps are `steps` (plural noun).
    pub fn new(title: &'static str, steps: &'static str) -> Report {
        Report {
            title,
            steps,
            started: Instant::now(),
            rows: Vec::new(),
            step_started: Instant::now(),
        }
    }

    /// Records a step's outcome, printing it as it lands.
    pub fn record(&mut self, step: &'static str, outcome: Outcome) {
        let seconds = self.step_started.elapsed().as_secs_f64();
        match &outcome {
            Outcome::Passed(note) => eprintln!("==> {step}: passed ({note})"),
            Outcome::Skipped(reason) => eprintln!("==> {step}: SKIPPED: {reason}"),
            Outcome::Failed(error) => eprintln!("==> {step}: FAILED: {error:#}"),
        }
        self.rows.push((step, outcome, seconds));
        self.step_started = Instant::now();
    }

    /// Prints the summary; fails when a step failed, or was skipped under `no_skip`.
    pub fn finish(self, no_skip: bool) -> ExitCode {
        let mut ok = true;
        eprintln!();
        eprintln!("cargo xtask {} summary:", self.title);
        for (step, outcome, seconds) in &self.rows {
            let (status, detail) = match outcome {
                Outcome::Passed(note) => ("passed", note.clone()),
                Outcome::Skipped(reason) => {
                    ok &= !no_skip;
                    ("SKIPPED", reason.clone())
                }
                Outcome::Failed(error) => {
                    ok = false;
                    ("FAILED", format!("{error:#}"))
                }
            };
            eprintln!("  {step:<12} {status:<8} {seconds:>6.1}s  {detail}");
        }
        eprintln!("  total: {:.1}s", self.started.elapsed().as_secs_f64());
        let count = |f: fn(&Outcome) -> bool| self.rows.iter().filter(|(_, o, _)| f(o)).count();
        // A plain closing line, on stdout, for readers of CI logs; it counts steps (languages or
        // fuzz targets), each of which ran, and reported, its own suite above.
        println!(
            "{}: {} passed, {} failed, {} skipped",
            self.steps,
            count(|o| matches!(o, Outcome::Passed(_))),
            count(|o| matches!(o, Outcome::Failed(_))),
            count(|o| matches!(o, Outcome::Skipped(_))),
        );
        if ok {
            ExitCode::SUCCESS
        } else {
            if no_skip
                && self
                    .rows
                    .iter()
                    .any(|(_, o, _)| matches!(o, Outcome::Skipped(_)))
            {
                eprintln!("  (--no-skip: a skipped language fails the run)");
            }
            ExitCode::FAILURE
        }
    }
}
