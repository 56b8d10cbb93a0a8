//! Port-43 WHOIS protocol logic, sans-IO: which server style a host speaks, what to send it,
//! what its answer means (data, a referral, a refusal or rate limit, nothing), and which range
//! an answer covers.

use std::net::IpAddr;

use crate::engine::Knowledge;
use crate::rpsl::{IpRange, RpslObject, RpslReader};

/// The default first server asked.
pub(crate) const DEFAULT_ROOT: &str = "whois.iana.org";
/// The default WHOIS port.
pub(crate) const DEFAULT_PORT: u16 = 43;
/// Most referrals followed for one address (the root's included).
pub const MAX_REFERRALS: usize = 6;

/// The dialect a WHOIS server speaks, which decides the query sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub(crate) enum ServerStyle {
    /// IANA: the plain address; answers with `refer:`.
    Iana,
    /// ARIN: `n + <ip>` (network with its organisation and contacts).
    Arin,
    /// RIPE-style (RIPE NCC, AFRINIC, APNIC): `-L <ip>`, the less-specific objects too.
    Ripe,
    /// LACNIC: the plain address (no `-L`).
    Lacnic,
    /// A server of unknown style: the plain address, style learned from its answer.
    Unknown,
}

impl ServerStyle {
    /// The style a host name suggests (`whois.arin.net` → [`ServerStyle::Arin`]).
    pub(crate) fn from_host(host: &str) -> ServerStyle {
        let h = host.to_ascii_lowercase();
        let has = |word: &str| {
            h.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|label| label == word)
        };
        if has("iana") {
            ServerStyle::Iana
        } else if has("arin") {
            ServerStyle::Arin
        } else if has("ripe") || has("afrinic") || has("apnic") {
            ServerStyle::Ripe
        } else if has("lacnic") || has("registro") {
            ServerStyle::Lacnic
        } else {
            ServerStyle::Unknown
        }
    }

    /// The style an answer's shape shows, when it shows one.
    pub(crate) fn from_answer(answer: &str) -> Option<ServerStyle> {
        let lower = answer.to_ascii_lowercase();
        let line_starts = |p: &str| lower.lines().any(|l| l.trim_start().starts_with(p));
        if lower.contains("arin whois data") || line_starts("netrange:") {
            Some(ServerStyle::Arin)
        } else if lower.contains("lacnic") && line_starts("owner:") {
            Some(ServerStyle::Lacnic)
        } else if lower.contains("% this is the ripe database")
            || lower.contains("afrinic whois")
            || lower.contains("apnic whois")
            || lower.contains("% information related to")
        {
            Some(ServerStyle::Ripe)
        } else if lower.contains("% iana whois server") {
            Some(ServerStyle::Iana)
        } else {
            None
        }
    }

    /// The query line (without the line end) asking this style about `ip`.
    pub(crate) fn query(self, ip: IpAddr) -> String {
        match self {
            ServerStyle::Arin => format!("n + {ip}"),
            ServerStyle::Ripe => format!("-L {ip}"),
            ServerStyle::Iana | ServerStyle::Lacnic | ServerStyle::Unknown => ip.to_string(),
        }
    }

    /// The registry name used in saved answers' file names (`whois-<rir>-<ip>.txt`), from the
    /// host name, else the answer's shape; `other` when neither tells.
    pub(crate) fn rir_name(host: &str, answer: &str) -> String {
        let h = host.to_ascii_lowercase();
        for rir in ["arin", "ripe", "apnic", "afrinic", "lacnic", "iana"] {
            if h.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|l| l == rir)
            {
                return rir.to_owned();
            }
        }
        let lower = answer.to_ascii_lowercase();
        for (needle, rir) in [
            ("source:         ripe", "ripe"),
            ("source: ripe", "ripe"),
            ("afrinic", "afrinic"),
            ("apnic", "apnic"),
            ("lacnic", "lacnic"),
            ("arin", "arin"),
            ("ripe", "ripe"),
        ] {
            if lower.contains(needle) {
                return rir.to_owned();
            }
        }
        "other".to_owned()
    }
}

