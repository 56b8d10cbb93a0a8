//! Address ranges and e-mail values as registries write them.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// An inclusive range of IP addresses of one family, `start <= end`.
///
/// Registry ranges need not be CIDR aligned (`192.0.2.10 - 192.0.2.45`), so the range is the
/// primary form and [`IpRange::cidrs`] gives its exact CIDR decomposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IpRange {
    start: IpAddr,
    end: IpAddr,
}

impl IpRange {
    /// A range from `start` to `end` inclusive; `None` when the families differ or `start > end`.
    pub fn new(start: IpAddr, end: IpAddr) -> Option<Self> {
        match (start, end) {
            (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => Some(Self { start, end }),
            (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => Some(Self { start, end }),
            _ => None,
        }
    }

    /// The range covered by a CIDR prefix.
    pub fn from_net(net: IpNet) -> Self {
        Self {
            start: net.network(),
            end: net.broadcast(),
        }
    }

    /// First address.
    pub fn start(&self) -> IpAddr {
        self.start
    }

    /// Last address.
    pub fn end(&self) -> IpAddr {
        self.end
    }

    /// True for an IPv4 range.
    pub fn is_ipv4(&self) -> bool {
        self.start.is_ipv4()
    }

    /// True when `ip` lies in the range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.start, self.end, ip) {
            (IpAddr::V4(a), IpAddr::V4(b), IpAddr::V4(x)) => a <= x && x <= b,
            (IpAddr::V6(a), IpAddr::V6(b), IpAddr::V6(x)) => a <= x && x <= b,
            _ => false,
        }
    }

    /// Number of addresses minus one (`end - start`), as a `u128` for both families.
    pub fn span(&self) -> u128 {
        addr_to_u128(self.end) - addr_to_u128(self.start)
    }

    /// The range as one CIDR prefix, when it is exactly one.
    pub fn as_cidr(&self) -> Option<IpNet> {
        match self.cidrs().as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The smallest list of CIDR prefixes that cover exactly this range, in address order.
    pub fn cidrs(&self) -> Vec<IpNet> {
        let bits: u32 = if self.is_ipv4() { 32 } else { 128 };
        let mut out = Vec::new();
        let mut cur = addr_to_u128(self.start);
        let end = addr_to_u128(self.end);
        loop {
            // Largest block aligned at `cur` that does not pass `end`.
            let align = if cur == 0 {
                bits
            } else {
                cur.trailing_zeros().min(bits)
            };
            let remaining = end - cur; // size - 1
            let fit = if remaining == u128::MAX {
                128
            } else {
                127 - (remaining + 1).leading_zeros()
            };
            let host_bits = align.min(fit).min(bits);
            let prefix_len = u8::try_from(bits - host_bits).unwrap_or(0);
            let net = if self.is_ipv4() {
                let a = Ipv4Addr::from(u32::try_from(cur).unwrap_or(0));
                Ipv4Net::new(a, prefix_len).map(IpNet::V4)
            } else {
                Ipv6Net::new(Ipv6Addr::from(cur), prefix_len).map(IpNet::V6)
            };
            if let Ok(net) = net {
                out.push(net);
            }
            let block_last = if host_bits >= 128 {
                u128::MAX
            } else {
                cur + ((1u128 << host_bits) - 1)
            };
            if block_last >= end {
                break;
            }
            cur = block_last + 1;
        }
        out
    }

    /// Parses the forms registries use for a network's primary key:
    /// `a - b` (any alignment), CIDR `a/len` (host bits are cleared), a single address,
    /// and LACNIC short forms with missing trailing octets (`148.204/16`, `200.3.12/22`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Some((a, b)) = text.split_once('-') {
            let a: IpAddr = a.trim().parse().ok()?;
            let b: IpAddr = b.trim().parse().ok()?;
            return Self::new(a, b);
        }
        if let Some((addr, len)) = text.split_once('/') {
            let len: u8 = len.trim().parse().ok()?;
            let addr = addr.trim();
            let ip = match addr.parse::<IpAddr>() {
                Ok(ip) => ip,
                Err(_) => IpAddr::V4(short_ipv4(addr)?),
            };
            let net = IpNet::new(ip, len).ok()?.trunc();
            return Some(Self::from_net(net));
        }
        let ip: IpAddr = text.parse().ok()?;
        Self::new(ip, ip)
    }
}

impl fmt::Display for IpRange {
    /// `start - end`, the RIPE `inetnum` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} - {}", self.start, self.end)
    }
}

impl From<IpNet> for IpRange {
    fn from(net: IpNet) -> Self {
        Self::from_net(net)
    }
}

