//! A snapshot that cannot be trusted is refused: a registry dump truncated half-way (an
//! incomplete deflate stream) or an unreadable rDNS file, unless partial snapshots are
//! allowed, and a folder holding no usable evidence at all, with a message saying what was
//! expected (issue case 5).

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use ip_attribution::Error;
use ip_attribution::snapshot::{CheckOptions, Snapshot};

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "ip-attribution-snapcheck-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&p).expect("temp dir");
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

const INETNUM: &str = "inetnum: 192.0.2.0 - 192.0.2.255\nnetname: DOC\ncountry: NL\nadmin-c: R1-TEST\ntech-c: R1-TEST\nstatus: ASSIGNED PA\nmnt-by: M\nsource: TEST\n\n";

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).expect("gzip");
    e.finish().expect("gzip")
}

#[test]
fn a_whole_snapshot_passes() {
    let dir = TempDir::new("whole");
    fs::create_dir_all(dir.0.join("registry")).expect("mkdir");
    fs::write(dir.0.join("registry/test.inetnum.db.gz"), gzip(INETNUM)).expect("write");
    let (_, report) = Snapshot::load(&dir.0).expect("load");
    assert!(report.unreadable.is_empty(), "{:?}", report.unreadable);
    assert!(report.evidence > 0);
    assert!(report.check(&dir.0, CheckOptions::default()).is_ok());
}

#[test]
fn a_truncated_registry_dump_is_refused_unless_allowed() {
    let dir = TempDir::new("truncated");
    fs::create_dir_all(dir.0.join("registry")).expect("mkdir");
    fs::write(dir.0.join("registry/good.db"), INETNUM).expect("write");
    let mut big = String::new();
    for i in 0..2000 {
        big.push_str(&INETNUM.replace("192.0.2.", &format!("10.{}.{}.", i / 250, i % 250)));
    }
    let gz = gzip(&big);
    fs::write(
        dir.0.join("registry/test.inetnum.db.gz"),
        gz.get(..gz.len() / 2).unwrap_or_default(),
    )
    .expect("write");
    let (_, report) = Snapshot::load(&dir.0).expect("load");
    assert_eq!(report.unreadable.len(), 1, "{:?}", report.unreadable);
    assert!(report.unreadable[0].starts_with("test.inetnum.db.gz:"));
    let e = report.check(&dir.0, CheckOptions::default());
    assert!(
        matches!(e, Err(Error::SnapshotIncomplete { count: 1, .. })),
        "{e:?}"
    );
    let text = e.map_err(|e| e.to_string()).err().unwrap_or_default();
    assert!(text.contains("test.inetnum.db.gz"), "{text}");
    assert!(
        report
            .check(&dir.0, CheckOptions::default().with_allow_partial(true))
            .is_ok()
    );
}

#[test]
fn a_folder_in_place_of_rdns_jsonl_is_not_a_partial_file() {
    let dir = TempDir::new("rdns");
    fs::create_dir_all(dir.0.join("registry")).expect("mkdir");
    fs::write(dir.0.join("registry/good.db"), INETNUM).expect("write");
    // A folder where the file should be: it exists but cannot be read as a file.
    fs::create_dir_all(dir.0.join("rdns.jsonl")).expect("mkdir");
    let (_, report) = Snapshot::load(&dir.0).expect("load");
    // `rdns.jsonl` is not a file, so it is not read at all: not partial, just absent.
    assert!(report.unreadable.is_empty());
}

#[test]
fn an_empty_or_wrong_folder_is_refused_with_what_was_expected() {
    let dir = TempDir::new("empty");
    let (_, report) = Snapshot::load(&dir.0).expect("load");
    let e = report
        .check(&dir.0, CheckOptions::default())
        .map_err(|e| e.to_string())
        .err()
        .unwrap_or_default();
    assert!(e.contains("holds no usable evidence"), "{e}");
    assert!(
        e.contains("registry/*.db") && e.contains("rdns.jsonl"),
        "{e}"
    );
    // A folder of the wrong things: files read, nothing usable.
    fs::create_dir_all(dir.0.join("registry")).expect("mkdir");
    fs::write(dir.0.join("registry/notes.txt"), "hello\n").expect("write");
    let (_, report) = Snapshot::load(&dir.0).expect("load");
    let e = report
        .check(&dir.0, CheckOptions::default())
        .map_err(|e| e.to_string())
        .err()
        .unwrap_or_default();
    assert!(e.contains("1 registry files, none usable"), "{e}");
}
