//! The one thread splitter of every batch: the core's `sign_batch` and `sign_packed`, and the
//! CLI's `batch` command.
//!
//! A batch is split into contiguous runs of items, one per thread that pays off, each run signed
//! on a scoped thread into its own state, and the runs are read back in order. One policy for
//! every caller: how many threads, how small a run is worth a thread, and what happens to a
//! panicking worker.

use std::num::NonZero;
use std::ops::Range;

/// Below this many items per thread, starting a thread costs more than it saves.
pub const MIN_ITEMS_PER_THREAD: usize = 2048;

/// How a batch of items is shared among threads: contiguous runs, in order.
///
/// ```
/// use userhash::Split;
///
/// let split = Split::new(10_000, 4);
/// assert!(split.runs().len() <= 4);
/// assert_eq!(split.runs().first().map(|run| run.start), Some(0));
/// assert_eq!(split.runs().last().map(|run| run.end), Some(10_000));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    runs: Vec<Range<usize>>,
}

impl Split {
    /// Splits `items` into runs for at most `max_threads` threads (0: one per core), never more
    /// runs than `items / MIN_ITEMS_PER_THREAD`, and always at least one (maybe empty) run.
    pub fn new(items: usize, max_threads: usize) -> Split {
        let cores = std::thread::available_parallelism().map_or(1, NonZero::get);
        let cap = match max_threads {
            0 => cores,
            cap => cap.min(cores),
        };
        let threads = cap.min(items / MIN_ITEMS_PER_THREAD).max(1);
        let per_run = items.div_ceil(threads).max(1);
        let mut runs: Vec<Range<usize>> = (0..items)
            .step_by(per_run)
            .map(|start| start..(start + per_run).min(items))
            .collect();
        if runs.is_empty() {
            runs.push(0..0);
        }
        Split { runs }
    }

    /// The runs, in order; they cover every item exactly once.
    pub fn runs(&self) -> &[Range<usize>] {
        &self.runs
    }

    /// Calls `work(run, state)` for every run, each with its own state from `states` (which must
    /// hold at least one per run; extra states are left alone), on scoped threads; meanwhile the
    /// calling thread runs `meanwhile` and its result is returned once every run is done. A
    /// single run is worked on the calling thread, before `meanwhile`.
    ///
    /// # Panics
    /// A panic in `work` is resumed on the calling thread (every caller's `work` is infallible
    /// by design; a panic there is a bug).
    pub fn run<S, M>(
        &self,
        states: &mut [S],
        work: impl Fn(Range<usize>, &mut S) + Sync,
        meanwhile: impl FnOnce() -> M,
    ) -> M
    where
        S: Send,
    {
        let work = &work;
        if let ([run], [state, ..]) = (self.runs.as_slice(), &mut *states) {
            work(run.clone(), state);
            return meanwhile();
        }
        std::thread::scope(|scope| {
            let workers: Vec<_> = self
                .runs
                .iter()
                .zip(states.iter_mut())
                .map(|(run, state)| scope.spawn(move || work(run.clone(), state)))
                .collect();
            let result = meanwhile();
            for worker in workers {
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_item_in_order() {
        for items in [0, 1, 2047, 2048, 4096, 10_000, 100_003] {
            for threads in [0, 1, 2, 3, 8, usize::MAX] {
                let split = Split::new(items, threads);
                let runs = split.runs();
                assert!(!runs.is_empty());
                assert_eq!(runs[0].start, 0);
                assert_eq!(runs[runs.len() - 1].end, items);
                for pair in runs.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start, "{items} {threads}");
                }
                if runs.len() > 1 {
                    assert!(runs.iter().all(|run| run.len() >= MIN_ITEMS_PER_THREAD / 2));
                }
            }
        }
    }

    #[test]
    fn every_run_gets_its_state_and_the_caller_works_meanwhile() {
        let split = Split::new(10 * MIN_ITEMS_PER_THREAD, 4);
        let mut sums = vec![0usize; 8];
        let side = split.run(&mut sums, |run, sum| *sum = run.sum(), || "io");
        assert_eq!(side, "io");
        assert_eq!(
            sums.iter().sum::<usize>(),
            (0..10 * MIN_ITEMS_PER_THREAD).sum::<usize>()
        );
    }
}
