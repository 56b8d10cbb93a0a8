//! A lookup of address ranges covering an address, by CIDR decomposition.
//!
//! Each range is split into its CIDR blocks; a block is stored under `(family, length, network)`.
//! A query probes only the prefix lengths present, so a lookup is at most 33 (IPv4) or 129
//! (IPv6) hash probes whatever the number of ranges.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::Map as HashMap;

use crate::rpsl::IpRange;

/// The indices stored under one block: almost always one, kept without a heap allocation.
#[derive(Debug, Clone)]
enum Slot {
    One(u32),
    Many(Vec<u32>),
}

impl Slot {
    fn push(&mut self, index: u32) {
        match self {
            Slot::One(first) => *self = Slot::Many(vec![*first, index]),
            Slot::Many(v) => v.push(index),
        }
    }

    fn as_slice(&self) -> &[u32] {
        match self {
            Slot::One(i) => std::slice::from_ref(i),
            Slot::Many(v) => v,
        }
    }
}

/// Ranges by CIDR block; values are caller indices.
#[derive(Debug, Default, Clone)]
pub(crate) struct RangeIndex {
    blocks: HashMap<(bool, u8, u128), Slot>,
    lengths_v4: BTreeSet<u8>,
    lengths_v6: BTreeSet<u8>,
}

fn bits(ip: IpAddr) -> (bool, u128, u8) {
    match ip {
        IpAddr::V4(a) => (true, u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (false, u128::from(a), 128),
    }
}

fn mask(value: u128, len: u8, width: u8) -> u128 {
    if len == 0 {
        return 0;
    }
    let shift = u32::from(width - len.min(width));
    if shift >= 128 {
        0
    } else {
        (value >> shift) << shift
    }
}

impl RangeIndex {
    /// Stores `range` under `index`.
    pub(crate) fn insert(&mut self, range: &IpRange, index: u32) {
        for net in range.cidrs() {
            let (v4, value, width) = bits(net.network());
            let len = net.prefix_len();
            let key = (v4, len, mask(value, len, width));
            self.blocks
                .entry(key)
                .and_modify(|s| s.push(index))
                .or_insert(Slot::One(index));
            let lengths = if v4 {
                &mut self.lengths_v4
            } else {
                &mut self.lengths_v6
            };
            if !lengths.contains(&len) {
                lengths.insert(len);
            }
        }
    }

    /// Indices of the ranges covering `ip` (unordered, no duplicates).
    pub(crate) fn covering(&self, ip: IpAddr) -> Vec<u32> {
        let (v4, value, width) = bits(ip);
        let lengths = if v4 {
            &self.lengths_v4
        } else {
            &self.lengths_v6
        };
        let mut out = Vec::new();
        for &len in lengths {
            if let Some(v) = self.blocks.get(&(v4, len, mask(value, len, width))) {
                out.extend_from_slice(v.as_slice());
            }
        }
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
        let ip = |s: &str| s.parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ix.covering(ip("100.64.18.80")), [0, 1, 2]);
        assert_eq!(ix.covering(ip("100.64.18.89")), [0, 1]);
        assert_eq!(ix.covering(ip("2001:db8::1")), [3]);
        assert_eq!(ix.covering(ip("2001:db9::1")), Vec::<u32>::new());
    }

    proptest! {
        // The index agrees with a linear scan.
        #[test]
        fn matches_linear_scan(ranges in proptest::collection::vec((any::<u32>(), any::<u16>()), 1..20), probe in any::<u32>()) {
            let mut ix = RangeIndex::default();
            let mut list = Vec::new();
            for (i, (start, len)) in ranges.iter().enumerate() {
                let end = start.saturating_add(u32::from(*len));
                if let Some(r) = IpRange::new(IpAddr::from(start.to_be_bytes()), IpAddr::from(end.to_be_bytes())) {
                    ix.insert(&r, i as u32);
                    list.push((i as u32, r));
                }
            }
            let ip = IpAddr::from(probe.to_be_bytes());
            let want: Vec<u32> = list.iter().filter(|(_, r)| r.contains(ip)).map(|(i, _)| *i).collect();
            prop_assert_eq!(ix.covering(ip), want);
        }
    }
}
