//! The ranges of one kind of snapshot object (registry networks, RDAP networks, routes) and
//! the lookup of those covering an address.
//!
//! Ranges are collected while the snapshot loads and then built once into the registry index's
//! exact stabbing tables ([`crate::index`]'s `RangeTable`: elementary segments, binary search,
//! a /16 bucket table for IPv4), so the snapshot and [`crate::index::RegistryIndex`] answer
//! "which ranges cover this address" with the same code.

use std::net::IpAddr;

use crate::index::ranges::RangeTable;
use crate::rpsl::IpRange;

/// Ranges with caller ids, both families; [`Self::build`] must run after the last
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