/// A WHOIS server: host name (or address literal) and port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct WhoisServer {
    /// Host name, lower case, or an address literal.
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl WhoisServer {
    /// Parses `host`, `host:port`, `[v6]:port`, `whois://host[:port]`, `rwhois://host:port`;
    /// a missing port is `default_port`. `None` for an empty or unusable value.
    pub fn parse(text: &str, default_port: u16) -> Option<WhoisServer> {
        let mut t = text.trim();
        for scheme in ["whois://", "rwhois://"] {
            if t.len() >= scheme.len()
                && t.get(..scheme.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(scheme))
            {
                t = t.get(scheme.len()..).unwrap_or_default();
            }
        }
        let t = t.split(['/', ' ', '\t']).next().unwrap_or_default();
        if t.is_empty() {
            return None;
        }
        let (host, port) = if let Some(rest) = t.strip_prefix('[') {
            let (h, after) = rest.split_once(']')?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().ok()?,
                None => default_port,
            };
            (h, port)
        } else if t.matches(':').count() == 1 {
            let (h, p) = t.split_once(':')?;
            (h, p.parse().ok()?)
        } else {
            (t, default_port)
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let valid = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
        if !valid || port == 0 {
            return None;
        }
        Some(WhoisServer { host, port })
    }
}

impl std::fmt::Display for WhoisServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// What an answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum AnswerKind {
    /// Registry data for the address (keep it).
    Data,
    /// Ask this server next; `covers` is the range the referral speaks for, when given.
    Referral {
        /// The server referred to.
        server: WhoisServer,
        /// The range the referral is for (IANA's `inetnum:`), when the answer names one.
        covers: Option<IpRange>,
    },
    /// The server refuses or limits us (RIPE `%ERROR:201`, ARIN/LACNIC limit texts): back off.
    RateLimited(String),
    /// The server refused the query for another reason (bad query, unsupported flag).
    Refused(String),
    /// No data for the address.
    NotFound,
    /// Nothing usable: empty or not a WHOIS answer at all.
    Malformed(String),
}

const LIMIT_TEXTS: &[&str] = &[
    "%error:201",
    "access denied",
    "query rate limit",
    "rate limit exceeded",
    "limit exceeded",
    "too many queries",
    "too many requests",
    "query limit",
    "exceeded the query limit",
    "exceeded allowed connection rate",
    "please try again later",
    "temporarily denied",
    "try again later",
];

const REFUSAL_TEXTS: &[&str] = &[
    "%error:",
    "invalid query",
    "unknown option",
    "invalid option",
    "not authorised",
    "not authorized",
];

const NOT_FOUND_TEXTS: &[&str] = &[
    "%error:101",
    "no entries found",
    "no match found",
    "no match for",
    "not found",
];

/// Reads an answer of `server` (style `style`) to a query about `ip`.
pub(crate) fn classify(
    answer: &str,
    ip: IpAddr,
    style: ServerStyle,
    default_port: u16,
) -> AnswerKind {
    let lower = answer.to_ascii_lowercase();
    if lower.trim().is_empty() {
        return AnswerKind::Malformed("empty answer".to_owned());
    }
    let comment_lines = || {
        lower
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with('%') || l.starts_with('#') || !l.contains(':'))
    };
    let networks = covering_networks(answer, ip);
    // A limit text only counts when the answer holds no data (a RIPE answer whose remarks say
    // "access denied" for another reason still has its objects).
    if networks.is_empty() {
        for line in lower.lines() {
            if LIMIT_TEXTS.iter().any(|t| line.contains(t))
                && !NOT_FOUND_TEXTS.iter().any(|t| line.contains(t))
            {
                return AnswerKind::RateLimited(first_line_with(answer, line));
            }
        }
    }
    if let Some(server) = referral(answer, default_port) {
        let real_data = networks.iter().any(|n| !n.1);
        if !real_data || style == ServerStyle::Iana {
            return AnswerKind::Referral {
                server,
                covers: networks.first().map(|n| n.0),
            };
        }
    }
    if !networks.is_empty() {
        return AnswerKind::Data;
    }
    if comment_lines().any(|l| NOT_FOUND_TEXTS.iter().any(|t| l.contains(t))) {
        return AnswerKind::NotFound;
    }
    if let Some(line) = lower
        .lines()
        .find(|l| REFUSAL_TEXTS.iter().any(|t| l.contains(t)))
    {
        return AnswerKind::Refused(first_line_with(answer, line));
    }
    if lower.lines().any(|l| {
        let l = l.trim_start();
        !l.starts_with('%') && !l.starts_with('#') && l.contains(':')
    }) {
        // Objects, but none covers the address: the server has nothing for it.
        return AnswerKind::NotFound;
    }
    AnswerKind::Malformed("no WHOIS objects in the answer".to_owned())
}

