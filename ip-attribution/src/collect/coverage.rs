//! Which addresses an answer already covers, sans-IO: one registry answer speaks for its whole
//! range, so no other address inside it is asked about again.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::rpsl::IpRange;

/// How many ranges starting at or below an address are examined (ranges nest rarely; a lookup
/// stays bounded however many ranges are known).
const SCAN: usize = 64;

fn key(ip: IpAddr) -> (u8, u128) {
    match ip {
        IpAddr::V4(v4) => (4, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (6, u128::from(v6)),
    }
}

/// Ranges known to be answered, each with a value (where the answer is kept).
#[derive(Debug, Clone)]
pub(crate) struct Coverage<V> {
    by_start: BTreeMap<(u8, u128), Vec<(IpRange, V)>>,
}

impl<V> Default for Coverage<V> {
    fn default() -> Self {
        Coverage {
            by_start: BTreeMap::new(),
        }
    }
}

impl<V: Clone> Coverage<V> {
    /// No range.
    pub(crate) fn new() -> Coverage<V> {
        Coverage::default()
    }

    /// Adds a range (a repeated range replaces the earlier value).
    pub(crate) fn insert(&mut self, range: IpRange, value: V) {
        let slot = self.by_start.entry(key(range.start())).or_default();
        if let Some(existing) = slot.iter_mut().find(|(r, _)| *r == range) {
            existing.1 = value;
        } else {
            slot.push((range, value));
        }
    }

    /// The most specific known range holding `ip`, with its value.
    pub(crate) fn lookup(&self, ip: IpAddr) -> Option<(IpRange, V)> {
        let k = key(ip);
        let mut best: Option<&(IpRange, V)> = None;
        for (_, slot) in self.by_start.range((k.0, 0)..=k).rev().take(SCAN) {
            for entry in slot {
                if entry.0.contains(ip) && best.is_none_or(|b| entry.0.span() < b.0.span()) {
                    best = Some(entry);
                }
            }
        }
        best.cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> IpRange {
        IpRange::parse(s).unwrap()
    }

    #[test]
    fn most_specific_wins_and_families_do_not_mix() {
        let mut c = Coverage::new();
        c.insert(r("192.0.2.0/24"), "big");
        c.insert(r("192.0.2.64/26"), "small");
        c.insert(r("2001:db8::/32"), "v6");
        assert_eq!(c.lookup("192.0.2.70".parse().unwrap()).unwrap().1, "small");
        assert_eq!(c.lookup("192.0.2.1".parse().unwrap()).unwrap().1, "big");
        assert!(c.lookup("192.0.3.1".parse().unwrap()).is_none());
        assert_eq!(c.lookup("2001:db8::1".parse().unwrap()).unwrap().1, "v6");
        assert!(c.lookup("::ffff:192.0.2.1".parse().unwrap()).is_none());
        c.insert(r("192.0.2.64/26"), "again");
        assert_eq!(c.by_start.values().map(Vec::len).sum::<usize>(), 3);
        assert_eq!(c.lookup("192.0.2.70".parse().unwrap()).unwrap().1, "again");
    }
}
