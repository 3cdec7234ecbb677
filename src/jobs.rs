//! Runs the renderers' costly jobs — each one typesetting a document — on threads of their own,
//! at most one per core at a time across the whole build.
//!
//! Why not rayon's pool: Typst lays out pages with rayon and krilla waits for its deferred PDF
//! work with `rayon::yield_now`, and a pool thread that waits runs whatever else is queued —
//! another whole job. Jobs then nest inside waiting jobs, each holding its document, until the
//! queue is empty: 1,000 units' forms peaked at 1.4 GB that way. Jobs here run on plain threads,
//! so the pool only ever runs the work Typst hands it, and a process-wide count of slots keeps
//! the number of documents in memory at the number of cores, however many kits run at once.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, LazyLock, Mutex};

/// Typst lays out nested content recursively; the default 2 MiB thread stacks are too small for
/// long documents, so job threads and rayon's workers get what a main thread gets.
pub const STACK: usize = 16 * 1024 * 1024;

/// `f` applied to every item, in order, each call a job. From within a job (a job that makes
/// several documents, such as one unit's materials) the items are made one after another on the
/// job's own thread and slot.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_heaviest_first(items, |_| 0, f)
}

/// [`map`], starting the items of most `weight` first (in order among equals): a long document
/// started last keeps one core busy after the others have run out of work. The results are in
/// the items' order all the same.
pub fn map_heaviest_first<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if IN_JOB.get() {
        return items.iter().map(f).collect();
    }
    let order = heaviest_first(items, weight);
    let workers = cores().min(items.len());
    let next = AtomicUsize::new(0);
    let work = || {
        let mut made = Vec::new();
        loop {
            let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                return made;
            };
            made.push((i, job(|| f(&items[i]))));
        }
    };
    let mut made: Vec<(usize, R)> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(s, work)
                    .expect("a job thread starts")
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    made.sort_unstable_by_key(|(i, _)| *i);
    made.into_iter().map(|(_, r)| r).collect()
}

/// The items' indices, those of most `weight` first, in order among equals.
fn heaviest_first<T>(items: &[T], weight: impl Fn(&T) -> usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(&items[i])));
    order
}

/// Runs each of `tasks` on a thread of its own (without taking a slot: a task that typesets
/// does so through [`map`]), and returns their results in order. For a handful of independent
/// tasks such as the kits.
pub fn each<R: Send>(tasks: Vec<Box<dyn FnOnce() -> R + Send + '_>>) -> Vec<R> {
    std::thread::scope(|s| {
        let threads: Vec<_> = tasks
            .into_iter()
            .map(|task| {
                std::thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(s, task)
                    .expect("a task thread starts")
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// `f` as one job: waits for a free slot, holds it while `f` runs.
fn job<R>(f: impl FnOnce() -> R) -> R {
    let _slot = Slot::take();
    f()
}

/// How many jobs run at once: the size of rayon's pool (the cores, unless configured).
fn cores() -> usize {
    rayon::current_num_threads().max(1)
}

thread_local! {
    /// Whether this thread holds a slot.
    static IN_JOB: Cell<bool> = const { Cell::new(false) };
}

/// The process's free slots.
static FREE: LazyLock<(Mutex<usize>, Condvar)> =
    LazyLock::new(|| (Mutex::new(cores()), Condvar::new()));

/// A held slot, given back when dropped (also when the job panics).
struct Slot;

impl Slot {
    fn take() -> Slot {
        let (free, freed) = &*FREE;
        let mut n = free.lock().unwrap_or_else(|e| e.into_inner());
        while *n == 0 {
            n = freed.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        *n -= 1;
        IN_JOB.set(true);
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        IN_JOB.set(false);
        let (free, freed) = &*FREE;
        *free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u32> = (0..100).collect();
        assert_eq!(
            map(&items, |i| i * 2),
            (0..100).map(|i| i * 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_heaviest_items_start_first_and_results_keep_the_items_order() {
        let pages = [1, 48, 2, 1, 56, 2];
        assert_eq!(heaviest_first(&pages, |p| *p), vec![4, 1, 2, 5, 0, 3]);
        assert_eq!(
            map_heaviest_first(&pages, |p| *p, |p| p * 10),
            [10, 480, 20, 10, 560, 20]
        );
    }

    #[test]
    fn no_more_jobs_than_cores_run_at_once() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<u32> = (0..40).collect();
        // Two callers at once, as two kits would.
        let kit = || {
            map(&items, |_| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(2));
                running.fetch_sub(1, Ordering::SeqCst);
            })
        };
        each(vec![Box::new(kit), Box::new(kit)]);
        assert!(most.load(Ordering::SeqCst) <= cores());
    }

    #[test]
    fn a_job_maps_its_own_items_on_its_thread() {
        let outer: Vec<u32> = (0..4).collect();
        let made = map(&outer, |&o| {
            let me = std::thread::current().id();
            let inner: Vec<u32> = (0..3).collect();
            map(&inner, |&i| (std::thread::current().id() == me, o * 10 + i))
        });
        assert!(made.iter().flatten().all(|(same, _)| *same));
        assert_eq!(made[3][2].1, 32);
    }
}
