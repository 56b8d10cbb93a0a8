//! OpenPGP signature verification of a signed security.txt (RFC 9116 §2.3, RFC 9580 §7).
//!
//! Sans-IO: [`verify`] takes the raw bytes of a security.txt and a [`Keyring`] of public keys the
//! caller supplies (armored, e.g. the key published at the file's `Encryption:` URI) and returns
//! an [`Outcome`]: unsigned, valid (with the fingerprint of the key that made the signature), bad,
//! unknown key, or malformed (with the line where the framing went wrong). It never panics on
//! input and allocates at most in proportion to the input.
//!
//! Without any key, [`inspect_signature`] reads the signature packets of a parsed document (the
//! validator reports what it finds as `pgp_error`), and [`verify`] with an empty keyring gives
//! [`Outcome::UnknownKey`] with the issuer's key ID for a well-formed signature.
//!
//! # Cleartext canonicalisation
//!
//! The signed text is recovered exactly as the OpenPGP Cleartext Signature Framework defines it
//! (RFC 4880 §7.1, RFC 9580 §7.2), which is what `gpg --verify` hashes:
//!
//! - dash-escaping is undone (a leading `"- "` is removed from a line);
//! - trailing spaces and tabs (and a stray carriage return) are removed from every line;
//! - lines are joined with CRLF, whatever line endings the file used (LF-only files verify);
//! - the line ending just before `-----BEGIN PGP SIGNATURE-----` is not part of the signed text.
//!
//! The text is hashed as bytes, so UTF-8 (or any other) text verifies unchanged.
//!
//! # Limits
//!
//! [`MAX_SIGNATURE_BLOCK_BYTES`], [`MAX_SIGNATURES`], [`MAX_KEYRING_BYTES`] and [`MAX_KEYS`]
//! bound the work; going over one gives [`Outcome::Malformed`] (for the file) or
//! [`crate::Error::Input`] (for the keyring).
//!
//! # Example
//!
//! ```
//! use securitytxt::verify::{verify, Keyring, Outcome};
//!
//! let keyring = Keyring::new();
//! let outcome = verify(b"Contact: mailto:security@example.com\n", &keyring);
//! assert_eq!(outcome, Outcome::Unsigned);
//! assert_eq!(outcome.as_str(), "unsigned");
//! ```

use chrono::{DateTime, Utc};
use pgp::composed::{Deserializable, DetachedSignature, SignedPublicKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{PublicKey, PublicSubkey, Signature, SignatureType};
use pgp::types::{Fingerprint, KeyDetails, KeyId, Tag, Timestamp};

use crate::signed::{
    BEGIN_SIGNATURE, BEGIN_SIGNED_MESSAGE as BEGIN_SIGNED, END_SIGNATURE, is_armor,
    trim_trailing_ws,
};
use crate::{Code, Diagnostic, Error, Span};

/// Most bytes of the armored `-----BEGIN PGP SIGNATURE-----` block (header to footer line).
///
/// A signature is a few hundred bytes; RSA-4096 with many subpackets stays well under 4 KiB.
pub const MAX_SIGNATURE_BLOCK_BYTES: usize = 16 * 1024;

/// Most signature packets in the signature block of one file.
pub const MAX_SIGNATURES: usize = 8;

/// Most bytes of armored key material one call to [`Keyring::add_armored`] accepts.
pub const MAX_KEYRING_BYTES: usize = 1024 * 1024;

/// Most certificates (primary keys) a [`Keyring`] holds, and most one call to
/// [`Keyring::add_armored`] reads.
pub const MAX_KEYS: usize = 256;

const BEGIN_KEY: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END_KEY: &str = "-----END PGP PUBLIC KEY BLOCK-----";

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidSignature {
    /// Fingerprint (upper-case hex) of the key that made the signature: a signing subkey or
    /// the primary key.
    pub fingerprint: String,
    /// Fingerprint (upper-case hex) of the primary key of the certificate that holds the
    /// signing key (equal to `fingerprint` when the primary key signed).
    pub primary_fingerprint: String,
    /// The 64-bit key ID (upper-case hex) of the signing key.
    pub key_id: String,
    /// The hash algorithm of the signature, as OpenPGP names it (`SHA256`, `SHA512`, ...).
    pub hash_algorithm: String,
    /// When the signature says it was made.
    pub created: Option<DateTime<Utc>>,
    /// 1-based line of `-----BEGIN PGP SIGNATURE-----`.
    pub line: usize,
}

/// What verification found for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The file carries no OpenPGP cleartext signature.
    Unsigned,
    /// A signature verified with a key from the keyring.
    Valid(ValidSignature),
    /// A signature names a key in the keyring but does not verify with it (the text was changed
    /// after signing, or the signature is corrupt), or it verifies with a key that has been
    /// revoked (gpg warns "this could mean that the signature is forged"), or it was made after
    /// the key expired.
    Bad {
        /// Fingerprint (upper-case hex) of the key the signature was checked against.
        fingerprint: String,
        /// Why it failed, from the OpenPGP library.
        reason: String,
        /// 1-based line of `-----BEGIN PGP SIGNATURE-----`.
        line: usize,
    },
    /// No signature names a key in the keyring: the signature cannot be checked.
    UnknownKey {
        /// The issuer of the first signature: its fingerprint (upper-case hex) when the
        /// signature carries one, otherwise its 64-bit key ID, or empty when it names no issuer.
        issuer: String,
        /// The 64-bit key ID (16 upper-case hex digits) of the first signature's issuer: from
        /// its issuer key ID subpacket, or taken from its issuer fingerprint (the low 64 bits of
        /// a v4 fingerprint, the high 64 bits of a v6 one); empty when it names no issuer.
        key_id: String,
        /// 1-based line of `-----BEGIN PGP SIGNATURE-----`.
        line: usize,
    },
    /// The file starts a cleartext signature but the framing or the signature packets are
    /// broken.
    Malformed {
        /// What is wrong.
        reason: String,
        /// 1-based line where it went wrong.
        line: usize,
    },
}

