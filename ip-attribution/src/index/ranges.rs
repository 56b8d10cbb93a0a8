//! An exact stabbing structure for arbitrary inclusive ranges: every point maps to the list of
//! ranges that cover it, smallest first.
//!
//! The ranges' boundaries cut the address line into elementary segments (adjacent segments with
//! the same covering list are merged). Each segment stores either the most specific range, whose
//! `parent` chain is the segment's exact list (always the case for nested ranges, which registry
//! data nearly always is), or, when overlapping ranges make the chain wrong, an explicit list.
//! A point is found by binary search over segment starts, narrowed first by a directory of
//! equal-width buckets over the span of the starts, about one bucket per two segments (as the
//! answer tables' directory in `flat`): with registry data, nearly every search is one read of
//! the directory and a window of a few segments in one cache line.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::net::IpAddr;

use crate::rpsl::IpRange;

const NONE: u32 = u32::MAX;
const UNSET: u32 = u32::MAX - 1;
const EXPLICIT: u32 = 1 << 31;
/// How many searches [`RangeTable::heads_many`] runs in lock step.
pub(crate) const LOCKSTEP: usize = 32;

/// A key type: `u32` for IPv4, `u128` for IPv6.
pub(crate) trait Key: Copy + Ord + Default + std::fmt::Debug {
    /// `(self - base) >> shift` (`self >= base`), saturating at `usize::MAX`.
    fn bucket(self, base: Self, shift: u32) -> usize;
    /// `self + 1`, `None` on overflow.
    fn succ(self) -> Option<Self>;
    /// `end - start` widened.
    fn span(start: Self, end: Self) -> u128;
}

impl Key for u32 {
    #[inline]
    fn bucket(self, base: Self, shift: u32) -> usize {
        let b = u64::from(self.wrapping_sub(base))
            .checked_shr(shift)
            .unwrap_or(0);
        usize::try_from(b).unwrap_or(usize::MAX)
    }
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn span(start: Self, end: Self) -> u128 {
        u128::from(end.wrapping_sub(start))
    }
}

impl Key for u128 {
    #[inline]
    fn bucket(self, base: Self, shift: u32) -> usize {
        let b = self.wrapping_sub(base).checked_shr(shift).unwrap_or(0);
        usize::try_from(b).unwrap_or(usize::MAX)
    }
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn span(start: Self, end: Self) -> u128 {
        end.wrapping_sub(start)
    }
}

/// The built structure over items `0..n` (ids are the positions in the input slice).
#[derive(Debug, Clone, Default)]
pub(crate) struct RangeTable<K> {
    /// Segment start and head, side by side: the search's last probe brings the head along
    /// (one cache miss fewer per lookup than two arrays).
    segs: Vec<(K, u32)>,
    parent: Vec<u32>,
    lists: Vec<u32>,
    /// The directory: `buckets[b]` is the first segment whose start is
    /// `>= base + (b << shift)`, for every bucket from the first segment's start to the last
    /// one's, then the number of segments. Empty without segments.
    buckets: Vec<u32>,
    /// The first segment's start.
    base: K,
    /// Bucket width, a power of two chosen at build time (about two segments a bucket).
    shift: u32,
}

/// The ids covering one point, most specific first.
#[derive(Debug, Clone)]
pub(crate) enum Covering<'a> {
    /// Follow parent pointers from `cur`. The parent of the id just returned is read only when
    /// the next one is asked for, so a most-specific lookup never touches `parent`.
    Chain {
        /// Parent of every id.
        parent: &'a [u32],
        /// The next id to return (`fresh`) or the last one returned.
        cur: u32,
        /// `cur` has not been returned yet.
        fresh: bool,
    },
    /// An explicit list.
    List(std::slice::Iter<'a, u32>),
}

impl Iterator for Covering<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self {
            Self::Chain { parent, cur, fresh } => {
                if !*fresh && *cur != NONE {
                    *cur = parent.get(*cur as usize).copied().unwrap_or(NONE);
                }
                *fresh = false;
                (*cur != NONE).then_some(*cur)
            }
            Self::List(it) => it.next().copied(),
        }
    }
}