fn first_line_with(answer: &str, lower_line: &str) -> String {
    answer
        .lines()
        .find(|l| l.to_ascii_lowercase() == lower_line)
        .unwrap_or(lower_line)
        .trim()
        .chars()
        .take(200)
        .collect()
}

/// The referral an answer makes: IANA `refer:`/`whois:`, ARIN `ReferralServer:`, or a
/// `% referto:`-style line; `None` without one.
pub(crate) fn referral(answer: &str, default_port: u16) -> Option<WhoisServer> {
    for line in answer.lines() {
        let line = line.trim_start_matches(['%', '#', ' ', '\t']);
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "refer" | "whois" | "referralserver" | "rwhois" | "referto" | "refer-to"
        ) && let Some(server) = WhoisServer::parse(value, default_port)
        {
            return Some(server);
        }
    }
    None
}

/// The networks in an answer that contain `ip`, smallest first, each with whether it is a
/// placeholder (IANA block, whole space, non-managed block).
pub(crate) fn covering_networks(answer: &str, ip: IpAddr) -> Vec<(IpRange, bool, Option<String>)> {
    let mut out = Vec::new();
    for object in RpslReader::from_slice("answer", answer.as_bytes()).flatten() {
        if let RpslObject::Network(net) = object
            && net.range.contains(ip)
        {
            let placeholder = Knowledge::builtin_ref().placeholder_reason(&net).is_some();
            out.push((net.range, placeholder, net.status.clone()));
        }
    }
    out.sort_by_key(|n| n.0.span());
    out
}

/// Statuses of leaf assignments: no registry object below them is expected, so their answer
/// speaks for every address in the range. Sub-allocations (RIPE `SUB-ALLOCATED PA`) and
/// re-allocations (ARIN `Reallocated`) are not leaves: their holder assigns inside them, and
/// an answer for one address says nothing of the assignments that hold the others.
const LEAF_STATUSES: &[&str] = &[
    "assigned pa",
    "assigned pi",
    "assigned anycast",
    "assigned",
    "reassigned",
    "direct assignment",
    "assignment",
];

/// The range a data answer speaks for, for every address in it: the most specific network
/// that contains `ip` when it is a leaf assignment (see the module docs); `None` when only
/// `ip` itself is known (an allocation may hold more specific assignments for other
/// addresses).
pub(crate) fn answer_covers(answer: &str, ip: IpAddr) -> Option<IpRange> {
    let nets = covering_networks(answer, ip);
    let (range, placeholder, status) = nets.into_iter().find(|n| !n.1)?;
    if placeholder {
        return None;
    }
    let status = status?.to_ascii_lowercase();
    LEAF_STATUSES
        .iter()
        .any(|s| status.trim() == *s)
        .then_some(range)
}

/// Whether the answer holds a non-placeholder network for `ip` (so RDAP is not needed).
pub(crate) fn has_network(answer: &str, ip: IpAddr) -> bool {
    covering_networks(answer, ip).iter().any(|n| !n.1)
}

