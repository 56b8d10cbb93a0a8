//! RDAP bootstrap (RFC 9224), sans-IO: IANA's `ipv4.json`/`ipv6.json`/`asn.json` service
//! registries, and the most specific service for an address.
//!
//! A bundled copy ([`Bootstrap::bundled`]) is built in; a directory with fresher files
//! replaces it (`collect --rdap-bootstrap DIR`).

use std::net::IpAddr;

use ipnet::IpNet;

use crate::{Error, ErrorKind};

/// Largest bootstrap file read.
pub const MAX_BOOTSTRAP_BYTES: usize = 4 << 20;

/// IANA's ipv4.json, as bundled (RFC 9224 format; one service per RIR, its /8s), from IANA's
/// files of 2026-10-01 (their `publication`).
pub(crate) const BUNDLED_IPV4: &str = include_str!("bootstrap/ipv4.json");
/// IANA's ipv6.json, as bundled.
pub(crate) const BUNDLED_IPV6: &str = include_str!("bootstrap/ipv6.json");

/// Services by prefix.
#[derive(Debug, Clone, Default)]
pub struct Bootstrap {
    entries: Vec<(IpNet, Vec<String>)>,
    /// `publication` of the files read.
    pub publication: Vec<String>,
}

impl Bootstrap {
    /// The bundled copy of IANA's files.
    ///
    /// # Errors
    ///
    /// Never in a release (the bundled files are tested); [`ErrorKind::Json`] otherwise.
    pub fn bundled() -> Result<Bootstrap, Error> {
        let mut b = Bootstrap::default();
        b.add_file(BUNDLED_IPV4.as_bytes(), "bundled ipv4.json")?;
        b.add_file(BUNDLED_IPV6.as_bytes(), "bundled ipv6.json")?;
        Ok(b)
    }

    /// Adds the services of one bootstrap file (RFC 9224 §3). Entries that are not IP
    /// prefixes (AS ranges of `asn.json`) are ignored.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::TooLarge`] over [`MAX_BOOTSTRAP_BYTES`], [`ErrorKind::Json`] for invalid JSON,
    /// [`ErrorKind::Input`] when `services` is missing.
    pub fn add_file(&mut self, bytes: &[u8], source_name: &str) -> Result<(), Error> {
        if bytes.len() > MAX_BOOTSTRAP_BYTES {
            return Err(Error::new(
                source_name.to_owned(),
                0,
                ErrorKind::TooLarge {
                    what: "RDAP bootstrap bytes",
                    max: MAX_BOOTSTRAP_BYTES,
                    len: bytes.len(),
                },
            ));
        }
        let doc: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| Error::json(source_name, &e))?;
        if let Some(p) = doc.get("publication").and_then(|p| p.as_str()) {
            self.publication.push(p.to_owned());
        }
        let services = doc
            .get("services")
            .and_then(|s| s.as_array())
            .ok_or_else(|| {
                Error::new(
                    source_name.to_owned(),
                    0,
                    ErrorKind::Input {
                        message: "no \"services\" array (RFC 9224 section 3)".to_owned(),
                    },
                )
            })?;
        for service in services {
            let Some(parts) = service.as_array() else {
                continue;
            };
            let (Some(prefixes), Some(urls)) = (parts.first(), parts.get(1)) else {
                continue;
            };
            let urls: Vec<String> = urls
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| u.as_str())
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .map(str::to_owned)
                .collect();
            if urls.is_empty() {
                continue;
            }
            for p in prefixes.as_array().into_iter().flatten() {
                if let Some(net) = p.as_str().and_then(|p| p.trim().parse::<IpNet>().ok()) {
                    self.entries.push((net.trunc(), urls.clone()));
                }
            }
        }
        Ok(())
    }

    /// The service URLs for `ip` from the longest matching prefix, https first.
    pub fn services(&self, ip: IpAddr) -> Vec<String> {
        let best = self
            .entries
            .iter()
            .filter(|(net, _)| net.contains(&ip))
            .max_by_key(|(net, _)| net.prefix_len());
        let mut urls = best.map(|b| b.1.clone()).unwrap_or_default();
        urls.sort_by_key(|u| !u.starts_with("https://"));
        urls
    }

    /// Number of prefixes known.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no prefix is known.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The RDAP query URL for `ip` at service `base` (RFC 9082 §3.1.1: `<base>ip/<address>`).
pub(crate) fn ip_query_url(base: &str, ip: IpAddr) -> String {
    if base.ends_with('/') {
        format!("{base}ip/{ip}")
    } else {
        format!("{base}/ip/{ip}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_specific_service_wins() {
        let mut b = Bootstrap::default();
        b.add_file(
            br#"{"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[
                [["192.0.0.0/8"],["http://wide.example/rdap/","https://wide.example/rdap/"]],
                [["192.0.2.0/24","198.51.100.0/24"],["https://narrow.example:8443/"]],
                [["AS1-AS2"],["https://asn.example/"]],
                ["broken"],
                [["2001:db8::/32"],["ftp://nope.example/"]]
            ]}"#,
            "t",
        )
        .unwrap();
        assert_eq!(
            b.services("192.0.2.9".parse().unwrap()),
            ["https://narrow.example:8443/"]
        );
        assert_eq!(
            b.services("192.1.0.1".parse().unwrap()),
            ["https://wide.example/rdap/", "http://wide.example/rdap/"]
        );
        assert!(b.services("2001:db8::1".parse().unwrap()).is_empty());
        assert!(b.services("10.0.0.1".parse().unwrap()).is_empty());
        assert_eq!(b.publication, ["2026-01-01T00:00:00Z"]);
        assert_eq!(
            ip_query_url("https://r.example/x", "192.0.2.1".parse().unwrap()),
            "https://r.example/x/ip/192.0.2.1"
        );
        assert!(matches!(
            b.add_file(b"{", "bad").map_err(Error::into_kind),
            Err(ErrorKind::Json { .. })
        ));
        assert!(matches!(
            b.add_file(b"{}", "bad").map_err(Error::into_kind),
            Err(ErrorKind::Input { .. })
        ));
    }

    #[test]
    fn bundled_copy_reads_and_knows_the_rirs() {
        let b = Bootstrap::bundled().unwrap();
        assert!(b.services("193.0.6.139".parse().unwrap())[0].contains("ripe"));
        assert!(b.services("8.8.8.8".parse().unwrap())[0].contains("arin"));
        assert!(b.services("200.3.14.10".parse().unwrap())[0].contains("lacnic"));
        assert!(b.services("2001:67c::1".parse().unwrap())[0].contains("ripe"));
    }
}
