//! OpenPGP/MIME signing (RFC 3156): a [`Signer`] holds the service's
//! secret key; a [`Renderer`](super::Renderer) built
//! [`with_signer`](super::Renderer::with_signer) writes every message as
//!
//! ```text
//! multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"
//! ├── multipart/mixed (the notice as without signing, headers included)
//! └── application/pgp-signature (signature.asc)
//! ```
//!
//! The signature is a detached OpenPGP binary signature (SHA-256, version 4)
//! over the exact bytes of the first part: its MIME headers, the empty line
//! and its body, with CRLF line ends, up to but not including the CRLF
//! before the next boundary (RFC 3156 section 5). Every body is
//! quoted-printable and every header ASCII, so the signed part is 7-bit and
//! survives relays unchanged. The signature's creation time is the `now`
//! given to the renderer, so the same notice signs to the same bytes.

use chrono::{DateTime, Utc};
use pgp::composed::{
    ArmorOptions, Deserializable, DetachedSignature, SignedPublicKey, SignedSecretKey,
};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{SignatureConfig, SignatureType, Subpacket, SubpacketData};
use pgp::types::{KeyDetails, KeyVersion, Password, Timestamp};

use crate::error::{Error, Result};

/// The `micalg` parameter for the hash the signer uses.
pub(super) const MICALG: &str = "pgp-sha256";

/// Longest armored secret key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 64 * 1024;

/// Signs messages with an OpenPGP secret key (version 4, a primary key that
/// can sign, not protected by a passphrase: a service signs unattended).
#[derive(Debug, Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "openpgp")))]
pub struct Signer {
    key: SignedSecretKey,
}

fn signing_error(message: impl std::fmt::Display) -> Error {
    Error::signing(message.to_string())
}

impl Signer {
    /// A signer from an ASCII-armored secret key (`-----BEGIN PGP PRIVATE KEY BLOCK-----`).
    ///
    /// # Errors
    /// [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge) over [`MAX_KEY_BYTES`]; [`ErrorKind::Signing`](crate::ErrorKind::Signing) for
    /// text that is not such a key, a key that is not version 4, or one that
    /// cannot sign (checked by signing a test text).
    pub fn from_armored(armored: &str) -> Result<Signer> {
        if armored.len() > MAX_KEY_BYTES {
            return Err(Error::too_large(
                "signing key".to_string(),
                MAX_KEY_BYTES,
                armored.len(),
            ));
        }
        let (key, _) = SignedSecretKey::from_armor_single(armored.as_bytes())
            .map_err(|e| signing_error(format!("not an armored OpenPGP secret key: {e}")))?;
        if key.primary_key.version() != KeyVersion::V4 {
            return Err(signing_error("only version 4 keys are supported"));
        }
        let created = i64::from(key.primary_key.created_at().as_secs());
        let signer = Signer { key };
        let at = DateTime::<Utc>::from_timestamp(created, 0).unwrap_or_default();
        signer.sign(b"test", at)?;
        Ok(signer)
    }

    /// The key's fingerprint, in upper-case hex.
    pub fn fingerprint(&self) -> String {
        format!("{:X}", self.key.primary_key.fingerprint())
    }

    /// The public key, ASCII-armored, to publish on the service's web page.
    ///
    /// # Errors
    /// [`ErrorKind::Signing`](crate::ErrorKind::Signing) if armoring fails.
    pub fn public_key_armored(&self) -> Result<String> {
        let public = SignedPublicKey::from(self.key.clone());
        public
            .to_armored_string(ArmorOptions::default())
            .map_err(signing_error)
    }

    /// An ASCII-armored detached signature over `data`, created at `now`.
    ///
    /// # Errors
    /// [`ErrorKind::Signing`](crate::ErrorKind::Signing) if the key cannot sign, or was made after `now`
    /// (verifiers refuse a signature older than its key).
    pub fn sign(&self, data: &[u8], now: DateTime<Utc>) -> Result<String> {
        let key = &self.key.primary_key;
        if now.timestamp() < i64::from(key.created_at().as_secs()) {
            return Err(signing_error(format!(
                "the key was made after the signing time {now}; check the clock"
            )));
        }
        let mut config = SignatureConfig::v4(
            SignatureType::Binary,
            key.algorithm(),
            HashAlgorithm::Sha256,
        );
        let secs = u32::try_from(now.timestamp().max(0)).unwrap_or(u32::MAX);
        config.hashed_subpackets = vec![
            Subpacket::regular(SubpacketData::SignatureCreationTime(Timestamp::from_secs(
                secs,
            )))
            .map_err(signing_error)?,
            Subpacket::regular(SubpacketData::IssuerFingerprint(key.fingerprint()))
                .map_err(signing_error)?,
        ];
        config.unhashed_subpackets = vec![
            Subpacket::regular(SubpacketData::IssuerKeyId(key.legacy_key_id()))
                .map_err(signing_error)?,
        ];
        let signature = config
            .sign(key, &Password::empty(), data)
            .map_err(signing_error)?;
        DetachedSignature::new(signature)
            .to_armored_string(ArmorOptions::default())
            .map_err(signing_error)
    }
}
