//! Per-server rate-limit bookkeeping, sans-IO (documented on [`Politeness`]).

use std::collections::HashMap;
use std::time::Duration;

/// How often and how many at once one server may be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerLimit {
    /// Least time between the starts of two queries.
    pub interval: Duration,
    /// Most queries in flight at once.
    pub concurrency: usize,
}

impl ServerLimit {
    /// A limit of one query per `interval`, `concurrency` at once (at least 1).
    pub fn new(interval: Duration, concurrency: usize) -> ServerLimit {
        ServerLimit {
            interval,
            concurrency: concurrency.max(1),
        }
    }
}

/// The protocol a server is asked over (the default limits differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// Port-43 WHOIS.
    Whois,
    /// RDAP over HTTP(S).
    Rdap,
    /// HTTPS (security.txt) or a TLS probe.
    Https,
}

/// The default limit for `host` over `protocol` (see the module docs).
pub(crate) fn default_limit(host: &str, protocol: Protocol) -> ServerLimit {
    let h = host.to_ascii_lowercase();
    let has = |w: &str| h.split(['.', '-']).any(|l| l == w);
    match protocol {
        Protocol::Rdap | Protocol::Https => ServerLimit::new(Duration::from_millis(250), 2),
        Protocol::Whois if has("lacnic") => ServerLimit::new(Duration::from_millis(6500), 1),
        Protocol::Whois if has("ripe") || has("apnic") || has("afrinic") || has("arin") => {
            ServerLimit::new(Duration::from_millis(500), 1)
        }
        Protocol::Whois => ServerLimit::new(Duration::from_secs(1), 1),
    }
}

/// Longest back-off after refusals.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(300);

#[derive(Debug, Clone)]
struct Book {
    limit: ServerLimit,
    next_start: Duration,
    /// Refusals in a row (0 after a success).
    strikes: u32,
    queued: usize,
    refusals: usize,
}

/// The bookkeeping of every server's pace.
///
/// Per-server rate-limit bookkeeping, sans-IO: when the next query to a server may start, how
/// far to back off after a refusal, and the default limits.
///
/// Time is a [`Duration`] since an origin the caller chooses (the adapter uses the start of
/// the run); nothing here reads a clock.
///
/// # Default limits
///
/// | server (host name contains)   | one query per | at once | why                                   |
/// |-------------------------------|---------------|---------|---------------------------------------|
/// | `lacnic`                      | 6.5 s         | 1       | LACNIC allows 10 WHOIS queries a minute |
/// | `ripe`, `apnic`, `afrinic`    | 0.5 s         | 1       | RIPE blocks "excessive querying"; stay far below |
/// | `arin`                        | 0.5 s         | 1       | ARIN throttles bulk queries           |
/// | `iana`                        | 1 s           | 1       | one answer covers a whole /8          |
/// | any other WHOIS server        | 1 s           | 1       | unknown servers get the gentlest pace |
/// | an RDAP or HTTPS host         | 0.25 s        | 2       | RDAP services answer 429 above ~10/s  |
///
/// Every limit can be replaced per host ([`Politeness::set_limit`]).
#[derive(Debug, Clone, Default)]
pub struct Politeness {
    books: HashMap<String, Book>,
    overrides: HashMap<String, ServerLimit>,
    backoff_base: Option<Duration>,
}

impl Politeness {
    /// Bookkeeping with the default limits.
    pub fn new() -> Politeness {
        Politeness::default()
    }

    /// Replace the limit of one host (lower case).
    pub fn set_limit(&mut self, host: &str, limit: ServerLimit) {
        let host = host.to_ascii_lowercase();
        if let Some(book) = self.books.get_mut(&host) {
            book.limit = limit;
        }
        self.overrides.insert(host, limit);
    }

    /// Set the first back-off after a refusal (default 2 s; it doubles per refusal in a row).
    pub fn set_backoff_base(&mut self, base: Duration) {
        self.backoff_base = Some(base);
    }

    /// The limit that applies to `host`.
    pub fn limit(&self, host: &str, protocol: Protocol) -> ServerLimit {
        let host = host.to_ascii_lowercase();
        self.overrides
            .get(&host)
            .copied()
            .unwrap_or_else(|| default_limit(&host, protocol))
    }

    fn book(&mut self, host: &str, protocol: Protocol) -> &mut Book {
        let limit = self.limit(host, protocol);
        self.books.entry(host.to_ascii_lowercase()).or_insert(Book {
            limit,
            next_start: Duration::ZERO,
            strikes: 0,
            queued: 0,
            refusals: 0,
        })
    }