/// LACNIC's dotted IPv4 with trailing zero octets left out: `148.204` is `148.204.0.0`.
fn short_ipv4(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut n = 0;
    for part in text.split('.') {
        let slot = octets.get_mut(n)?;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
        n += 1;
    }
    if n == 0 {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// An address as a number: IPv4 in the low 32 bits.
pub(crate) fn addr_to_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    }
}

/// E-mail addresses that registries put in place of real ones; never a contact.
pub(crate) const DUMMY_MAILBOXES: &[&str] = &["unread@ripe.net"];

/// The bare address in an e-mail value as registries write it, or `None` when there is none.
///
/// Handles `abuse@x <abuse@x>`, `"Name" <x@y>`, `Name <x@y>`, `x@y (Name)`, `mailto:x@y` and
/// surrounding spaces. The domain is lower-cased; the local part is kept as written. Addresses in
/// registries put in place of real ones (RIPE's dummified `unread@ripe.net`) give `None`.
pub fn normalise_mailbox(value: &str) -> Option<String> {
    let mut v = value.trim();
    if let (Some(open), Some(close)) = (v.rfind('<'), v.rfind('>'))
        && open < close
    {
        v = v.get(open + 1..close)?.trim();
    }
    if let Some(paren) = v.find('(') {
        v = v.get(..paren)?.trim();
    }
    if v.len() > 7
        && v.get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
    {
        v = v.get(7..)?;
    }
    let v = v.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    let (local, domain) = v.rsplit_once('@')?;
    if local.is_empty()
        || domain.is_empty()
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || v.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        || domain.contains('@')
    {
        return None;
    }
    let mut out = String::with_capacity(v.len());
    out.push_str(local);
    out.push('@');
    let at = out.len();
    out.push_str(domain);
    if let Some(d) = out.get_mut(at..) {
        d.make_ascii_lowercase();
    }
    if is_dummy_mailbox(&out) {
        return None;
    }
    Some(out)
}

/// True for an address registries put in place of real ones (RIPE's dummified
/// `unread@ripe.net`), case-insensitive.
pub fn is_dummy_mailbox(addr: &str) -> bool {
    DUMMY_MAILBOXES
        .iter()
        .any(|d| d.eq_ignore_ascii_case(addr.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_short_forms() {
        let r = IpRange::parse("148.204/16").expect("short form");
        assert_eq!(r.to_string(), "148.204.0.0 - 148.204.255.255");
        let r = IpRange::parse("200.3.12/22").expect("short form");
        assert_eq!(r.to_string(), "200.3.12.0 - 200.3.15.255");
        assert!(IpRange::parse("10.0.0.9 - 10.0.0.1").is_none());
        assert!(IpRange::parse("10.0.0.1 - ::1").is_none());
        assert!(IpRange::parse("1.2.3.4.5/8").is_none());
        let r = IpRange::parse("2001:db8::/32").expect("v6");
        assert_eq!(
            r.as_cidr().map(|n| n.to_string()).as_deref(),
            Some("2001:db8::/32")
        );
    }

    #[test]
    fn cidr_decomposition_is_exact() {
        let r = IpRange::parse("100.64.204.10 - 100.64.204.45").expect("range");
        let nets: Vec<String> = r.cidrs().iter().map(ToString::to_string).collect();
        assert_eq!(
            nets,
            [
                "100.64.204.10/31",
                "100.64.204.12/30",
                "100.64.204.16/28",
                "100.64.204.32/29",
                "100.64.204.40/30",
                "100.64.204.44/31"
            ]
        );
        let all = IpRange::parse("0.0.0.0 - 255.255.255.255").expect("all");
        assert_eq!(all.cidrs().len(), 1);
        let all6 = IpRange::parse("::/0").expect("all6");
        assert_eq!(all6.cidrs().len(), 1);
    }

    #[test]
    fn mailbox_forms() {
        assert_eq!(
            normalise_mailbox("abuse@x.test <abuse@x.test>").as_deref(),
            Some("abuse@x.test")
        );
        assert_eq!(
            normalise_mailbox("\"Abuse Desk\" <Abuse@X.Test>").as_deref(),
            Some("Abuse@x.test")
        );
        assert_eq!(
            normalise_mailbox("abuse@x.test (Abuse Desk)").as_deref(),
            Some("abuse@x.test")
        );
        assert_eq!(
            normalise_mailbox("mailto:abuse@x.test").as_deref(),
            Some("abuse@x.test")
        );
        assert_eq!(normalise_mailbox("unread@ripe.net"), None);
        assert_eq!(normalise_mailbox("no address here"), None);
        assert_eq!(normalise_mailbox("a b@c.d"), None);
    }
}
