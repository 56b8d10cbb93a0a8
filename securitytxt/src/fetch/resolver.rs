//! The DNS resolver the HTTP client connects through: overrides for tests, then the system
//! resolver, then the address check, so the address refused or allowed is the one connected to.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::address::is_public;

/// Every address of a host is non-public and those are not allowed.
#[derive(Debug)]
pub(crate) struct RefusedAddress {
    pub(crate) host: String,
    pub(crate) addr: IpAddr,
}

impl fmt::Display for RefusedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} resolves to the non-public address {} only",
            self.host, self.addr
        )
    }
}

impl std::error::Error for RefusedAddress {}

/// The host name does not resolve.
#[derive(Debug)]
pub(crate) struct DnsFailure {
    pub(crate) host: String,
    pub(crate) reason: String,
}

impl fmt::Display for DnsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} does not resolve: {}", self.host, self.reason)
    }
}

impl std::error::Error for DnsFailure {}

#[derive(Debug, Clone)]
pub(crate) struct GuardedResolver {
    pub(crate) overrides: Arc<HashMap<String, Vec<SocketAddr>>>,
    pub(crate) allow_private: bool,
}

impl GuardedResolver {
    /// Keeps the allowed addresses; an error when none is left.
    pub(crate) fn filter(
        &self,
        host: &str,
        addrs: Vec<SocketAddr>,
    ) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let Some(first) = addrs.first().copied() else {
            return Err(Box::new(DnsFailure {
                host: host.to_owned(),
                reason: "no address".to_owned(),
            }));
        };
        if self.allow_private {
            return Ok(addrs);
        }
        let public: Vec<SocketAddr> = addrs.into_iter().filter(|a| is_public(a.ip())).collect();
        if public.is_empty() {
            return Err(Box::new(RefusedAddress {
                host: host.to_owned(),
                addr: first.ip(),
            }));
        }
        Ok(public)
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let this = self.clone();
        Box::pin(async move {
            let addrs = match this.overrides.get(&host) {
                Some(addrs) => addrs.clone(),
                None => {
                    let looked_up = tokio::net::lookup_host((host.as_str(), 0)).await;
                    match looked_up {
                        Ok(addrs) => addrs.collect(),
                        Err(e) => {
                            return Err(Box::new(DnsFailure {
                                host: host.clone(),
                                reason: e.to_string(),
                            })
                                as Box<dyn std::error::Error + Send + Sync>);
                        }
                    }
                }
            };
            let allowed = this.filter(&host, addrs)?;
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(allow_private: bool) -> GuardedResolver {
        GuardedResolver {
            overrides: Arc::new(HashMap::new()),
            allow_private,
        }
    }

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn private_addresses_are_dropped_and_refused_when_alone() {
        let mixed = addrs(&["10.0.0.1:443", "93.184.215.14:443", "[fd00::1]:443"]);
        assert_eq!(
            resolver(false)
                .filter("mixed.example", mixed.clone())
                .unwrap(),
            addrs(&["93.184.215.14:443"])
        );
        assert_eq!(
            resolver(true)
                .filter("mixed.example", mixed.clone())
                .unwrap(),
            mixed
        );
        let err = resolver(false)
            .filter("inner.example", addrs(&["192.168.1.1:443", "[::1]:443"]))
            .unwrap_err();
        let refused = err.downcast_ref::<RefusedAddress>().unwrap();
        assert_eq!(refused.addr.to_string(), "192.168.1.1");
        assert!(err.to_string().contains("inner.example"));
    }

    #[test]
    fn no_address_is_a_dns_failure() {
        let err = resolver(true)
            .filter("empty.example", Vec::new())
            .unwrap_err();
        assert!(err.downcast_ref::<DnsFailure>().is_some());
    }
}