/// Whether an answer of a server of unknown style should be asked again in its own dialect:
/// `Some(style)` when the answer shows a style whose query differs from the plain one and it
/// lacks what that query adds (RIPE less-specifics, ARIN's organisation details).
pub(crate) fn ask_again_as(answer: &str, ip: IpAddr, asked: ServerStyle) -> Option<ServerStyle> {
    if asked != ServerStyle::Unknown {
        return None;
    }
    match ServerStyle::from_answer(answer)? {
        ServerStyle::Ripe if covering_networks(answer, ip).len() < 2 => Some(ServerStyle::Ripe),
        ServerStyle::Arin if !answer.contains("OrgName:") && !answer.contains("CustName:") => {
            Some(ServerStyle::Arin)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn styles_from_names_and_queries() {
        assert_eq!(ServerStyle::from_host("whois.iana.org"), ServerStyle::Iana);
        assert_eq!(ServerStyle::from_host("whois.arin.net"), ServerStyle::Arin);
        assert_eq!(ServerStyle::from_host("WHOIS.RIPE.NET"), ServerStyle::Ripe);
        assert_eq!(ServerStyle::from_host("whois.apnic.net"), ServerStyle::Ripe);
        assert_eq!(
            ServerStyle::from_host("whois.afrinic.net"),
            ServerStyle::Ripe
        );
        assert_eq!(
            ServerStyle::from_host("whois.lacnic.net"),
            ServerStyle::Lacnic
        );
        assert_eq!(
            ServerStyle::from_host("rwhois.example.net"),
            ServerStyle::Unknown
        );
        // a word inside a label does not count
        assert_eq!(
            ServerStyle::from_host("whois.stripe.example"),
            ServerStyle::Unknown
        );
        assert_eq!(ServerStyle::Arin.query(ip("192.0.2.1")), "n + 192.0.2.1");
        assert_eq!(ServerStyle::Ripe.query(ip("2001:db8::1")), "-L 2001:db8::1");
        assert_eq!(ServerStyle::Lacnic.query(ip("192.0.2.1")), "192.0.2.1");
    }

    #[test]
    fn servers_parse_in_every_referral_form() {
        let s = |h: &str, p| {
            Some(WhoisServer {
                host: h.to_owned(),
                port: p,
            })
        };
        assert_eq!(
            WhoisServer::parse("whois.ripe.net", 43),
            s("whois.ripe.net", 43)
        );
        assert_eq!(
            WhoisServer::parse(" whois://whois.ripe.net ", 4343),
            s("whois.ripe.net", 4343)
        );
        assert_eq!(
            WhoisServer::parse("rwhois://rwhois.example.net:4321", 43),
            s("rwhois.example.net", 4321)
        );
        assert_eq!(
            WhoisServer::parse("whois://W.Example:1043/", 43),
            s("w.example", 1043)
        );
        assert_eq!(
            WhoisServer::parse("127.0.0.1:5043", 43),
            s("127.0.0.1", 5043)
        );
        assert_eq!(WhoisServer::parse("[::1]:5043", 43), s("::1", 5043));
        assert_eq!(WhoisServer::parse("", 43), None);
        assert_eq!(WhoisServer::parse("host:notaport", 43), None);
        assert_eq!(WhoisServer::parse("bad host!", 43), s("bad", 43));
        assert_eq!(WhoisServer::parse("h:0", 43), None);
        assert_eq!(s("::1", 43).unwrap().to_string(), "[::1]:43");
    }

    #[test]
    fn iana_referral() {
        let answer = "% IANA WHOIS server\n% for more information on IANA, visit http://www.iana.org\n\nrefer:        whois.ripe.net\n\ninetnum:      203.0.0.0 - 203.255.255.255\norganisation: APNIC\nstatus:       ALLOCATED\n\nwhois:        whois.apnic.net\n\nsource:       IANA\n";
        match classify(answer, ip("203.0.113.5"), ServerStyle::Iana, 43) {
            AnswerKind::Referral { server, covers } => {
                assert_eq!(server.host, "whois.ripe.net");
                assert_eq!(server.port, 43);
                assert_eq!(covers, IpRange::parse("203.0.0.0 - 203.255.255.255"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn arin_referral_server_and_data() {
        let answer = "NetRange: 198.51.100.0 - 198.51.100.255\nCIDR: 198.51.100.0/24\nNetName: X\nNetHandle: NET-1\nNetType: Direct Allocation\n\nReferralServer:  rwhois://rwhois.example.net:4321\n";
        // with data that is not a placeholder, the data is kept and the referral not followed
        assert_eq!(
            classify(answer, ip("198.51.100.7"), ServerStyle::Arin, 43),
            AnswerKind::Data
        );
        assert_eq!(
            referral(answer, 43),
            Some(WhoisServer {
                host: "rwhois.example.net".into(),
                port: 4321
            })
        );
        let only = "#\n# ARIN WHOIS data\n#\nReferralServer: whois://whois.lacnic.net\n";
        assert!(matches!(
            classify(only, ip("198.51.100.7"), ServerStyle::Arin, 4343),
            AnswerKind::Referral { server, .. } if server.port == 4343 && server.host == "whois.lacnic.net"
        ));
    }

    #[test]
    fn limits_refusals_and_nothing() {
        let ripe = "%ERROR:201: access denied for 192.0.2.77\n%\n% Sorry, access from your host has been permanently\n% denied because of a repeated excessive querying.\n";
        assert!(
            matches!(classify(ripe, ip("192.0.2.1"), ServerStyle::Ripe, 43), AnswerKind::RateLimited(m) if m.starts_with("%ERROR:201"))
        );
        let arin = "Query rate limit exceeded. Please try again later.\n";
        assert!(matches!(
            classify(arin, ip("192.0.2.1"), ServerStyle::Arin, 43),
            AnswerKind::RateLimited(_)
        ));
        let lacnic = "% Query rate limit exceeded\n";
        assert!(matches!(
            classify(lacnic, ip("192.0.2.1"), ServerStyle::Lacnic, 43),
            AnswerKind::RateLimited(_)
        ));
        let bad = "%ERROR:111: invalid option supplied\n";
        assert!(matches!(
            classify(bad, ip("192.0.2.1"), ServerStyle::Ripe, 43),
            AnswerKind::Refused(_)
        ));
        let none = "%ERROR:101: no entries found\n%\n% No entries found in source RIPE.\n";
        assert_eq!(
            classify(none, ip("192.0.2.1"), ServerStyle::Ripe, 43),
            AnswerKind::NotFound
        );
        assert_eq!(
            classify(
                "No match found for n + 192.0.2.1.\n",
                ip("192.0.2.1"),
                ServerStyle::Arin,
                43
            ),
            AnswerKind::NotFound
        );
        assert!(matches!(
            classify("  \n", ip("192.0.2.1"), ServerStyle::Ripe, 43),
            AnswerKind::Malformed(_)
        ));
        assert!(matches!(
            classify("\u{0}\u{1}garbage", ip("192.0.2.1"), ServerStyle::Ripe, 43),
            AnswerKind::Malformed(_)
        ));
    }

    #[test]
    fn coverage_only_for_leaf_assignments() {
        let leaf = "inetnum: 192.0.2.0 - 192.0.2.63\nnetname: CUST\nstatus: ASSIGNED PA\nsource: RIPE\n\ninetnum: 192.0.2.0 - 192.0.2.255\nnetname: LIR\nstatus: ALLOCATED PA\nsource: RIPE\n";
        assert_eq!(
            answer_covers(leaf, ip("192.0.2.9")),
            IpRange::parse("192.0.2.0 - 192.0.2.63")
        );
        assert!(has_network(leaf, ip("192.0.2.9")));
        let alloc =
            "inetnum: 192.0.2.0 - 192.0.2.255\nnetname: LIR\nstatus: ALLOCATED PA\nsource: RIPE\n";
        assert_eq!(answer_covers(alloc, ip("192.0.2.9")), None);
        let placeholder = "inetnum: 0.0.0.0 - 255.255.255.255\nnetname: IANA-BLK\nstatus: ALLOCATED UNSPECIFIED\nsource: RIPE\n";
        assert_eq!(answer_covers(placeholder, ip("192.0.2.9")), None);
        assert!(!has_network(placeholder, ip("192.0.2.9")));
        // a sub-allocation or re-allocation holds its customers' assignments: not a leaf
        let sub = "inetnum: 192.0.2.0 - 192.0.2.127\nnetname: RESELLER\nstatus: SUB-ALLOCATED PA\nsource: RIPE\n";
        assert_eq!(answer_covers(sub, ip("192.0.2.9")), None);
        assert!(has_network(sub, ip("192.0.2.9")));
        let arin = "NetRange: 192.0.2.0 - 192.0.2.127\nCIDR: 192.0.2.0/25\nNetName: RESELLER\nNetHandle: NET-192-0-2-0-2\nNetType: Reallocated\n";
        assert_eq!(answer_covers(arin, ip("192.0.2.9")), None);
    }

    #[test]
    fn unknown_servers_are_asked_again_in_their_dialect() {
        let ripe = "% This is the RIPE Database query service.\n\ninetnum: 192.0.2.0 - 192.0.2.63\nnetname: CUST\nstatus: ASSIGNED PA\nsource: RIPE\n";
        assert_eq!(
            ask_again_as(ripe, ip("192.0.2.1"), ServerStyle::Unknown),
            Some(ServerStyle::Ripe)
        );
        assert_eq!(ask_again_as(ripe, ip("192.0.2.1"), ServerStyle::Ripe), None);
        let arin = "NetRange: 198.51.100.0 - 198.51.100.255\nNetName: X\nNetHandle: NET-1\n";
        assert_eq!(
            ask_again_as(arin, ip("198.51.100.1"), ServerStyle::Unknown),
            Some(ServerStyle::Arin)
        );
        assert_eq!(ServerStyle::rir_name("whois.example", ripe), "ripe");
        assert_eq!(ServerStyle::rir_name("whois.arin.net", ""), "arin");
        assert_eq!(ServerStyle::rir_name("whois.example", "x"), "other");
    }
}