impl<K: Key> RangeTable<K> {
    /// Builds the table over inclusive `(start, end)` ranges (`start <= end` is the caller's
    /// promise; others are ignored).
    pub(crate) fn build(items: &[(K, K)]) -> Self {
        let n = items.len();
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&i| items[i as usize].0 <= items[i as usize].1)
            .collect();
        order.sort_unstable_by_key(|&i| items[i as usize].0);
        let mut bounds: Vec<K> = Vec::with_capacity(2 * order.len());
        for &i in &order {
            let (s, e) = items[i as usize];
            bounds.push(s);
            if let Some(next) = e.succ() {
                bounds.push(next);
            }
        }
        bounds.sort_unstable();
        bounds.dedup();

        // Most specific first: smaller span, then later start, then lower id.
        type Rank<K> = (u128, Reverse<K>, u32);
        let rank = |i: u32| -> Rank<K> {
            let (s, e) = items[i as usize];
            (K::span(s, e), Reverse(s), i)
        };
        let mut active: BTreeSet<Rank<K>> = BTreeSet::new();
        let mut ends: BinaryHeap<Reverse<(K, u32)>> = BinaryHeap::new();
        let mut parent = vec![UNSET; n];
        let mut segs = Vec::new();
        let mut lists = Vec::new();
        let mut next_item = 0usize;
        let mut list: Vec<u32> = Vec::new();
        let mut prev: Option<Vec<u32>> = None;
        for &b in &bounds {
            while let Some(&i) = order.get(next_item) {
                if items[i as usize].0 > b {
                    break;
                }
                active.insert(rank(i));
                ends.push(Reverse((items[i as usize].1, i)));
                next_item += 1;
            }
            while let Some(Reverse((e, i))) = ends.peek().copied() {
                if e >= b {
                    break;
                }
                ends.pop();
                active.remove(&rank(i));
            }
            list.clear();
            list.extend(active.iter().map(|r| r.2));
            if prev.as_deref() == Some(list.as_slice()) {
                continue;
            }
            let mut chain_ok = true;
            for (k, &id) in list.iter().enumerate() {
                let want = list.get(k + 1).copied().unwrap_or(NONE);
                match parent.get_mut(id as usize) {
                    Some(p) if *p == UNSET => *p = want,
                    Some(p) if *p == want => {}
                    _ => chain_ok = false,
                }
            }
            let head = match (chain_ok, list.first()) {
                (true, Some(&h)) => h,
                (true, None) => NONE,
                (false, _) => {
                    let at = lists.len() as u32 | EXPLICIT;
                    lists.push(list.len() as u32);
                    lists.extend_from_slice(&list);
                    at
                }
            };
            segs.push((b, head));
            prev = Some(list.clone());
        }
        for p in &mut parent {
            if *p == UNSET {
                *p = NONE;
            }
        }
        let mut table = Self {
            base: K::default(),
            segs,
            parent,
            lists,
            buckets: Vec::new(),
            shift: 0,
        };
        table.build_buckets();
        table.segs.shrink_to_fit();
        table.lists.shrink_to_fit();
        table
    }

    /// The directory (see [`RangeTable::buckets`]): the narrowest power-of-two bucket width
    /// that gives at most one bucket per two segments.
    fn build_buckets(&mut self) {
        let (Some(&(first, _)), Some(&(last, _))) = (self.segs.first(), self.segs.last()) else {
            return;
        };
        let span = K::span(first, last);
        let most = (self.segs.len() / 2).max(1) as u128;
        let mut shift = 0u32;
        while span.checked_shr(shift).unwrap_or(0) >= most {
            shift += 1;
        }
        // At most `most` buckets (fewer than there are segments, so positions fit in u32).
        let count = last.bucket(first, shift).saturating_add(1);
        let mut buckets = Vec::with_capacity(count + 1);
        let mut seg = 0usize;
        for b in 0..=count {
            while self
                .segs
                .get(seg)
                .is_some_and(|s| s.0.bucket(first, shift) < b)
            {
                seg += 1;
            }
            buckets.push(seg as u32);
        }
        self.base = first;
        self.shift = shift;
        self.buckets = buckets;
    }

    /// The segments among which `x`'s is searched (the segment holding `x` is the last one
    /// starting at or before `x`: one of these or the one before them): its bucket's.
    #[inline]
    fn window(&self, x: K) -> (usize, usize) {
        let n = self.segs.len();
        if self.buckets.is_empty() {
            return (0, n);
        }
        if x < self.base {
            return (0, 0);
        }
        let b = x.bucket(self.base, self.shift);
        match (
            self.buckets.get(b),
            b.checked_add(1).and_then(|c| self.buckets.get(c)),
        ) {
            (Some(&lo), Some(&hi)) => (lo as usize, hi as usize),
            // Past the last bucket: after every segment's start.
            _ => (n, n),
        }
    }

    /// Index of the segment holding `x`, if any.
    #[inline]
    fn segment(&self, x: K) -> Option<usize> {
        let (lo, hi) = self.window(x);
        let window = self.segs.get(lo..hi).unwrap_or_default();
        let pos = lo + window.partition_point(|&(s, _)| s <= x);
        pos.checked_sub(1)
    }

    /// The head of the segment holding each of `xs` (what [`Self::covering`] starts from;
    /// give it to [`Self::covering_from`]), pushed to `heads` in order. The searches of
    /// [`LOCKSTEP`] points run in lock step, one halving of every window at a time, so that
    /// their cache misses overlap instead of following one another.
    pub(crate) fn heads_many(&self, xs: &[K], heads: &mut Vec<u32>) {
        heads.reserve(xs.len());
        let mut base = [0usize; LOCKSTEP];
        let mut size = [0usize; LOCKSTEP];
        for group in xs.chunks(LOCKSTEP) {
            let mut longest = 0;
            for ((b, n), &x) in base.iter_mut().zip(size.iter_mut()).zip(group) {
                let (lo, hi) = self.window(x);
                *b = lo;
                *n = hi.saturating_sub(lo);
                longest = longest.max(*n);
            }
            // Each pass halves every window longer than one segment (the form of the
            // standard library's binary search: the base moves without a branch).
            while longest > 1 {
                longest = 0;
                for ((b, n), &x) in base.iter_mut().zip(size.iter_mut()).zip(group) {
                    if *n > 1 {
                        let half = *n / 2;
                        let mid = *b + half;
                        let below = self.segs.get(mid).is_some_and(|&(s, _)| s <= x);
                        *b = if below { mid } else { *b };
                        *n -= half;
                        longest = longest.max(*n);
                    }
                }
            }
            for ((&b, &n), &x) in base.iter().zip(&size).zip(group) {
                // The partition point: segments of the window starting at or before `x`.
                let pos = b + usize::from(n > 0 && self.segs.get(b).is_some_and(|&(s, _)| s <= x));
                let head = pos
                    .checked_sub(1)
                    .and_then(|p| self.segs.get(p))
                    .map_or(NONE, |s| s.1);
                heads.push(head);
            }
        }
    }

    /// The ids covering `x`, most specific first.
    #[inline]
    pub(crate) fn covering(&self, x: K) -> Covering<'_> {
        let head = self
            .segment(x)
            .and_then(|s| self.segs.get(s).map(|s| s.1))
            .unwrap_or(NONE);
        self.covering_from(head)
    }

    /// Every elementary segment's start with the ids covering it, most specific first, in
    /// address order (addresses before the first start are covered by nothing).
    pub(crate) fn segments_covering(&self) -> impl Iterator<Item = (K, Covering<'_>)> + '_ {
        self.segs
            .iter()
            .map(|&(start, head)| (start, self.covering_from(head)))
    }

    #[inline]
    pub(crate) fn covering_from(&self, head: u32) -> Covering<'_> {
        if head != NONE && head & EXPLICIT != 0 {
            let at = (head & !EXPLICIT) as usize;
            let len = self.lists.get(at).copied().unwrap_or(0) as usize;
            let list = self.lists.get(at + 1..at + 1 + len).unwrap_or_default();
            return Covering::List(list.iter());
        }
        Covering::Chain {
            parent: &self.parent,
            cur: head,
            fresh: true,
        }
    }

    /// Heap bytes used.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.segs.capacity() * std::mem::size_of::<(K, u32)>()
            + (self.parent.capacity() + self.lists.capacity() + self.buckets.capacity()) * 4
    }

    /// Number of segments.
    pub(crate) fn segments(&self) -> usize {
        self.segs.len()
    }
}