impl Outcome {
    /// The stable name of this outcome: `"unsigned"`, `"valid"`, `"bad"`, `"unknown_key"` or
    /// `"malformed"` (the value of the `"signature"` field of `sectxt-lint --key --json`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Unsigned => "unsigned",
            Outcome::Valid(_) => "valid",
            Outcome::Bad { .. } => "bad",
            Outcome::UnknownKey { .. } => "unknown_key",
            Outcome::Malformed { .. } => "malformed",
        }
    }

    /// The diagnostic code this outcome should raise, if any: `"bad_signature"` for
    /// [`Outcome::Bad`] and [`Outcome::Malformed`] (an error: the file claims a signature that
    /// does not hold), `"unknown_key"` for [`Outcome::UnknownKey`] (a warning: the signature could
    /// not be checked), `None` for unsigned and valid files.
    pub fn diagnostic_code(&self) -> Option<&'static str> {
        match self {
            Outcome::Bad { .. } | Outcome::Malformed { .. } => Some("bad_signature"),
            Outcome::UnknownKey { .. } => Some("unknown_key"),
            Outcome::Unsigned | Outcome::Valid(_) => None,
        }
    }

    /// The 1-based line the outcome refers to (the signature block, or where a malformed file
    /// went wrong); `None` for unsigned files.
    pub fn line(&self) -> Option<usize> {
        match self {
            Outcome::Unsigned => None,
            Outcome::Valid(v) => Some(v.line),
            Outcome::Bad { line, .. }
            | Outcome::UnknownKey { line, .. }
            | Outcome::Malformed { line, .. } => Some(*line),
        }
    }

    /// The finding this outcome raises, if any, positioned on the line it refers to within
    /// `input` (the bytes that were verified): [`Code::BadSignature`] (an error) for
    /// [`Outcome::Bad`] and [`Outcome::Malformed`], [`Code::UnknownKey`] (a recommendation) for
    /// [`Outcome::UnknownKey`], `None` for unsigned and valid files.
    pub fn diagnostic(&self, input: &[u8]) -> Option<Diagnostic> {
        let code = match self {
            Outcome::Bad { .. } | Outcome::Malformed { .. } => Code::BadSignature,
            Outcome::UnknownKey { .. } => Code::UnknownKey,
            Outcome::Unsigned | Outcome::Valid(_) => return None,
        };
        let span = self.line().and_then(|line| line_span(input, line));
        Some(Diagnostic::new(code, span, self.message()))
    }

    /// A one-line description for a person.
    pub fn message(&self) -> String {
        match self {
            Outcome::Unsigned => "the file is not signed".to_owned(),
            Outcome::Valid(v) => format!("good signature by key {}", v.fingerprint),
            Outcome::Bad {
                fingerprint,
                reason,
                ..
            } => format!("bad signature: does not verify with key {fingerprint} ({reason})"),
            Outcome::UnknownKey { issuer, .. } if issuer.is_empty() => {
                "signature cannot be checked: it names no issuer key".to_owned()
            }
            Outcome::UnknownKey { issuer, key_id, .. } if key_id.is_empty() || issuer == key_id => {
                format!("signature cannot be checked: key {issuer} is not in the keyring")
            }
            Outcome::UnknownKey { issuer, key_id, .. } => {
                format!(
                    "signature cannot be checked: key {issuer} (key ID {key_id}) is not in the keyring"
                )
            }
            Outcome::Malformed { reason, .. } => format!("malformed signature: {reason}"),
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

/// The span of 1-based line `line` of `input` (without its line ending).
fn line_span(input: &[u8], line: usize) -> Option<Span> {
    let mut start = 0usize;
    for (index, raw) in input.split(|&b| b == b'\n').enumerate() {
        if index + 1 == line {
            let content = raw.strip_suffix(b"\r").unwrap_or(raw);
            let line = u32::try_from(line).ok()?;
            return Some(Span::new(line, start, start, start + content.len()));
        }
        start += raw.len() + 1;
    }
    None
}

/// One key that can verify signatures: a primary key or a subkey whose binding verified.
#[derive(Debug, Clone)]
enum SigningKey {
    Primary(PublicKey),
    Sub(PublicSubkey),
}

#[derive(Debug, Clone)]
struct KeyEntry {
    key: SigningKey,
    fingerprint: Fingerprint,
    key_id: KeyId,
    primary_fingerprint: Fingerprint,
    /// The certificate or this subkey carries a (verified) revocation signature.
    revoked: bool,
    /// When the key stops being valid (seconds since the epoch), from its latest
    /// self-signature; `None` when it does not expire.
    expires: Option<u64>,
}

/// When a key created at `created` expires, from the latest of its self-signatures.
fn expiry<'a>(created: Timestamp, signatures: impl Iterator<Item = &'a Signature>) -> Option<u64> {
    let latest = signatures.max_by_key(|sig| sig.created().map(|t| t.as_secs()))?;
    let lifetime = latest.key_expiration_time()?.as_secs();
    (lifetime != 0).then(|| u64::from(created.as_secs()) + u64::from(lifetime))
}

impl KeyEntry {
    fn verify(&self, signature: &Signature, data: &[u8]) -> Result<(), String> {
        let result = match &self.key {
            SigningKey::Primary(k) => signature.verify(k, data),
            SigningKey::Sub(k) => signature.verify(k, data),
        };
        result.map_err(|e| short(&e))
    }
}

/// Public keys to verify signatures with: any number of certificates, each with its primary key
/// and its signing subkeys.
///
/// Only keys whose self-signatures verify are used: a certificate without a user ID or direct-key
/// self-signature that verifies is refused (third-party certifications are ignored); a subkey
/// is used only when bound for signing by binding and back-signatures that verify. Revocations
/// and key expiry (from the latest self-signature) are kept and judged at verification.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    entries: Vec<KeyEntry>,
    primaries: Vec<Fingerprint>,
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Self {
        Self::default()
    }

    /// A keyring from armored public keys (one or more `-----BEGIN PGP PUBLIC KEY BLOCK-----`
    /// blocks, each holding one or more certificates).
    ///
    /// # Errors
    ///
    /// As [`Keyring::add_armored`].
    pub fn from_armored(armored: &[u8]) -> Result<Self, Error> {
        let mut keyring = Self::new();
        keyring.add_armored(armored)?;
        Ok(keyring)
    }

    /// Adds the certificates of armored public key blocks; returns how many were read (a
    /// certificate already in the keyring is kept once).
    ///
    /// # Errors
    ///
    /// [`Error::Input`] (naming the block's first line) when the input is larger than
    /// [`MAX_KEYRING_BYTES`], holds no public key block, a block does not parse, a certificate
    /// has no self-signature that verifies, the input holds more than [`MAX_KEYS`] certificates or
    /// the keyring would hold more than [`MAX_KEYS`]. On error the keyring is unchanged.
    pub fn add_armored(&mut self, armored: &[u8]) -> Result<usize, Error> {
        let input_error = |line: usize, message: String| Error::Input {
            input: format!("armored public key, line {line}"),
            message,
        };
        if armored.len() > MAX_KEYRING_BYTES {
            return Err(input_error(
                1,
                format!(
                    "{} bytes of key material, more than the {MAX_KEYRING_BYTES} allowed",
                    armored.len()
                ),
            ));
        }
        let blocks = key_blocks(armored).map_err(|(line, msg)| input_error(line, msg))?;
        if blocks.is_empty() {
            return Err(input_error(1, format!("no {BEGIN_KEY} block found")));
        }
        let mut staged = self.clone();
        let mut added = 0usize;
        for (line, block) in blocks {
            let (keys, _headers) =
                SignedPublicKey::from_armor_many(block.as_bytes()).map_err(|e| {
                    input_error(line, format!("cannot read the key block: {}", short(&e)))
                })?;
            for key in keys {
                let key = key
                    .map_err(|e| input_error(line, format!("cannot read a key: {}", short(&e))))?;
                added += 1;
                if added > MAX_KEYS {
                    return Err(input_error(
                        line,
                        format!("more than {MAX_KEYS} keys in one input"),
                    ));
                }
                staged
                    .add_certificate(&key)
                    .map_err(|msg| input_error(line, msg))?;
            }
        }
        if added == 0 {
            return Err(input_error(
                1,
                "the key blocks hold no public key".to_owned(),
            ));
        }
        *self = staged;
        Ok(added)
    }

    fn add_certificate(&mut self, key: &SignedPublicKey) -> Result<(), String> {
        let primary = &key.primary_key;
        let primary_fingerprint = primary.fingerprint();
        // A certificate already in the keyring is kept as first added.
        if self.primaries.contains(&primary_fingerprint) {
            return Ok(());
        }
        // The self-signatures that verify (third-party certifications are skipped, not errors).
        let details = &key.details;
        let self_signatures: Vec<&Signature> = details
            .users
            .iter()
            .flat_map(|user| {
                user.signatures.iter().filter(move |sig| {
                    sig.verify_certification(primary, Tag::UserId, &user.id)
                        .is_ok()
                })
            })
            .chain(
                details
                    .direct_signatures
                    .iter()
                    .filter(|sig| sig.verify_key(primary).is_ok()),
            )
            .collect();
        if self_signatures.is_empty() {
            return Err(format!(
                "key {primary_fingerprint:X} has no self-signature that verifies"
            ));
        }
        if self.primaries.len() >= MAX_KEYS {
            return Err(format!("the keyring would hold more than {MAX_KEYS} keys"));
        }
        let primary_revoked = details
            .revocation_signatures
            .iter()
            .any(|sig| sig.verify_key(primary).is_ok());
        self.entries.push(KeyEntry {
            key: SigningKey::Primary(primary.clone()),
            fingerprint: primary_fingerprint.clone(),
            key_id: primary.legacy_key_id(),
            primary_fingerprint: primary_fingerprint.clone(),
            revoked: primary_revoked,
            expires: expiry(primary.created_at(), self_signatures.iter().copied()),
        });
        for sub in &key.public_subkeys {
            // Only subkeys bound as signing keys (with their back-signature, which
            // verify_bindings checks) may sign.
            let bindings = sub
                .signatures
                .iter()
                .filter(|sig| sig.typ() == Some(SignatureType::SubkeyBinding));
            let signs = bindings.clone().any(|sig| sig.key_flags().sign());
            if signs && sub.verify_bindings(primary).is_ok() {
                let revoked = sub
                    .signatures
                    .iter()
                    .any(|sig| sig.typ() == Some(SignatureType::SubkeyRevocation));
                self.entries.push(KeyEntry {
                    key: SigningKey::Sub(sub.key.clone()),
                    fingerprint: sub.key.fingerprint(),
                    key_id: sub.key.legacy_key_id(),
                    primary_fingerprint: primary_fingerprint.clone(),
                    revoked: primary_revoked || revoked,
                    expires: expiry(sub.key.created_at(), bindings),
                });
            }
        }
        self.primaries.push(primary_fingerprint);
        Ok(())
    }

    /// How many certificates (primary keys) the keyring holds.
    pub fn len(&self) -> usize {
        self.primaries.len()
    }

    /// Whether the keyring holds no key.
    pub fn is_empty(&self) -> bool {
        self.primaries.is_empty()
    }

    /// The fingerprints (upper-case hex) of the primary keys, in the order they were added.
    pub fn fingerprints(&self) -> Vec<String> {
        self.primaries.iter().map(|f| format!("{f:X}")).collect()
    }

    fn candidates<'a>(&'a self, signature: &'a Signature) -> impl Iterator<Item = &'a KeyEntry> {
        let fingerprints = signature.issuer_fingerprint();
        let key_ids = signature.issuer_key_id();
        self.entries.iter().filter(move |entry| {
            fingerprints.contains(&&entry.fingerprint) || key_ids.contains(&&entry.key_id)
        })
    }
}

