//! The opt-in TLS certificate probe (`--tls-probe`): the chain a server presents, recorded as
//! seen (PEM, leaf first). Nothing is verified here; the daily run judges the chain later
//! against its trust anchors.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

/// Records any chain: the probe observes, it does not trust.
#[derive(Debug)]
struct Observe(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Observe {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// PEM text of DER certificates, leaf first.
pub(crate) fn to_pem(ders: &[Vec<u8>]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for der in ders {
        let mut b64 = String::with_capacity(der.len() * 4 / 3 + 4);
        for chunk in der.chunks(3) {
            let b = [
                chunk.first().copied().unwrap_or(0),
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    let idx = ((n >> (18 - 6 * i)) & 63) as usize;
                    b64.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
                } else {
                    b64.push('=');
                }
            }
        }
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let bytes = b64.as_bytes();
        for line in bytes.chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

/// Connects to `ip:port`, completes a TLS handshake and returns the presented chain as PEM.
///
/// # Errors
///
/// A message for a failed connection or handshake, or a server that presents no certificate.
pub(crate) async fn chain(
    ip: IpAddr,
    port: u16,
    connect_timeout: Duration,
) -> Result<String, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Observe(provider)))
        .with_no_client_auth();
    let sa = SocketAddr::new(ip, port);
    let tcp = tokio::time::timeout(connect_timeout, tokio::net::TcpStream::connect(sa))
        .await
        .map_err(|_| format!("connect {sa}: timeout"))?
        .map_err(|e| format!("connect {sa}: {e}"))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tls = connector
        .connect(ServerName::IpAddress(ip.into()), tcp)
        .await
        .map_err(|e| format!("TLS handshake with {sa}: {e}"))?;
    let (_, conn) = tls.get_ref();
    let ders: Vec<Vec<u8>> = conn
        .peer_certificates()
        .unwrap_or_default()
        .iter()
        .map(|c| c.as_ref().to_vec())
        .collect();
    if ders.is_empty() {
        return Err(format!("{sa} presented no certificate"));
    }
    Ok(to_pem(&ders))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_base64_matches_the_rfc_vectors() {
        let pem = to_pem(&[b"foobar".to_vec(), b"fo".to_vec()]);
        assert!(pem.contains("\nZm9vYmFy\n"));
        assert!(pem.contains("\nZm8=\n"));
        assert_eq!(pem.matches("BEGIN CERTIFICATE").count(), 2);
    }
}
