//! OpenPGP/MIME signing (RFC 3156): the signature verifies over the exact
//! bytes of the signed part, with rpgp and, where `gpg` is installed, with
//! `gpg --verify`; a changed byte breaks it. The key is a test-only key
//! (`tests/data/signing/README.md`), made in December 2026, so the messages
//! are signed at [`later`].
#![cfg(feature = "openpgp")]

mod common;

use common::*;
use notice_render::render::Signer;
use notice_render::{
    AggregateOptions, Customer, Error, ErrorKind, Finding, Recipient, Renderer, aggregate,
};
use pgp::composed::{Deserializable, DetachedSignature, SignedPublicKey};

const SECRET: &str = include_str!("data/signing/test-key.sec.asc");
const PUBLIC: &str = include_str!("data/signing/test-key.pub.asc");

fn one_notice(r: &Renderer, findings: Vec<Finding>, to: Recipient) -> notice_render::Notice {
    let pairs = findings.into_iter().map(|f| (f, to.clone()));
    let options = AggregateOptions::default().with_max_age(chrono::TimeDelta::days(3650));
    let agg = aggregate(r.catalogue(), pairs, &options, later()).unwrap();
    agg.notices.into_iter().next().unwrap()
}

/// A time after the test key was made.
fn later() -> chrono::DateTime<chrono::Utc> {
    at(2027, 1, 4, 8, 0, 0)
}

fn signing_renderer() -> Renderer {
    let signer = Signer::from_armored(SECRET).unwrap();
    Renderer::embedded(options()).unwrap().with_signer(signer)
}

/// The signed part's bytes and the armored signature of a multipart/signed message.
fn split_signed(mime: &[u8]) -> (Vec<u8>, String) {
    let text = std::str::from_utf8(mime).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let heads = headers(head);
    let ct = header(&heads, "Content-Type").unwrap();
    assert!(ct.starts_with("multipart/signed;"), "{ct}");
    assert!(ct.contains("micalg=pgp-sha256"), "{ct}");
    assert!(
        ct.contains("protocol=\"application/pgp-signature\""),
        "{ct}"
    );
    let b = boundary_of(ct);
    let first = format!("--{b}\r\n");
    let next = format!("\r\n--{b}\r\n");
    let start = body.find(&first).unwrap() + first.len();
    let end = start + body[start..].find(&next).unwrap();
    let signed = body.as_bytes()[start..end].to_vec();
    let rest = &body[end + next.len()..];
    let (sig_head, sig_body) = rest.split_once("\r\n\r\n").unwrap();
    assert!(sig_head.contains("Content-Type: application/pgp-signature"));
    let armored = sig_body.split(&format!("\r\n--{b}--")).next().unwrap();
    (signed, armored.replace("\r\n", "\n"))
}

fn notices(r: &Renderer) -> Vec<notice_render::Notice> {
    let business = one_notice(r, vec![hostile_rdp()], recipient("nl"));
    let abuse = one_notice(
        r,
        vec![hostile_rdp().with_customer(Customer::new("Voorbeeld B.V.", "voorbeeld.nl"))],
        Recipient::new("abuse@hosting.example").with_via("asn-abuse"),
    );
    vec![business, abuse]
}

#[test]
fn signature_verifies_over_the_signed_part_with_rpgp() {
    let r = signing_renderer();
    let (public, _) = SignedPublicKey::from_armor_single(PUBLIC.as_bytes()).unwrap();
    for notice in notices(&r) {
        let out = r.render(&notice, later()).unwrap();
        let (signed, armored) = split_signed(&out.mime);
        // the signed part is the whole multipart/mixed entity, headers included
        assert!(signed.starts_with(b"Content-Type: multipart/mixed; boundary=\"=_mix_"));
        assert!(signed.ends_with(b"--\r\n"));
        assert!(signed.is_ascii(), "the signed part is 7-bit");
        let (sig, _) = DetachedSignature::from_armor_single(armored.as_bytes()).unwrap();
        sig.verify(&public, &signed).unwrap();
        // one changed byte and it no longer verifies
        let mut changed = signed.clone();
        let at = changed.len() / 2;
        changed[at] = if changed[at] == b'a' { b'b' } else { b'a' };
        assert!(sig.verify(&public, &changed).is_err());
        // the same notice at the same time signs to the same bytes
        assert_eq!(r.render(&notice, later()).unwrap().mime, out.mime);
        // the notice says it is signed, and a mail reader still finds the text
        assert!(out.text.contains("OpenPGP"));
        let parsed = mail_parser::MessageParser::default()
            .parse(&out.mime)
            .unwrap();
        let body = parsed.body_text(0).unwrap();
        assert_eq!(body.replace("\r\n", "\n").trim_end(), out.text.trim_end());
    }
}

#[test]
fn signature_verifies_with_gpg_when_installed() {
    let Ok(status) = std::process::Command::new("gpg").arg("--version").output() else {
        eprintln!("gpg is not installed: only rpgp verified the signature");
        return;
    };
    assert!(status.status.success());
    let r = signing_renderer();
    let home = tempfile::tempdir().unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("key.asc");
    std::fs::write(&public, PUBLIC).unwrap();
    let gpg = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new("gpg")
            .arg("--homedir")
            .arg(home.path())
            .args(["--batch", "--no-tty", "--no-autostart"])
            .args(args)
            .output()
            .unwrap()
    };
    let import = gpg(&["--import".as_ref(), public.as_os_str()]);
    assert!(import.status.success(), "{import:?}");
    for notice in notices(&r) {
        let out = r.render(&notice, later()).unwrap();
        let (signed, armored) = split_signed(&out.mime);
        let data = dir.path().join("part.eml");
        let sig = dir.path().join("part.asc");
        std::fs::write(&data, &signed).unwrap();
        std::fs::write(&sig, &armored).unwrap();
        let verify = gpg(&["--verify".as_ref(), sig.as_os_str(), data.as_os_str()]);
        assert!(verify.status.success(), "{verify:?}");
        let mut changed = signed.clone();
        changed.extend_from_slice(b" ");
        std::fs::write(&data, &changed).unwrap();
        let verify = gpg(&["--verify".as_ref(), sig.as_os_str(), data.as_os_str()]);
        assert!(!verify.status.success(), "a changed part must not verify");
    }
}

#[test]
fn unusable_keys_are_refused() {
    assert!(matches!(
        Signer::from_armored("not a key").map_err(Error::into_kind),
        Err(ErrorKind::Signing { .. })
    ));
    // a public key cannot sign
    assert!(matches!(
        Signer::from_armored(PUBLIC).map_err(Error::into_kind),
        Err(ErrorKind::Signing { .. })
    ));
    let max = notice_render::render::MAX_KEY_BYTES;
    let big = format!("{SECRET}{}", " ".repeat(max + 1 - SECRET.len()));
    assert!(matches!(
        Signer::from_armored(&big).map_err(Error::into_kind),
        Err(ErrorKind::TooLarge { len, .. }) if len == max + 1
    ));
    let signer = Signer::from_armored(SECRET).unwrap();
    // a signature older than the key would not verify: refused
    let r = Renderer::embedded(options())
        .unwrap()
        .with_signer(signer.clone());
    let notice = one_notice(&r, vec![hostile_rdp()], recipient("en"));
    assert!(matches!(
        r.render(&notice, now()).map_err(Error::into_kind),
        Err(ErrorKind::Signing { .. })
    ));
    assert_eq!(
        signer.fingerprint(),
        "461D23AEFF84F7B64962A787172C105BD7A12D0F"
    );
    assert!(
        signer
            .public_key_armored()
            .unwrap()
            .starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    );
}