/// Splits armored key material into its public key blocks: (1-based first line, block text).
fn key_blocks(input: &[u8]) -> Result<Vec<(usize, String)>, (usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, raw) in input.split(|&b| b == b'\n').enumerate() {
        let line_no = index + 1;
        let line = String::from_utf8_lossy(raw);
        let trimmed = line.trim_end();
        match current.as_mut() {
            None if trimmed == BEGIN_KEY => current = Some((line_no, format!("{trimmed}\n"))),
            None => {}
            Some((_, text)) => {
                text.push_str(trimmed);
                text.push('\n');
                if trimmed == END_KEY
                    && let Some(block) = current.take()
                {
                    blocks.push(block);
                }
            }
        }
    }
    if let Some((line, _)) = current {
        return Err((line, format!("the key block has no {END_KEY} line")));
    }
    Ok(blocks)
}

/// Most characters of a message taken from the OpenPGP library (its parse errors can quote the
/// whole input).
const MAX_REASON_CHARS: usize = 200;

/// An error message on one line (the OpenPGP library's can span several), shortened to
/// [`MAX_REASON_CHARS`] and without the input bytes its parse errors quote.
fn short(error: &impl std::fmt::Display) -> String {
    let mut message = error.to_string();
    if let Some(at) = message.find(" Error(Error { input: [") {
        message.truncate(at);
    }
    if message.contains(['\n', '\r']) {
        message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    match message.char_indices().nth(MAX_REASON_CHARS) {
        Some((cut, _)) => format!("{}...", &message[..cut]),
        None => message,
    }
}

/// The parts of a cleartext-signed file.
struct Framed {
    /// The canonical signed text (CRLF line endings, no final line ending).
    signed_text: Vec<u8>,
    /// Hash algorithms named by `Hash:` armor headers (empty when none).
    hashes: Vec<HashAlgorithm>,
    /// The armored signature block.
    signature_block: String,
    /// 1-based line of `-----BEGIN PGP SIGNATURE-----`.
    signature_line: usize,
}

enum Framing {
    Unsigned,
    Signed(Framed),
}

type Malformed = (String, usize);

fn frame(input: &[u8]) -> Result<Framing, Malformed> {
    let mut lines = input
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l));
    let Some(begin_line) = lines.clone().find(|(_, l)| {
        let l = l.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(l);
        is_armor(l, BEGIN_SIGNED)
    }) else {
        if let Some((line, _)) =
            lines.find(|(_, l)| trim_trailing_ws(l).starts_with(b"-----BEGIN PGP "))
        {
            return Err((
                format!("an OpenPGP armor line without a preceding {BEGIN_SIGNED} line"),
                line,
            ));
        }
        return Ok(Framing::Unsigned);
    };
    if begin_line.0 != 1 {
        return Err((
            format!("text before {BEGIN_SIGNED}: the whole file must be signed"),
            1,
        ));
    }
    lines.next();

    // Armor headers up to the first empty line.
    let mut hashes = Vec::new();
    loop {
        let Some((line_no, raw)) = lines.next() else {
            return Err((
                "the file ends inside the armor headers (no empty line before the text)".to_owned(),
                begin_line.0,
            ));
        };
        let line = trim_trailing_ws(raw);
        if line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(line);
        let Some((name, value)) = text.split_once(": ") else {
            return Err((format!("not an armor header: {text:?}"), line_no));
        };
        if name != "Hash" {
            return Err((
                format!("unexpected armor header {name:?}: only \"Hash\" may appear here"),
                line_no,
            ));
        }
        for alg in value.split(',') {
            let alg = alg.trim();
            let parsed: HashAlgorithm = alg
                .parse()
                .map_err(|()| (format!("unknown hash algorithm {alg:?}"), line_no))?;
            hashes.push(parsed);
        }
    }

    // The cleartext up to the signature block, canonicalised.
    let mut signed_text = Vec::with_capacity(input.len());
    let mut first = true;
    let signature_line = loop {
        let Some((line_no, raw)) = lines.next() else {
            return Err((
                format!("the file ends without a {BEGIN_SIGNATURE} line"),
                begin_line.0,
            ));
        };
        if is_armor(raw, BEGIN_SIGNATURE) {
            break line_no;
        }
        let unescaped = raw.strip_prefix(b"- ").unwrap_or(raw);
        if !first {
            signed_text.extend_from_slice(b"\r\n");
        }
        first = false;
        signed_text.extend_from_slice(trim_trailing_ws(unescaped));
    };

    // The armored signature block. Its armor headers (`Version:`, `Comment:`) say nothing about
    // the signature and are left out of what the OpenPGP library reads; they count for the cap.
    let mut signature_block = format!("{BEGIN_SIGNATURE}\n");
    let mut block_len = signature_block.len();
    let mut in_headers = true;
    loop {
        let Some((_, raw)) = lines.next() else {
            return Err((
                format!("the signature block has no {END_SIGNATURE} line"),
                signature_line,
            ));
        };
        let line = String::from_utf8_lossy(trim_trailing_ws(raw));
        block_len = block_len.saturating_add(raw.len() + 1);
        if block_len > MAX_SIGNATURE_BLOCK_BYTES {
            return Err((
                format!("the signature block is longer than {MAX_SIGNATURE_BLOCK_BYTES} bytes"),
                signature_line,
            ));
        }
        if in_headers {
            if line.contains(':') && line != END_SIGNATURE {
                continue;
            }
            in_headers = false;
            signature_block.push('\n');
            if line.is_empty() {
                continue;
            }
        }
        signature_block.push_str(&line);
        signature_block.push('\n');
        if line == END_SIGNATURE {
            break;
        }
    }
    if let Some((line_no, _)) = lines.find(|(_, l)| !trim_trailing_ws(l).is_empty()) {
        return Err((
            format!("text after {END_SIGNATURE}: it is not covered by the signature"),
            line_no,
        ));
    }
    Ok(Framing::Signed(Framed {
        signed_text,
        hashes,
        signature_block,
        signature_line,
    }))
}

