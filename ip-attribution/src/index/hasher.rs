//! The hash maps of the index's handles, ranges and AS numbers: foldhash's fast hasher,
//! seeded per process.
//!
//! SipHash, std's default, spent most of the index build hashing a million handles. The Fx
//! hash (rustc's multiply-rotate) that replaced it was as fast to build with but clustered
//! generated handles (`ORG-C12x3-GEN`, `CR12x3-GEN`: the same prefix, digits in the last
//! bytes of a word): every handle look-up of the engine's evidence walked long probe
//! sequences comparing strings, about a third of the time of
//! [`RegistryIndex::evidence_networks`](super::RegistryIndex::evidence_networks) over the
//! generated registry of 1M networks. foldhash mixes every input word into the whole state at
//! about Fx's speed, and its per-process seed keeps a crafted dump from choosing collisions.
//! Nothing reads these maps in iteration order, so the seed changes no answer.

/// A `HashMap` with foldhash's fast hasher (per-process random seed).
pub(crate) type FastHashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A `HashSet` with the same hasher (also the knowledge's placeholder addresses, asked for
/// every mailbox the engine reads).
pub(crate) type FastHashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn distinguishes_handles_and_tails() {
        let s = foldhash::fast::RandomState::default();
        assert_ne!(s.hash_one("ORG-A1-RIPE"), s.hash_one("ORG-A2-RIPE"));
        assert_ne!(s.hash_one("ABCDEFGH1"), s.hash_one("ABCDEFGH2"));
        assert_eq!(s.hash_one("AS1-RIPE"), s.hash_one("AS1-RIPE"));
        let mut m: FastHashMap<String, u32> = FastHashMap::default();
        for i in 0..1000u32 {
            m.insert(format!("R{i}-RIPE"), i);
        }
        assert_eq!(m.len(), 1000);
        assert_eq!(m.get("R999-RIPE"), Some(&999));
    }
}
