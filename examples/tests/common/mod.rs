//! What several test files share: the built example programs ([`program`]), the local SMTP
//! server (`tests/smtp/server.py`, Python's aiosmtpd; `python3 -m pip install aiosmtpd`) on
//! 127.0.0.1 and a test CA for its TLS modes. Each test file uses part of it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// The binary of the example program `name` (`target/<profile>/examples/NAME`), for tests
/// that run the programs as a user does (their `main`, exit statuses, standard streams).
/// The first call for a name builds that program with cargo in this test's profile and with
/// the features of CI's two test runs (`--workspace --all-features` when this test was built
/// with an optional feature, else `--workspace --no-default-features`), a no-op when `cargo
/// test` has built it already, so a test never runs a binary older than the source.
pub(crate) fn program(name: &str) -> PathBuf {
    static BUILT: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    // target/<profile>/deps/<this test>
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !built.contains(name) {
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev".to_owned(),
            Some(other) => other.to_owned(),
            None => panic!("no profile folder above {}", exe.display()),
        };
        let mut cargo = Command::new(env!("CARGO"));
        cargo.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "build",
            "--quiet",
            "--profile",
            &profile,
            "--example",
            name,
        ]);
        if cfg!(any(
            feature = "fetch",
            feature = "collect",
            feature = "loopback"
        )) {
            cargo.args(["--workspace", "--all-features"]);
        } else {
            cargo.args(["--workspace", "--no-default-features"]);
        }
        let status = cargo.status().unwrap();
        assert!(
            status.success(),
            "building the example program {name}: {status}"
        );
        built.insert(name.to_owned());
    }
    profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// A running test server; killed when dropped.
pub(crate) struct Server {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub(crate) port: u16,
    /// Where it writes each message it accepts (`NNNN.eml`, in order of arrival).
    pub(crate) out: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `smtp://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

/// Starts `server.py MODE` writing into `dir/received-MODE` (the modes are listed in the
/// script); `tls` is the certificate and key for the TLS modes.
pub(crate) fn start(mode: &str, dir: &Path, tls: Option<(&Path, &Path)>) -> Server {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
    let out = dir.join(format!("received-{mode}"));
    let mut cmd = Command::new("python3");
    cmd.arg(&script).arg(mode).arg(&out);
    if let Some((cert, key)) = tls {
        cmd.arg(cert).arg(key);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "these tests need python3 with aiosmtpd (python3 -m pip install aiosmtpd): \
                 cannot start python3: {e}"
            )
        });
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("server output");
    let port = line
        .strip_prefix("PORT ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "the test SMTP server did not start ({:?}); these tests need python3 with \
                 aiosmtpd: python3 -m pip install aiosmtpd",
                line.trim()
            )
        });
    Server { child, port, out }
}

/// What the server received, in the order it arrived (each starts with
/// `X-Test-Rcpt: <recipients>\r\n`).
pub(crate) fn received(s: &Server) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&s.out)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|x| x == "eml"));
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect()
}

/// A test CA and a certificate for 127.0.0.1 signed by it, as PEM files in `dir`:
/// (certificate, key, CA).
pub(crate) fn test_pki(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "notify test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let (c, k, a) = (
        dir.join("server.pem"),
        dir.join("server.key"),
        dir.join("ca.pem"),
    );
    std::fs::write(&c, leaf.pem()).unwrap();
    std::fs::write(&k, key.serialize_pem()).unwrap();
    std::fs::write(&a, ca_cert.pem()).unwrap();
    (c, k, a)
}