/// The signed text of a cleartext-signed file, canonicalised as OpenPGP hashes it (dash-escapes
/// undone, trailing whitespace removed, CRLF line endings, no final line ending).
///
/// `Ok(None)` for an unsigned file.
///
/// # Errors
///
/// `Err((reason, line))` when the cleartext framing is broken, as [`Outcome::Malformed`].
pub fn canonical_signed_text(input: &[u8]) -> Result<Option<Vec<u8>>, (String, usize)> {
    match frame(input)? {
        Framing::Unsigned => Ok(None),
        Framing::Signed(framed) => Ok(Some(framed.signed_text)),
    }
}

/// Verifies the OpenPGP cleartext signature of a security.txt against `keyring`.
///
/// The first signature that verifies with a key in the keyring makes the file
/// [`Outcome::Valid`]; otherwise a signature by a known key that fails makes it
/// [`Outcome::Bad`]; otherwise it is [`Outcome::UnknownKey`].
pub fn verify(input: &[u8], keyring: &Keyring) -> Outcome {
    let framed = match frame(input) {
        Ok(Framing::Unsigned) => return Outcome::Unsigned,
        Ok(Framing::Signed(framed)) => framed,
        Err((reason, line)) => return Outcome::Malformed { reason, line },
    };
    let line = framed.signature_line;
    let malformed = |reason: String| Outcome::Malformed { reason, line };

    let parsed = match read_signatures(&framed.signature_block, &framed.hashes) {
        Ok(parsed) => parsed,
        Err(reason) => return malformed(reason),
    };

    let mut bad = None;
    for signature in &parsed {
        for entry in keyring.candidates(signature) {
            match entry.verify(signature, &framed.signed_text) {
                Ok(())
                    if entry.expires.is_some_and(|expires| {
                        signature
                            .created()
                            .is_some_and(|made| u64::from(made.as_secs()) > expires)
                    }) =>
                {
                    bad.get_or_insert(Outcome::Bad {
                        fingerprint: format!("{:X}", entry.fingerprint),
                        reason: "the signature was made after the key expired".to_owned(),
                        line,
                    });
                }
                Ok(()) if entry.revoked => {
                    bad.get_or_insert(Outcome::Bad {
                        fingerprint: format!("{:X}", entry.fingerprint),
                        reason: "the signature verifies but the key is revoked: it may be forged"
                            .to_owned(),
                        line,
                    });
                }
                Ok(()) => {
                    return Outcome::Valid(ValidSignature {
                        fingerprint: format!("{:X}", entry.fingerprint),
                        primary_fingerprint: format!("{:X}", entry.primary_fingerprint),
                        key_id: entry.key_id.to_string().to_uppercase(),
                        hash_algorithm: signature
                            .hash_alg()
                            .map(|h| h.to_string())
                            .unwrap_or_default(),
                        created: signature
                            .created()
                            .and_then(|t| DateTime::from_timestamp(i64::from(t.as_secs()), 0)),
                        line,
                    });
                }
                Err(reason) => {
                    bad.get_or_insert(Outcome::Bad {
                        fingerprint: format!("{:X}", entry.fingerprint),
                        reason,
                        line,
                    });
                }
            }
        }
    }
    if let Some(bad) = bad {
        return bad;
    }
    let (issuer, key_id) = parsed.first().map(issuer_of).unwrap_or_default();
    Outcome::UnknownKey {
        issuer,
        key_id,
        line,
    }
}

