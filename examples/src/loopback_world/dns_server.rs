//! The world's DNS server: hickory-server in-process, UDP and TCP, one zone at the root holding
//! every PTR, A and AAAA record of the world.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::rr::rdata::{A, AAAA, PTR, SOA};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use tokio::net::{TcpListener, UdpSocket};

use super::{Fault, ServerState, WorldError};

/// Time to live of every record served.
const TTL: u32 = 3600;

/// One record of the world's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ZoneRecord {
    /// PTR of an address.
    Ptr(IpAddr, String),
    /// A or AAAA of a name.
    Address(String, IpAddr),
}

fn name(text: &str) -> Option<Name> {
    let text = text.trim().trim_end_matches('.');
    Name::from_ascii(format!("{text}.")).ok()
}

/// Builds the zone; records whose name does not parse are returned as problems.
fn zone(records: &[ZoneRecord]) -> Result<(InMemoryZoneHandler, Vec<String>), WorldError> {
    let mut handler = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
        Name::root(),
        ZoneType::Primary,
        AxfrPolicy::Deny,
    );
    let mut problems = Vec::new();
    let serial = 20_261_122;
    let soa = SOA::new(
        Name::from_ascii("ns.world.test.").map_err(|e| WorldError::Dns(e.to_string()))?,
        Name::from_ascii("hostmaster.world.test.").map_err(|e| WorldError::Dns(e.to_string()))?,
        serial,
        3600,
        600,
        86400,
        TTL,
    );
    handler.upsert_mut(
        Record::from_rdata(Name::root(), TTL, RData::SOA(soa)),
        serial,
    );
    for r in records {
        let record = match r {
            ZoneRecord::Ptr(ip, target) => match name(target) {
                Some(t) => Record::from_rdata(Name::from(*ip), TTL, RData::PTR(PTR(t))),
                None => {
                    problems.push(format!("PTR {ip} -> {target:?}: not a DNS name"));
                    continue;
                }
            },
            ZoneRecord::Address(n, ip) => {
                let Some(owner) = name(n) else {
                    problems.push(format!("{n:?} -> {ip}: not a DNS name"));
                    continue;
                };
                let data = match ip {
                    IpAddr::V4(v4) => RData::A(A(*v4)),
                    IpAddr::V6(v6) => RData::AAAA(AAAA(*v6)),
                };
                Record::from_rdata(owner, TTL, data)
            }
        };
        handler.upsert_mut(record, serial);
    }
    Ok((handler, problems))
}

/// Counts each query, applies the server's fault, then answers from the catalog.
struct CountingHandler {
    catalog: Catalog,
    state: Arc<ServerState>,
}

#[async_trait::async_trait]
impl RequestHandler for CountingHandler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        response_handle: R,
    ) -> ResponseInfo {
        self.state.admit();
        match self.state.fault {
            Some(Fault::Silent) => tokio::time::sleep(Duration::from_secs(3600)).await,
            Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
            _ => {}
        }
        self.catalog
            .handle_request::<R, T>(request, response_handle)
            .await
    }
}

/// Starts the DNS server on `udp` and `tcp`; the returned server runs until dropped.
pub(super) fn start(
    records: &[ZoneRecord],
    state: Arc<ServerState>,
    udp: UdpSocket,
    tcp: TcpListener,
) -> Result<(Server<impl RequestHandler>, Vec<String>), WorldError> {
    let (zone, problems) = zone(records)?;
    let mut catalog = Catalog::new();
    let handlers: Vec<Arc<dyn ZoneHandler>> = vec![Arc::new(zone)];
    catalog.upsert(LowerName::from(Name::root()), handlers);
    let mut server = Server::new(CountingHandler { catalog, state });
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(10), 64 * 1024);
    Ok((server, problems))
}