/// Ranges with caller ids, both families, over [`RangeTable`]s (the RDAP networks of the
/// index: few, added one by one).
/// [`Self::build`] must run after the last
/// [`Self::insert`] and before lookups (ranges inserted after it are not found until it runs
/// again).
#[derive(Debug, Default, Clone)]
pub(crate) struct RangeIndex {
    v4: Vec<(u32, u32)>,
    v4_ids: Vec<u32>,
    v6: Vec<(u128, u128)>,
    v6_ids: Vec<u32>,
    t4: RangeTable<u32>,
    t6: RangeTable<u128>,
}

impl RangeIndex {
    /// Stores `range` under `id`.
    pub(crate) fn insert(&mut self, range: &IpRange, id: u32) {
        match (range.start(), range.end()) {
            (IpAddr::V4(s), IpAddr::V4(e)) => {
                self.v4.push((u32::from(s), u32::from(e)));
                self.v4_ids.push(id);
            }
            (IpAddr::V6(s), IpAddr::V6(e)) => {
                self.v6.push((u128::from(s), u128::from(e)));
                self.v6_ids.push(id);
            }
            // An `IpRange` never mixes families.
            _ => {}
        }
    }

    /// Builds the lookup tables over every range inserted so far.
    pub(crate) fn build(&mut self) {
        self.t4 = RangeTable::build(&self.v4);
        self.t6 = RangeTable::build(&self.v6);
        // The tables hold positions; the bounds are not needed again.
        self.v4 = Vec::new();
        self.v6 = Vec::new();
    }

