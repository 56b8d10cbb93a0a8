//! Which IP addresses are public: the fetcher refuses to connect to any other unless the caller
//! allows it (stops a security.txt fetch from reaching internal services, also via DNS
//! rebinding, since the check applies to the resolved address actually connected to).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is a public unicast address: not unspecified, loopback, private (RFC 1918),
/// shared (CGNAT, 100.64.0.0/10), link-local, documentation or benchmarking ranges, IETF
/// protocol assignments, multicast, broadcast or reserved; for IPv6 only global unicast
/// (2000::/3) outside the documentation and special-purpose blocks counts, and addresses that
/// embed an IPv4 address (v4-mapped, NAT64, 6to4) are judged by the embedded address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn in_v4(ip: u32, net: [u8; 4], prefix: u32) -> bool {
    let net = u32::from_be_bytes(net);
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    ip & mask == net & mask
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let n = u32::from(ip);
    const BLOCKED: &[([u8; 4], u32)] = &[
        ([0, 0, 0, 0], 8),       // "this network", unspecified
        ([10, 0, 0, 0], 8),      // private
        ([100, 64, 0, 0], 10),   // shared address space (CGNAT)
        ([127, 0, 0, 0], 8),     // loopback
        ([169, 254, 0, 0], 16),  // link-local
        ([172, 16, 0, 0], 12),   // private
        ([192, 0, 0, 0], 24),    // IETF protocol assignments
        ([192, 0, 2, 0], 24),    // TEST-NET-1 (documentation)
        ([192, 88, 99, 0], 24),  // 6to4 relay anycast (deprecated)
        ([192, 168, 0, 0], 16),  // private
        ([198, 18, 0, 0], 15),   // benchmarking
        ([198, 51, 100, 0], 24), // TEST-NET-2 (documentation)
        ([203, 0, 113, 0], 24),  // TEST-NET-3 (documentation)
        ([224, 0, 0, 0], 4),     // multicast
        ([240, 0, 0, 0], 4),     // reserved, and 255.255.255.255 broadcast
    ];
    !BLOCKED.iter().any(|&(net, prefix)| in_v4(n, net, prefix))
}

fn in_v6(ip: u128, net: u128, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    ip & mask == net & mask
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let n = u128::from(ip);
    // v4-mapped ::ffff:0:0/96 and NAT64 64:ff9b::/96: judged by the embedded IPv4 address.
    if in_v6(n, 0xffff_0000_0000, 96) || in_v6(n, 0x0064_ff9b << 96, 96) {
        return is_public_v4(Ipv4Addr::from((n & 0xffff_ffff) as u32));
    }
    // 6to4 2002::/16: the IPv4 address is in bits 16..48.
    if in_v6(n, 0x2002 << 112, 16) {
        return is_public_v4(Ipv4Addr::from(((n >> 80) & 0xffff_ffff) as u32));
    }
    // Only global unicast is public; everything else (unspecified, loopback, v4-compatible,
    // discard 100::/64, ULA fc00::/7, link-local fe80::/10, site-local, multicast) is not.
    if !in_v6(n, 0x2000 << 112, 3) {
        return false;
    }
    const BLOCKED: &[(u128, u32)] = &[
        (0x2001_0000 << 96, 23), // IETF protocol assignments (Teredo, ORCHID, ...)
        (0x2001_0db8 << 96, 32), // documentation
        (0x3fff << 112, 20),     // documentation (RFC 9637)
    ];
    !BLOCKED.iter().any(|&(net, prefix)| in_v6(n, net, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn ipv4_ranges() {
        for s in [
            "0.0.0.0",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "169.254.1.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.255",
            "255.255.255.255",
        ] {
            assert!(!public(s), "{s} should not be public");
        }
        for s in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.3.1",
            "193.0.6.139",
        ] {
            assert!(public(s), "{s} should be public");
        }
    }

    proptest::proptest! {
        /// An IPv6 address that embeds an IPv4 address is judged as that address.
        #[test]
        fn embedded_ipv4_is_judged_as_ipv4(n in proptest::prelude::any::<u32>()) {
            let v4 = Ipv4Addr::from(n);
            let expected = is_public(IpAddr::V4(v4));
            proptest::prop_assert_eq!(is_public(IpAddr::V6(v4.to_ipv6_mapped())), expected);
            let nat64 = Ipv6Addr::from((0x0064_ff9b_u128 << 96) | u128::from(n));
            proptest::prop_assert_eq!(is_public(IpAddr::V6(nat64)), expected);
            let six_to_four = Ipv6Addr::from((0x2002_u128 << 112) | (u128::from(n) << 80) | 1);
            proptest::prop_assert_eq!(is_public(IpAddr::V6(six_to_four)), expected);
        }

        /// Outside 2000::/3 nothing is public.
        #[test]
        fn only_global_unicast_ipv6_is_public(n in proptest::prelude::any::<u128>()) {
            let ip = Ipv6Addr::from(n);
            let embeds_v4 = (n >> 32) == 0xffff || (n >> 32) == (0x0064_ff9b_u128 << 64);
            if !embeds_v4 && (n >> 125) != 1 {
                proptest::prop_assert!(!is_public(IpAddr::V6(ip)));
            }
        }
    }

    #[test]
    fn ipv6_ranges() {
        for s in [
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::192.168.0.1",
            "2002:c0a8:0101::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "3fff::1",
            "2001::1",
            "100::1",
            "::127.0.0.1",
        ] {
            assert!(!public(s), "{s} should not be public");
        }
        for s in [
            "2a00:1450:4001::1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert!(public(s), "{s} should be public");
        }
    }
}