/// The issuer of `signature` (fingerprint, else key ID, else empty) and its 64-bit key ID.
fn issuer_of(signature: &Signature) -> (String, String) {
    let fingerprint = signature.issuer_fingerprint().first().copied();
    let key_id = signature
        .issuer_key_id()
        .first()
        .map(|k| k.to_string().to_uppercase())
        .or_else(|| fingerprint.and_then(key_id_of_fingerprint))
        .unwrap_or_default();
    let issuer = fingerprint.map_or_else(|| key_id.clone(), |f| format!("{f:X}"));
    (issuer, key_id)
}

/// The 64-bit key ID a fingerprint stands for: the low 64 bits of a v4 fingerprint (RFC 4880
/// section 12.2), the high 64 bits of a v6 one (RFC 9580 section 5.5.4.3).
fn key_id_of_fingerprint(fingerprint: &Fingerprint) -> Option<String> {
    let bytes = fingerprint.as_bytes();
    let id = match fingerprint.version() {
        Some(pgp::types::KeyVersion::V4) => bytes.get(bytes.len().checked_sub(8)?..)?,
        Some(pgp::types::KeyVersion::V6) => bytes.get(..8)?,
        _ => return None,
    };
    Some(id.iter().map(|b| format!("{b:02X}")).collect())
}

