//! The answer tables: for every address, the id of its most specific non-placeholder network
//! (or none), flattened for speed. One per address family ([`FlatV4`], [`FlatV6`]).
//!
//! The exact [`super::ranges::RangeTable`] keeps every covering network per elementary
//! segment; most lookups want only the first real one. This table stores, per maximal run of
//! addresses with the same answer, the run's first address and the answer side by side
//! (IPv4: 8 bytes, eight to a cache line), sorted by start. The first run starts at address
//! 0, so every address has exactly one run.
//!
//! A directory on the address's high bits names the runs that can hold an address: it covers
//! the span from the second run's start to the last run's start with `2^shift`-address
//! buckets, `shift` chosen at build time so that there is about one bucket per two runs. A
//! bucket's window (the run holding the bucket's first address up to the run holding the next
//! bucket's first address) is nearly always short; an IPv4 window of up to one cache line is
//! counted with a fixed number of comparisons, anything longer (many tiny networks in one
//! bucket) is binary searched. IPv6 registry data is clustered in a huge space, so its
//! windows are less even; they are binary searched within the bucket.
//!
//! A lookup is thus two dependent memory reads (directory, window). [`Flat::window`] and
//! [`Flat::search`] are separate so that a batch can issue every directory read before the
//! first window read, letting the processor overlap their cache misses.

/// No network.
pub(crate) const NONE: u32 = u32::MAX;

/// IPv4 windows up to this many runs (one cache line) are counted with a fixed number of
/// comparisons (no branch on the window's length); longer ones are binary searched.
const LINE: usize = 8;

/// An address as a number: `u32` (IPv4) or `u128` (IPv6).
pub(crate) trait FlatKey: Copy + Ord + std::fmt::Debug {
    /// Address 0.
    const ZERO: Self;
    /// Count a window of up to [`LINE`] runs without branching on its length.
    const FIXED_WINDOW: bool;
    /// Widened.
    fn wide(self) -> u128;
    /// `(self - base) >> shift`, saturating.
    fn bucket(self, base: Self, shift: u32) -> usize;
}

impl FlatKey for u32 {
    const ZERO: Self = 0;
    const FIXED_WINDOW: bool = true;
    #[inline]
    fn wide(self) -> u128 {
        u128::from(self)
    }
    #[inline]
    fn bucket(self, base: Self, shift: u32) -> usize {
        (u64::from(self.saturating_sub(base)) >> shift) as usize
    }
}

impl FlatKey for u128 {
    const ZERO: Self = 0;
    const FIXED_WINDOW: bool = false;
    #[inline]
    fn wide(self) -> u128 {
        self
    }
    #[inline]
    fn bucket(self, base: Self, shift: u32) -> usize {
        let b = self.saturating_sub(base).checked_shr(shift).unwrap_or(0);
        usize::try_from(b).unwrap_or(usize::MAX)
    }
}

/// The IPv4 answer table.
pub(crate) type FlatV4 = Flat<u32>;
/// The IPv6 answer table.
pub(crate) type FlatV6 = Flat<u128>;

/// See the module docs.
#[derive(Debug, Clone)]
pub(crate) struct Flat<K> {
    /// `(first address, answer)` per run, sorted, the first at address 0, then `LINE - 1`
    /// copies of the last run (so that a fixed-size window never runs off the end).
    runs: Vec<(K, u32)>,
    /// `dir[b]`: the run holding the first address of bucket `b` (`dir[0] = 0`), and one last
    /// entry: the last run.
    dir: Vec<u32>,
    /// Where bucket 0 ends and bucket 1 starts, less one bucket (the start of the second run).
    base: K,
    /// Bucket width in bits.
    shift: u32,
}

impl<K: FlatKey> Default for Flat<K> {
    fn default() -> Self {
        Self::from_runs(Vec::new())
    }
}

impl<K: FlatKey> Flat<K> {
    /// Builds the table from `(start, answer)` per elementary segment, sorted by start with
    /// distinct starts (segments need not start at 0; addresses before the first have no
    /// answer). Adjacent segments with equal answers are merged.
    pub(crate) fn build(segments: impl IntoIterator<Item = (K, u32)>) -> Self {
        let mut runs: Vec<(K, u32)> = vec![(K::ZERO, NONE)];
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

    fn from_runs(mut runs: Vec<(K, u32)>) -> Self {
        if runs.first().is_none_or(|r| r.0 != K::ZERO) {
            runs.insert(0, (K::ZERO, NONE));
        }
        let base = runs.get(1).map_or(K::ZERO, |r| r.0);
        let last = runs.last().map_or(K::ZERO, |r| r.0);
        let span = last.wide().saturating_sub(base.wide()).saturating_add(1);
        // About one bucket per two runs, at least one.
        let want = (runs.len() as u128 / 2).max(1);
        let mut shift = 0u32;
        while shift < 128 && span.checked_shr(shift).unwrap_or(0) + 1 > want {
            shift += 1;
        }
        let buckets = usize::try_from(span.checked_shr(shift).unwrap_or(0) + 1).unwrap_or(1);
        let mut dir = Vec::with_capacity(buckets + 1);
        dir.push(0u32);
        let mut run = 0usize;
        for b in 1..buckets {
            let first = base
                .wide()
                .saturating_add((b as u128).checked_shl(shift).unwrap_or(u128::MAX));
            while runs.get(run + 1).is_some_and(|r| r.0.wide() <= first) {
                run += 1;
            }
            dir.push(u32::try_from(run).unwrap_or(u32::MAX));
        }
        dir.push(u32::try_from(runs.len() - 1).unwrap_or(u32::MAX));
        let last = runs.last().copied().unwrap_or((K::ZERO, NONE));
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
    pub(crate) fn window(&self, x: K) -> (u32, u32) {
        let b = x.bucket(self.base, self.shift);
        let b = b.min(self.dir.len().saturating_sub(2));
        let lo = self.dir.get(b).copied().unwrap_or(0);
        let hi = self.dir.get(b + 1).copied().unwrap_or(lo);
        (lo, hi)
    }

    /// The answer for `x` within its `window` (second step: one window read).
    #[inline]
    pub(crate) fn search(&self, x: K, (lo, hi): (u32, u32)) -> u32 {
        let (lo, hi) = (lo as usize, hi as usize);
        if K::FIXED_WINDOW
            && hi.wrapping_sub(lo) < LINE
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
    pub(crate) fn get(&self, x: K) -> u32 {
        self.search(x, self.window(x))
    }

    /// Heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.runs.capacity() * std::mem::size_of::<(K, u32)>() + self.dir.capacity() * 4
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
    fn ipv6_sparse_and_clustered() {
        let base = 0x2001_0db8u128 << 96;
        let mut segs: Vec<(u128, u32)> = (0..300u128)
            .map(|i| (base + i * 5, (i % 4) as u32))
            .collect();
        segs.push((base + (1 << 80), 50));
        segs.push((0x2c0f_u128 << 112, 51));
        segs.push((u128::MAX, 52));
        let t = FlatV6::build(segs.iter().copied());
        let naive6 = |x: u128| segs.iter().rev().find(|s| s.0 <= x).map_or(NONE, |s| s.1);
        for &(s, _) in &segs {
            for p in [s.saturating_sub(1), s, s.saturating_add(1)] {
                assert_eq!(t.get(p), naive6(p), "at {p:x}");
            }
        }
        for p in [0, 1, base - 1, base + 1_000, base + 1_501, u128::MAX - 1] {
            assert_eq!(t.get(p), naive6(p), "at {p:x}");
        }
        assert_eq!(FlatV6::build([]).get(u128::MAX), NONE);
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
