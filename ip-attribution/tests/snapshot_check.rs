//! A snapshot that cannot be trusted is refused: a registry dump truncated half-way (an
//! incomplete deflate stream) or an unreadable rDNS file, unless partial snapshots are
//! allowed, and a folder holding no usable evidence at all, with a message saying what was
//! expected (issue case 5).

use std::fs;
use std::io::Write;

use ip_attribution::{CheckOptions, Error, ErrorKind, Snapshot};

/// A fresh temporary folder (removed when dropped).
fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ip-attribution-snapcheck-")
        .tempdir()
        .expect("temp dir")
}

const INETNUM: &str = "inetnum: 192.0.2.0 - 192.0.2.255\nnetname: DOC\ncountry: NL\nadmin-c: R1-TEST\ntech-c: R1-TEST\nstatus: ASSIGNED PA\nmnt-by: M\nsource: TEST\n\n";

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).expect("gzip");
    e.finish().expect("gzip")
}

#[test]
fn a_whole_snapshot_passes() {
    let dir = temp_dir();
    fs::create_dir_all(dir.path().join("registry")).expect("mkdir");
    fs::write(
        dir.path().join("registry/test.inetnum.db.gz"),
        gzip(INETNUM),
    )
    .expect("write");
    let (_, report) = Snapshot::load(dir.path()).expect("load");
    assert!(report.unreadable.is_empty(), "{:?}", report.unreadable);
    assert!(report.evidence > 0);
    assert!(report.check(dir.path(), CheckOptions::default()).is_ok());
}

#[test]
fn a_truncated_registry_dump_is_refused_unless_allowed() {
    let dir = temp_dir();
    fs::create_dir_all(dir.path().join("registry")).expect("mkdir");
    fs::write(dir.path().join("registry/good.db"), INETNUM).expect("write");
    let mut big = String::new();
    for i in 0..2000 {
        big.push_str(&INETNUM.replace("192.0.2.", &format!("10.{}.{}.", i / 250, i % 250)));
    }
    let gz = gzip(&big);
    fs::write(
        dir.path().join("registry/test.inetnum.db.gz"),
        gz.get(..gz.len() / 2).unwrap_or_default(),
    )
    .expect("write");
    let (_, report) = Snapshot::load(dir.path()).expect("load");
    assert_eq!(report.unreadable.len(), 1, "{:?}", report.unreadable);
    assert!(report.unreadable[0].starts_with("test.inetnum.db.gz:"));
    let e = report.check(dir.path(), CheckOptions::default());
    assert!(
        matches!(
            e.as_ref().map_err(Error::kind),
            Err(ErrorKind::SnapshotIncomplete { count: 1, .. })
        ),
        "{e:?}"
    );
    let text = e.map_err(|e| e.to_string()).err().unwrap_or_default();
    assert!(text.contains("test.inetnum.db.gz"), "{text}");
    assert!(
        report
            .check(dir.path(), CheckOptions::default().with_allow_partial(true))
            .is_ok()
    );
}

#[test]
fn a_folder_in_place_of_rdns_jsonl_is_not_a_partial_file() {
    let dir = temp_dir();
    fs::create_dir_all(dir.path().join("registry")).expect("mkdir");
    fs::write(dir.path().join("registry/good.db"), INETNUM).expect("write");
    // A folder where the file should be: it exists but cannot be read as a file.
    fs::create_dir_all(dir.path().join("rdns.jsonl")).expect("mkdir");
    let (_, report) = Snapshot::load(dir.path()).expect("load");
    // `rdns.jsonl` is not a file, so it is not read at all: not partial, just absent.
    assert!(report.unreadable.is_empty());
}

#[test]
fn an_empty_or_wrong_folder_is_refused_with_what_was_expected() {
    let dir = temp_dir();
    let (_, report) = Snapshot::load(dir.path()).expect("load");
    let e = report
        .check(dir.path(), CheckOptions::default())
        .map_err(|e| e.to_string())
        .err()
        .unwrap_or_default();
    assert!(e.contains("holds no usable evidence"), "{e}");
    assert!(
        e.contains("registry/*.db") && e.contains("rdns.jsonl"),
        "{e}"
    );
    // A folder of the wrong things: files read, nothing usable.
    fs::create_dir_all(dir.path().join("registry")).expect("mkdir");
    fs::write(dir.path().join("registry/notes.txt"), "hello\n").expect("write");
    let (_, report) = Snapshot::load(dir.path()).expect("load");
    let e = report
        .check(dir.path(), CheckOptions::default())
        .map_err(|e| e.to_string())
        .err()
        .unwrap_or_default();
    assert!(e.contains("1 registry files, none usable"), "{e}");
}
