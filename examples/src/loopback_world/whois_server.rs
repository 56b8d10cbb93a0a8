//! Port-43 WHOIS servers over TCP: one query line in, one answer out, connection closed.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::{Admission, Fault, ServerState};

/// Longest query line read.
const MAX_QUERY_BYTES: usize = 1024;
/// Time a client has to send its query line.
const QUERY_TIMEOUT: Duration = Duration::from_secs(10);

/// What a server answers a query with.
pub(super) type Answerer = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// The text registries send when a client went over their limits.
pub(super) fn limit_text(label: &str, peer: &str) -> String {
    if label.contains("arin") {
        "#\n# ARIN WHOIS data and services are subject to the Terms of Use\n#\n\nQuery rate limit exceeded. Please try again later.\n\n".to_owned()
    } else if label.contains("lacnic") {
        "\n% Joint Whois - whois.lacnic.net\n\nQuery rate limit exceeded. Please wait 60 seconds.\n\n".to_owned()
    } else if label.contains("iana") {
        "% IANA WHOIS server\n% Query rate limit exceeded. Please try again later.\n\n".to_owned()
    } else {
        format!(
            "% This is the RIPE Database query service.\n% The objects are in RPSL format.\n\n%ERROR:201: access denied for {peer}\n%\n% Queries from your IP address have passed the daily limit of controlled objects.\n% Access from your host has been temporarily denied.\n% For more information, see\n% https://docs.db.ripe.net/FAQ/#why-did-i-receive-an-error-201-access-denied\n\n% This query was served by the RIPE Database Query Service version 1.120 (LOOPBACK)\n\n\n"
        )
    }
}

/// A garbled answer: binary bytes, a broken object, an over-long line.
pub(super) fn malformed_bytes() -> Vec<u8> {
    let mut out = b"\x00\xff\xfe% garbled\r\ninetnum:        192.0.2.0 -\n\x01\x02 broken line without a colon\n+continuation with nothing before\n".to_vec();
    out.extend(std::iter::repeat_n(b'x', 70_000));
    out.push(b'\n');
    out
}

/// Serves `listener` until the task is dropped.
pub(super) async fn serve(listener: TcpListener, state: Arc<ServerState>, answer: Answerer) {
    loop {
        let Ok((mut stream, peer)) = listener.accept().await else {
            continue;
        };
        let state = state.clone();
        let answer = answer.clone();
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(128);
            let read = tokio::time::timeout(QUERY_TIMEOUT, async {
                let mut chunk = [0u8; 256];
                while !buf.contains(&b'\n') && buf.len() < MAX_QUERY_BYTES {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
                    }
                }
            })
            .await;
            if read.is_err() || buf.is_empty() {
                return;
            }
            let query = String::from_utf8_lossy(&buf);
            let query = query.lines().next().unwrap_or("").trim().to_owned();
            let limited = state.admit() == Admission::Limited;
            let mut bytes = if limited {
                limit_text(&state.label, &peer.ip().to_string()).into_bytes()
            } else {
                answer(&query).into_bytes()
            };
            match state.fault {
                Some(Fault::Silent) => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
                Some(Fault::Malformed) if !limited => bytes = malformed_bytes(),
                Some(Fault::Oversized(n)) if !limited => {
                    while bytes.len() < n {
                        bytes.extend_from_slice(
                            b"% padding: this server answers more than any client should read\n",
                        );
                    }
                }
                _ => {}
            }
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        });
    }
}