/// Reads the signature packets of an armored block (as built by [`frame`] or
/// [`armored_for_library`]): every packet must be a signature that can sign a document, with a
/// hash algorithm listed in `hashes` (when that is not empty). At most [`MAX_SIGNATURES`].
fn read_signatures(block: &str, hashes: &[HashAlgorithm]) -> Result<Vec<Signature>, String> {
    let signatures = match DetachedSignature::from_armor_many(block.as_bytes()) {
        Ok((signatures, _headers)) => signatures,
        Err(e) => return Err(format!("cannot read the signature block: {}", short(&e))),
    };
    let mut parsed = Vec::new();
    for signature in signatures {
        if parsed.len() >= MAX_SIGNATURES {
            return Err(format!("more than {MAX_SIGNATURES} signatures"));
        }
        match signature {
            Ok(s) => parsed.push(s.signature),
            Err(e) => return Err(format!("cannot read a signature: {}", short(&e))),
        }
    }
    if parsed.is_empty() {
        return Err("the signature block holds no signature".to_owned());
    }
    for signature in &parsed {
        match signature.typ() {
            Some(SignatureType::Text | SignatureType::Binary) => {}
            other => {
                return Err(format!(
                    "a signature of type {other:?} cannot sign a document"
                ));
            }
        }
        let Some(hash) = signature.hash_alg() else {
            return Err("a signature without a hash algorithm".to_owned());
        };
        if !hashes.is_empty() && !hashes.contains(&hash) {
            return Err(format!(
                "the signature uses {hash} but the Hash header does not list it"
            ));
        }
    }
    Ok(parsed)
}