    /// Reserves the next start slot of `host` at or after `now`; returns how long to wait.
    pub fn reserve(&mut self, host: &str, protocol: Protocol, now: Duration) -> Duration {
        let book = self.book(host, protocol);
        let start = book.next_start.max(now);
        book.next_start = start + book.limit.interval;
        start - now
    }

    /// A query to `host` was answered normally: the back-off is forgotten.
    pub fn success(&mut self, host: &str, protocol: Protocol) {
        self.book(host, protocol).strikes = 0;
    }

    /// `host` refused or rate-limited us at `now`; returns how long to wait before asking it
    /// again (`retry_after` when the server said, else an exponential back-off), and pushes
    /// the server's next slot that far.
    pub fn refused(
        &mut self,
        host: &str,
        protocol: Protocol,
        now: Duration,
        retry_after: Option<Duration>,
    ) -> Duration {
        let base = self.backoff_base.unwrap_or(Duration::from_secs(2));
        let book = self.book(host, protocol);
        book.refusals += 1;
        let factor = 1u32 << book.strikes.min(16);
        book.strikes = book.strikes.saturating_add(1);
        let wait = retry_after
            .unwrap_or_else(|| base.saturating_mul(factor))
            .min(MAX_BACKOFF);
        book.next_start = book.next_start.max(now + wait);
        wait
    }

    /// Count a query waiting for `host` (progress reports).
    pub fn queue(&mut self, host: &str, protocol: Protocol, delta: isize) {
        let book = self.book(host, protocol);
        book.queued = book.queued.saturating_add_signed(delta);
    }

    /// Per host: queries waiting and refusals so far, busiest first.
    pub fn queues(&self) -> Vec<(String, usize, usize)> {
        let mut v: Vec<_> = self
            .books
            .iter()
            .map(|(h, b)| (h.clone(), b.queued, b.refusals))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// Refusals so far, all servers.
    pub fn refusals(&self) -> usize {
        self.books.values().map(|b| b.refusals).sum()
    }
}

/// Reads an HTTP `Retry-After` value: delay-seconds, or an HTTP date compared with `now`
/// (Unix seconds). `None` when unusable.
pub(crate) fn parse_retry_after(value: &str, now_unix: i64) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = date.timestamp().saturating_sub(now_unix).max(0);
    Some(Duration::from_secs(u64::try_from(secs).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_interval() {
        let mut p = Politeness::new();
        p.set_limit("w.example", ServerLimit::new(Duration::from_secs(1), 1));
        let t0 = Duration::from_secs(10);
        assert_eq!(p.reserve("w.example", Protocol::Whois, t0), Duration::ZERO);
        assert_eq!(
            p.reserve("w.example", Protocol::Whois, t0),
            Duration::from_secs(1)
        );
        assert_eq!(
            p.reserve("W.EXAMPLE", Protocol::Whois, t0),
            Duration::from_secs(2)
        );
        // another server is independent
        assert_eq!(
            p.reserve("other.example", Protocol::Rdap, t0),
            Duration::ZERO
        );
        // later, the slot is free again
        assert_eq!(
            p.reserve("w.example", Protocol::Whois, Duration::from_secs(60)),
            Duration::ZERO
        );
    }

    #[test]
    fn refusals_back_off_exponentially_and_success_resets() {
        let mut p = Politeness::new();
        p.set_backoff_base(Duration::from_millis(100));
        let now = Duration::ZERO;
        assert_eq!(
            p.refused("r", Protocol::Whois, now, None),
            Duration::from_millis(100)
        );
        assert_eq!(
            p.refused("r", Protocol::Whois, now, None),
            Duration::from_millis(200)
        );
        assert_eq!(
            p.refused("r", Protocol::Whois, now, None),
            Duration::from_millis(400)
        );
        // the next slot moved behind the back-off
        assert!(p.reserve("r", Protocol::Whois, now) >= Duration::from_millis(400));
        p.success("r", Protocol::Whois);
        assert_eq!(
            p.refused("r", Protocol::Whois, now, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(
            p.refused("r", Protocol::Whois, now, Some(Duration::from_secs(9999))),
            MAX_BACKOFF
        );
        assert_eq!(p.refusals(), 5);
    }

    #[test]
    fn defaults_stay_under_published_limits() {
        let lacnic = default_limit("whois.lacnic.net", Protocol::Whois);
        assert!(lacnic.interval >= Duration::from_secs(6)); // 10 a minute
        assert_eq!(
            default_limit("whois.ripe.net", Protocol::Whois).concurrency,
            1
        );
        assert_eq!(
            default_limit("unknown.example", Protocol::Whois).interval,
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("120", 0), Some(Duration::from_secs(120)));
        let now = chrono::DateTime::parse_from_rfc2822("Wed, 21 Oct 2015 07:28:00 GMT")
            .unwrap()
            .timestamp();
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
