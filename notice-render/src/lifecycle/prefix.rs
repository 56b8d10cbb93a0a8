//! IP addresses and prefixes as acknowledgements name them.

use std::net::IpAddr;

/// An IP prefix: an address and a prefix length (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Prefix {
    /// The network address (host bits cleared).
    pub addr: IpAddr,
    /// Prefix length.
    pub len: u8,
}

fn bits(ip: IpAddr) -> (u128, u8, bool) {
    match ip {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32, false),
        IpAddr::V6(a) => (u128::from(a), 128, true),
    }
}

fn mask(v: u128, len: u8, width: u8) -> u128 {
    if len == 0 {
        0
    } else {
        let shift = u32::from(width - len);
        (v >> shift) << shift
    }
}

impl Prefix {
    /// Parses `ADDR` or `ADDR/LEN`; `None` when it is neither.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (a, len) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let (v, width, v6) = bits(addr);
        let len = len.unwrap_or(width);
        if len > width {
            return None;
        }
        let m = mask(v, len, width);
        let addr = if v6 {
            IpAddr::V6(m.into())
        } else {
            IpAddr::V4(u32::try_from(m).ok()?.into())
        };
        Some(Self { addr, len })
    }

    /// True when `ip` is inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (v, width, v6) = bits(ip);
        let (n, nwidth, nv6) = bits(self.addr);
        v6 == nv6 && width == nwidth && mask(v, self.len, width) == n
    }

    /// As [`Self::contains`], for an address as text (false when it is not one).
    pub fn contains_text(&self, ip: &str) -> bool {
        ip.trim().parse().is_ok_and(|ip| self.contains(ip))
    }
}

impl std::fmt::Display for Prefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_contain_their_addresses() {
        let p = Prefix::parse("192.0.2.77/24").unwrap();
        assert_eq!(p.to_string(), "192.0.2.0/24");
        assert!(p.contains_text("192.0.2.1"));
        assert!(!p.contains_text("192.0.3.1"));
        assert!(!p.contains_text("2001:db8::1"));
        let one = Prefix::parse("192.0.2.10").unwrap();
        assert!(one.contains_text("192.0.2.10") && !one.contains_text("192.0.2.11"));
        let v6 = Prefix::parse("2001:db8::/32").unwrap();
        assert!(v6.contains_text("2001:db8:1::5"));
        assert!(
            Prefix::parse("0.0.0.0/0")
                .unwrap()
                .contains_text("203.0.113.1")
        );
        assert!(Prefix::parse("192.0.2.0/33").is_none());
        assert!(Prefix::parse("nonsense").is_none());
    }
}