/// The armored block as the OpenPGP library reads it: the BEGIN line, a blank line, the
/// radix-64 lines and checksum without trailing whitespace, the END line. Armor headers
/// (`Version:`, `Comment:`) say nothing about the signature and are left out, as [`frame`]
/// does. `Err` when the block is over [`MAX_SIGNATURE_BLOCK_BYTES`].
fn armored_for_library(armored: &[u8]) -> Result<String, String> {
    if armored.len() > MAX_SIGNATURE_BLOCK_BYTES {
        return Err(format!(
            "the signature block is {} bytes, longer than the {MAX_SIGNATURE_BLOCK_BYTES} allowed",
            armored.len()
        ));
    }
    let mut block = format!("{BEGIN_SIGNATURE}\n");
    let mut in_headers = true;
    for raw in armored.split(|&b| b == b'\n').skip(1) {
        let line = String::from_utf8_lossy(trim_trailing_ws(raw));
        if in_headers {
            if line.contains(':') && line != END_SIGNATURE {
                continue;
            }
            in_headers = false;
            block.push('\n');
            if line.is_empty() {
                continue;
            }
        }
        block.push_str(&line);
        block.push('\n');
        if line == END_SIGNATURE {
            break;
        }
    }
    Ok(block)
}

/// What can be learnt about a signature without the signer's key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignatureInfo {
    /// The issuer of the first signature: its fingerprint (upper-case hex) when the signature
    /// carries one, otherwise its 64-bit key ID, or empty when it names no issuer.
    pub issuer: String,
    /// The 64-bit key ID (16 upper-case hex digits) of the first signature's issuer, or empty.
    pub key_id: String,
    /// How many signature packets the block holds.
    pub signatures: usize,
}