    /// Ids of the ranges covering `ip`, ascending, no duplicates.
    pub(crate) fn covering(&self, ip: IpAddr) -> Vec<u32> {
        let mut out: Vec<u32> = match ip {
            IpAddr::V4(a) => self
                .t4
                .covering(u32::from(a))
                .filter_map(|p| self.v4_ids.get(p as usize).copied())
                .collect(),
            IpAddr::V6(a) => self
                .t6
                .covering(u128::from(a))
                .filter_map(|p| self.v6_ids.get(p as usize).copied())
                .collect(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids covering `x`, most specific first, by a scan of every range.
    pub(super) fn oracle<K: Key>(items: &[(K, K)], x: K) -> Vec<u32> {
        let mut v: Vec<u32> = (0..items.len() as u32)
            .filter(|&i| items[i as usize].0 <= x && x <= items[i as usize].1)
            .collect();
        v.sort_by_key(|&i| {
            let (s, e) = items[i as usize];
            (K::span(s, e), Reverse(s), i)
        });
        v
    }

    #[test]
    fn nested_and_overlapping() {
        let items = [
            (0, 100),
            (10, 20),
            (15, 30),
            (0, u32::MAX),
            (50, 50),
            (10, 20),
        ];
        let t = RangeTable::build(&items);
        for x in [0, 5, 10, 14, 15, 20, 21, 30, 31, 50, 51, 100, 101, u32::MAX] {
            assert_eq!(
                t.covering(x).collect::<Vec<_>>(),
                oracle(&items, x),
                "at {x}"
            );
        }
    }
}

#[cfg(test)]
mod directory_tests {
    use super::tests::oracle;
    use super::*;
    use proptest::prelude::*;

    /// The table over `items` answers every probe as the scan does, one at a time and in
    /// lock step.
    fn agrees<K: Key>(items: &[(K, K)], probes: &[K]) -> Result<(), TestCaseError> {
        let t = RangeTable::build(items);
        let mut heads = Vec::new();
        t.heads_many(probes, &mut heads);
        prop_assert_eq!(heads.len(), probes.len());
        for (&x, &h) in probes.iter().zip(&heads) {
            let want = oracle(items, x);
            prop_assert_eq!(t.covering(x).collect::<Vec<_>>(), want.clone(), "{:?}", x);
            prop_assert_eq!(t.covering_from(h).collect::<Vec<_>>(), want, "{:?}", x);
        }
        Ok(())
    }

    /// Every bound of `items`, its neighbours, and the ends of the key space.
    fn bound_probes<K: Key>(
        items: &[(K, K)],
        min: K,
        max: K,
        succ: impl Fn(K) -> K,
        pred: impl Fn(K) -> K,
    ) -> Vec<K> {
        let mut p = vec![min, max];
        for &(s, e) in items {
            p.extend([s, e, pred(s), succ(e)]);
        }
        p
    }

    proptest! {
        /// Clustered IPv4 data (many small ranges in a few narrow places, a few wide ones):
        /// buckets hold very different numbers of segments, and some probes fall before the
        /// first segment, after the last bucket or exactly on bucket edges.
        #[test]
        fn clustered_v4(
            bases in proptest::collection::vec(any::<u32>(), 1..4),
            small in proptest::collection::vec((0usize..4, 0u32..4096, 0u32..64), 1..120),
            wide in proptest::collection::vec((any::<u32>(), any::<u32>()), 0..4),
            extra in proptest::collection::vec(any::<u32>(), 0..20),
        ) {
            let mut items: Vec<(u32, u32)> = small
                .iter()
                .map(|&(c, off, len)| {
                    let s = bases[c % bases.len()].saturating_add(off);
                    (s, s.saturating_add(len))
                })
                .collect();
            items.extend(wide.iter().map(|&(a, b)| (a.min(b), a.max(b))));
            let mut probes = bound_probes(&items, 0, u32::MAX, |x| x.saturating_add(1), |x| x.saturating_sub(1));
            probes.extend(extra);
            probes.extend(bases.iter().flat_map(|&b| (0..4200u32).step_by(97).map(move |o| b.saturating_add(o))));
            agrees(&items, &probes)?;
        }

        /// The same over IPv6 keys, spread over the whole space or packed in one /64.
        #[test]
        fn clustered_v6(
            base in any::<u128>(),
            small in proptest::collection::vec((any::<u64>(), 0u128..1 << 20), 1..80),
            wide in proptest::collection::vec((any::<u128>(), any::<u128>()), 0..4),
        ) {
            let mut items: Vec<(u128, u128)> = small
                .iter()
                .map(|&(off, len)| {
                    let s = base.saturating_add(u128::from(off));
                    (s, s.saturating_add(len))
                })
                .collect();
            items.extend(wide.iter().map(|&(a, b)| (a.min(b), a.max(b))));
            let probes = bound_probes(&items, 0, u128::MAX, |x| x.saturating_add(1), |x| x.saturating_sub(1));
            agrees(&items, &probes)?;
        }
    }

    #[test]
    fn about_two_segments_a_bucket() {
        // 10,000 adjacent /24s: 10,001 segments; fewer buckets than 5,000 means 1,024
        // addresses a bucket (four /24s), 2,501 buckets.
        let items: Vec<(u32, u32)> = (0..10_000u32).map(|i| (i << 8, (i << 8) | 255)).collect();
        let t = RangeTable::build(&items);
        assert_eq!(t.segments(), 10_001);
        assert_eq!(t.shift, 10);
        assert_eq!(t.buckets.len(), 2_502);
        assert_eq!(t.window(0x12_3400), (0x1234, 0x1238));
        assert_eq!(t.window(0x12_37ff), (0x1234, 0x1238));
        assert_eq!(t.window(10_000 << 8), (10_000, 10_001));
        assert_eq!(t.window(u32::MAX), (10_001, 10_001));
        let t = RangeTable::build(&[(100u32, 200u32)]);
        assert_eq!(t.window(99), (0, 0));
        assert_eq!(t.covering(99).count(), 0);
        assert_eq!(t.covering(150).collect::<Vec<_>>(), [0]);
        assert_eq!(t.covering(201).count(), 0);
    }
}

#[cfg(test)]
mod range_index_tests {
    use super::*;
    use proptest::prelude::*;

    fn range(a: &str, b: &str) -> Option<IpRange> {
        IpRange::new(a.parse().ok()?, b.parse().ok()?)
    }

    #[test]
    fn nested_and_unaligned() {
        let mut ix = RangeIndex::default();
        let rs = [
            range("0.0.0.0", "255.255.255.255"),
            range("100.64.0.0", "100.64.31.255"),
            range("100.64.18.77", "100.64.18.88"),
            range("2001:db8::", "2001:db8::ffff"),
        ];
        for (i, r) in rs.iter().enumerate() {
            if let Some(r) = r {
                ix.insert(r, i as u32);
            }
        }
        ix.build();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ix.covering(ip("100.64.18.80")), [0, 1, 2]);
        assert_eq!(ix.covering(ip("100.64.18.89")), [0, 1]);
        assert_eq!(ix.covering(ip("2001:db8::1")), [3]);
        assert_eq!(ix.covering(ip("2001:db9::1")), Vec::<u32>::new());
    }

    #[test]
    fn nothing_is_found_before_build() {
        let mut ix = RangeIndex::default();
        if let Some(r) = range("10.0.0.0", "10.0.0.255") {
            ix.insert(&r, 7);
        }
        assert!(
            ix.covering("10.0.0.1".parse().unwrap_or(IpAddr::from([0; 4])))
                .is_empty()
        );
        ix.build();
        assert_eq!(
            ix.covering("10.0.0.1".parse().unwrap_or(IpAddr::from([0; 4]))),
            [7]
        );
    }

    proptest! {
        // The index agrees with a linear scan, overlapping and repeated ranges and ids included.
        #[test]
        fn matches_linear_scan(
            ranges in proptest::collection::vec((any::<u32>(), any::<u16>(), 0u32..8), 1..40),
            v6 in proptest::collection::vec((any::<u128>(), any::<u64>()), 0..10),
            probes in proptest::collection::vec(any::<u32>(), 1..20),
        ) {
            let mut ix = RangeIndex::default();
            let mut list = Vec::new();
            for (i, (start, len, spread)) in ranges.iter().enumerate() {
                let end = start.saturating_add(u32::from(*len) << spread);
                if let Some(r) = IpRange::new(IpAddr::from(start.to_be_bytes()), IpAddr::from(end.to_be_bytes())) {
                    // Ids repeat: two ranges under one id are reported once.
                    let id = (i / 2) as u32;
                    ix.insert(&r, id);
                    list.push((id, r));
                }
            }
            for (j, (start, len)) in v6.iter().enumerate() {
                let end = start.saturating_add(u128::from(*len));
                if let Some(r) = IpRange::new(IpAddr::from(start.to_be_bytes()), IpAddr::from(end.to_be_bytes())) {
                    let id = 1000 + j as u32;
                    ix.insert(&r, id);
                    list.push((id, r));
                }
            }
            ix.build();
            let mut ips: Vec<IpAddr> = probes.iter().map(|p| IpAddr::from(p.to_be_bytes())).collect();
            // Probe the ranges' own bounds and their neighbours too.
            for (_, r) in &list {
                ips.push(r.start());
                ips.push(r.end());
                if let (IpAddr::V4(s), IpAddr::V4(e)) = (r.start(), r.end()) {
                    ips.push(IpAddr::from(u32::from(s).wrapping_sub(1).to_be_bytes()));
                    ips.push(IpAddr::from(u32::from(e).wrapping_add(1).to_be_bytes()));
                }
            }
            for ip in ips {
                let mut want: Vec<u32> = list.iter().filter(|(_, r)| r.contains(ip)).map(|(i, _)| *i).collect();
                want.sort_unstable();
                want.dedup();
                prop_assert_eq!(ix.covering(ip), want, "{}", ip);
            }
        }
    }
}
