//! An exact stabbing structure for arbitrary inclusive ranges: every point maps to the list of
//! ranges that cover it, smallest first.
//!
//! The ranges' boundaries cut the address line into elementary segments (adjacent segments with
//! the same covering list are merged). Each segment stores either the most specific range, whose
//! `parent` chain is the segment's exact list (always the case for nested ranges, which registry
//! data nearly always is), or, when overlapping ranges make the chain wrong, an explicit list.
//! A point is found by binary search over segment starts; for IPv4 a table on the top 16 bits
//! narrows the search to one /16.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

const NONE: u32 = u32::MAX;
const UNSET: u32 = u32::MAX - 1;
const EXPLICIT: u32 = 1 << 31;

/// A key type: `u32` for IPv4, `u128` for IPv6.
pub(crate) trait Key: Copy + Ord + std::fmt::Debug {
    /// The top 16 bits, when a bucket table is used for this width.
    fn bucket(self) -> Option<usize>;
    /// `self + 1`, `None` on overflow.
    fn succ(self) -> Option<Self>;
    /// `end - start` widened.
    fn span(start: Self, end: Self) -> u128;
}

impl Key for u32 {
    fn bucket(self) -> Option<usize> {
        Some((self >> 16) as usize)
    }
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn span(start: Self, end: Self) -> u128 {
        u128::from(end.wrapping_sub(start))
    }
}

impl Key for u128 {
    fn bucket(self) -> Option<usize> {
        None
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
    /// For IPv4: `buckets[b]` is the first segment whose start is `>= b << 16`; 65537 entries.
    buckets: Vec<u32>,
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
            segs,
            parent,
            lists,
            buckets: Vec::new(),
        };
        table.build_buckets();
        table.segs.shrink_to_fit();
        table.lists.shrink_to_fit();
        table
    }

    fn build_buckets(&mut self) {
        if self.segs.first().and_then(|s| s.0.bucket()).is_none() {
            return;
        }
        let mut buckets = vec![0u32; 65537];
        let mut seg = 0usize;
        for (b, slot) in buckets.iter_mut().enumerate() {
            while self
                .segs
                .get(seg)
                .and_then(|s| s.0.bucket())
                .is_some_and(|sb| sb < b)
            {
                seg += 1;
            }
            *slot = seg as u32;
        }
        self.buckets = buckets;
    }

    /// Index of the segment holding `x`, if any.
    #[inline]
    fn segment(&self, x: K) -> Option<usize> {
        let (lo, hi) = match x.bucket() {
            Some(b) if !self.buckets.is_empty() => (
                self.buckets.get(b).copied().unwrap_or(0) as usize,
                self.buckets
                    .get(b + 1)
                    .copied()
                    .unwrap_or(self.segs.len() as u32) as usize,
            ),
            _ => (0, self.segs.len()),
        };
        let window = self.segs.get(lo..hi).unwrap_or_default();
        let pos = lo + window.partition_point(|&(s, _)| s <= x);
        pos.checked_sub(1)
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
    fn covering_from(&self, head: u32) -> Covering<'_> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn oracle(items: &[(u32, u32)], x: u32) -> Vec<u32> {
        let mut v: Vec<u32> = (0..items.len() as u32)
            .filter(|&i| items[i as usize].0 <= x && x <= items[i as usize].1)
            .collect();
        v.sort_by_key(|&i| {
            (
                u32::span(items[i as usize].0, items[i as usize].1),
                Reverse(items[i as usize].0),
                i,
            )
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
