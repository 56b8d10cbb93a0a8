//! The IPv4 answer table: for every IPv4 address, the id of its most specific non-placeholder
//! network (or none), flattened for speed.
//!
//! The exact [`super::ranges::RangeTable`] keeps every covering network per elementary
//! segment; most lookups want only the first real one. This table stores, per maximal run of
//! addresses with the same answer, the run's first address and the answer side by side
//! (8 bytes; eight to a cache line), sorted by start. The first run starts at `0.0.0.0`, so
//! every address has exactly one run.
//!
//! A directory on the address's high bits names the runs that can hold an address: it covers
//! the span from the second run's start to the last run's start with `2^(32 - shift)`-address
//! buckets, `shift` chosen at build time so that there is about one bucket per two runs. A
//! bucket's window (the run holding the bucket's first address up to the run holding the next
//! bucket's first address) is nearly always one cache line; a short window is counted
//! without branches, a long one (many tiny networks in one bucket) is binary searched.
//!
//! A lookup is thus two dependent memory reads (directory, window). [`FlatV4::window`] and
//! [`FlatV4::search`] are separate so that a batch can issue every directory read before the
//! first window read, letting the processor overlap their cache misses.

/// No network.
pub(crate) const NONE: u32 = u32::MAX;

/// Windows up to this many runs (one cache line) are counted with a fixed number of
/// comparisons (no branch on the window's length); longer ones are binary searched.
const LINE: usize = 8;

/// See the module docs.
#[derive(Debug, Clone)]
pub(crate) struct FlatV4 {
    /// `(first address, answer)` per run, sorted, the first at address 0, then `LINE - 1`
    /// copies of the last run (so that a fixed-size window never runs off the end).
    runs: Vec<(u32, u32)>,
    /// `dir[b]`: the run holding the first address of bucket `b` (`dir[0] = 0`), and one last
    /// entry: the last run.
    dir: Vec<u32>,
    /// First address of bucket 0's successor's base (the start of the second run).
    base: u32,
    /// Bucket width in bits.
    shift: u32,
}

impl Default for FlatV4 {
    fn default() -> Self {
        Self::from_runs(Vec::new())
    }
}

impl FlatV4 {
    /// Builds the table from `(start, answer)` per elementary segment, sorted by start with
    /// distinct starts (segments need not start at 0; addresses before the first have no
    /// answer). Adjacent segments with equal answers are merged.
    pub(crate) fn build(segments: impl IntoIterator<Item = (u32, u32)>) -> Self {
        let mut runs: Vec<(u32, u32)> = vec![(0, NONE)];
        for (start, answer) in segments {
            match runs.last_mut() {
                Some(last) if last.0 == start => last.1 = answer,
                Some(last) if last.1 == answer => {}
                _ => runs.push((start, answer)),
            }
        }
        // Setting the first run's answer may have made it equal to the second.
        runs.dedup_by(|next, prev| next.1 == prev.1);
        Self::from_runs(runs)
    }

    fn from_runs(mut runs: Vec<(u32, u32)>) -> Self {
        if runs.first().is_none_or(|r| r.0 != 0) {
            runs.insert(0, (0, NONE));
        }
        let base = runs.get(1).map_or(0, |r| r.0);
        let last = runs.last().map_or(0, |r| r.0);
        let span = u64::from(last - base.min(last)) + 1;
        // About one bucket per two runs, at least one.
        let want = (runs.len() as u64 / 2).max(1);
        let mut shift = 0u32;
        while shift < 32 && (span >> shift) + 1 > want {
            shift += 1;
        }
        let buckets = (span >> shift) as usize + 1;
        let mut dir = Vec::with_capacity(buckets + 1);
        dir.push(0u32);
        let mut run = 0usize;
        for b in 1..buckets {
            let first = u64::from(base) + ((b as u64) << shift);
            while runs.get(run + 1).is_some_and(|r| u64::from(r.0) <= first) {
                run += 1;
            }
            dir.push(u32::try_from(run).unwrap_or(u32::MAX));
        }
        dir.push(u32::try_from(runs.len() - 1).unwrap_or(u32::MAX));
        let last = runs.last().copied().unwrap_or((0, NONE));
        runs.extend(std::iter::repeat_n(last, LINE - 1));
        runs.shrink_to_fit();
        Self {
            runs,
            dir,
            base,
            shift,
        }
    }