/// Reads the packets of a signed document's armored signature without any key: the
/// radix-64, the checksum and every packet must parse, each packet must be a signature that can
/// sign a document, and its hash algorithm must be one the `Hash:` header lists.
/// [`validate`](crate::validate()) reports an `Err` as `pgp_error`.
///
/// # Errors
///
/// A sentence saying what is wrong, from the OpenPGP library where it found the fault.
pub fn inspect_signature(parts: &crate::SignedParts<'_>) -> Result<SignatureInfo, String> {
    let block = armored_for_library(&parts.armored_signature)?;
    let mut hashes = Vec::with_capacity(parts.hash_algorithms.len());
    for name in &parts.hash_algorithms {
        let hash: HashAlgorithm = name
            .parse()
            .map_err(|()| format!("the Hash header names an unknown algorithm {name:?}"))?;
        hashes.push(hash);
    }
    let parsed = read_signatures(&block, &hashes)?;
    let (issuer, key_id) = parsed.first().map(issuer_of).unwrap_or_default();
    Ok(SignatureInfo {
        issuer,
        key_id,
        signatures: parsed.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_text_follows_the_cleartext_framework() {
        let input = b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n- -dash\r\nspaces \t\nlast\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n";
        let text = canonical_signed_text(input).unwrap().unwrap();
        assert_eq!(text, b"-dash\r\nspaces\r\nlast");
    }

    #[test]
    fn unsigned_text_has_no_canonical_form() {
        assert_eq!(canonical_signed_text(b"Contact: x\n").unwrap(), None);
    }

    #[test]
    fn trim_keeps_inner_whitespace() {
        assert_eq!(trim_trailing_ws(b"a b \t\r"), b"a b");
        assert_eq!(trim_trailing_ws(b" \t"), b"");
    }
}