    /// The first and last run that can hold `x` (first step of a lookup: one directory read).
    #[inline]
    pub(crate) fn window(&self, x: u32) -> (u32, u32) {
        let b = (u64::from(x.saturating_sub(self.base)) >> self.shift) as usize;
        let b = b.min(self.dir.len().saturating_sub(2));
        let lo = self.dir.get(b).copied().unwrap_or(0);
        let hi = self.dir.get(b + 1).copied().unwrap_or(lo);
        (lo, hi)
    }

    /// The answer for `x` within its `window` (second step: one window read).
    #[inline]
    pub(crate) fn search(&self, x: u32, (lo, hi): (u32, u32)) -> u32 {
        let (lo, hi) = (lo as usize, hi as usize);
        if hi.wrapping_sub(lo) < LINE
            && let Some(w) = self.runs.get(lo..).and_then(|r| r.first_chunk::<LINE>())
        {
            // Runs after the window start after `x`, except the copies of the last run at the
            // end, which carry its answer: counting them is harmless.
            let n: usize = w.iter().map(|r| usize::from(r.0 <= x)).sum();
            return w.get(n.wrapping_sub(1)).map_or(NONE, |r| r.1);
        }
        let w = self.runs.get(lo..=hi).unwrap_or_default();
        let n = w.partition_point(|r| r.0 <= x);
        w.get(n.wrapping_sub(1)).map_or(NONE, |r| r.1)
    }

    /// The answer for `x`.
    #[inline]
    pub(crate) fn get(&self, x: u32) -> u32 {
        self.search(x, self.window(x))
    }

    /// Heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.runs.capacity() * std::mem::size_of::<(u32, u32)>() + self.dir.capacity() * 4
    }

    /// Number of runs.
    #[cfg(test)]
    pub(crate) fn runs(&self) -> usize {
        self.runs.len() + 1 - LINE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(segments: &[(u32, u32)], x: u32) -> u32 {
        segments
            .iter()
            .rev()
            .find(|s| s.0 <= x)
            .map_or(NONE, |s| s.1)
    }

    #[test]
    fn empty_and_single() {
        let t = FlatV4::build([]);
        assert_eq!(t.get(0), NONE);
        assert_eq!(t.get(u32::MAX), NONE);
        let t = FlatV4::build([(0, 5)]);
        assert_eq!(t.get(0), 5);
        assert_eq!(t.get(u32::MAX), 5);
        assert_eq!(t.runs(), 1);
        let t = FlatV4::build([(u32::MAX, 5)]);
        assert_eq!(t.get(u32::MAX - 1), NONE);
        assert_eq!(t.get(u32::MAX), 5);
    }

    #[test]
    fn merges_equal_neighbours() {
        let segs = [(10, 1), (20, 1), (30, NONE), (40, 2), (50, 3), (60, 3)];
        let t = FlatV4::build(segs);
        assert_eq!(t.runs(), 5);
        for x in [
            0,
            9,
            10,
            19,
            20,
            29,
            30,
            39,
            40,
            49,
            50,
            59,
            60,
            61,
            u32::MAX,
        ] {
            assert_eq!(t.get(x), naive(&segs, x), "at {x}");
        }
    }

    #[test]
    fn dense_and_sparse_buckets() {
        // Many tiny runs in one place (long windows), a few far apart.
        let mut segs: Vec<(u32, u32)> = (0..200u32).map(|i| (1_000 + i * 3, i % 7)).collect();
        segs.push((1 << 24, 100));
        segs.push((3 << 30, 101));
        segs.push((u32::MAX - 1, 102));
        let t = FlatV4::build(segs.iter().copied());
        let mut x = 0x2545_f491u32;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let probe = if x.is_multiple_of(2) { x % 2_000 } else { x };
            assert_eq!(t.get(probe), naive(&segs, probe), "at {probe}");
        }
        for &(s, _) in &segs {
            for p in [s.saturating_sub(1), s, s.saturating_add(1)] {
                assert_eq!(t.get(p), naive(&segs, p), "at {p}");
            }
        }
    }
}
