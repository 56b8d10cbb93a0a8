//! The RPSL/WHOIS reader over constructed fixtures in `tests/data/rpsl/`.

use std::io::Write;
use std::net::IpAddr;

use ip_attribution::{
    ContactKind, Error, ErrorKind, NetworkKind, RpslObject, RpslObjectClass, RpslReader,
};

const DUMP: &[u8] = include_bytes!("data/rpsl/ripe-dump.db");
const ANSWER: &[u8] = include_bytes!("data/rpsl/ripe-answer.txt");
const ARIN: &[u8] = include_bytes!("data/rpsl/arin-answer.txt");
const ARIN_AMBIGUOUS: &[u8] = include_bytes!("data/rpsl/arin-ambiguous.txt");
const LACNIC: &[u8] = include_bytes!("data/rpsl/lacnic.db");

fn read(name: &str, bytes: &[u8]) -> (Vec<RpslObject>, Vec<Error>, ip_attribution::RpslReadStats) {
    let mut reader = RpslReader::from_slice(name, bytes);
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for item in reader.by_ref() {
        match item {
            Ok(o) => objects.push(o),
            Err(e) => errors.push(e),
        }
    }
    (objects, errors, reader.stats().clone())
}

fn networks(objects: &[RpslObject]) -> Vec<&ip_attribution::RpslNetwork> {
    objects
        .iter()
        .filter_map(|o| match o {
            RpslObject::Network(n) => Some(n),
            _ => None,
        })
        .collect()
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

#[test]
fn dump_objects_errors_and_skips() {
    let (objects, errors, stats) = read("ripe-dump.db", DUMP);
    // Five unusable objects, each with its 1-based line; reading went on after them.
    let lines: Vec<(usize, &str)> = errors
        .iter()
        .map(|e| match e.kind() {
            ErrorKind::RpslObject { class, .. } => (e.line(), class.as_str()),
            ErrorKind::RpslSyntax { .. } => (e.line(), "syntax"),
            other => panic!("unexpected error {other}"),
        })
        .collect();
    assert_eq!(
        lines,
        [
            (114, "inetnum"),
            (118, "inetnum"),
            (124, "syntax"),
            (127, "role"),
            (131, "route")
        ],
        "{errors:?}"
    );
    assert!(
        errors[1].to_string().contains("start after end"),
        "{}",
        errors[1]
    );
    for e in &errors {
        assert!(e.to_string().starts_with("ripe-dump.db:"), "{e}");
    }
    assert_eq!(stats.errors, 5);
    assert_eq!(stats.skipped.get("as-set"), Some(&1));
    assert_eq!(stats.skipped.get("key-cert"), Some(&1));
    let nets = networks(&objects);
    assert_eq!(nets.len(), 7);
    let last = nets.last().expect("a network after the errors");
    assert_eq!(last.netname.as_deref(), Some("AFTER-ERRORS"));
    assert_eq!(last.source.line, 135);

    let customer = nets
        .iter()
        .find(|n| n.netname.as_deref() == Some("CUSTOMER-NET"))
        .expect("customer");
    assert_eq!(customer.range.to_string(), "192.0.2.10 - 192.0.2.45");
    assert_eq!(customer.range.cidrs().len(), 6);
    assert_eq!(
        customer.descr,
        ["Customer B.V., second descr line third line"]
    );
    assert_eq!(customer.abuse_c, ["CB1-TEST"]);
    assert_eq!(customer.status.as_deref(), Some("ASSIGNED PA"));
    assert_eq!(customer.source.line, 16);
    let lir = nets.first().expect("first");
    assert_eq!(lir.country.as_deref(), Some("NL"));
    assert_eq!(lir.source_db.as_deref(), Some("RIPE"));
    assert_eq!(lir.mnt_irt, ["IRT-EXAMPLE-LIR"]);
    assert_eq!(
        nets.iter()
            .filter(|n| n.kind == NetworkKind::Inet6num)
            .count(),
        2
    );

    let contacts: Vec<_> = objects
        .iter()
        .filter_map(|o| match o {
            RpslObject::Contact(c) => Some(c),
            _ => None,
        })
        .collect();
    let el1 = contacts
        .iter()
        .find(|c| c.nic_hdl == "EL1-TEST")
        .expect("EL1");
    assert!(el1.dummified);
    assert!(
        el1.emails.is_empty(),
        "dummy e-mail dropped: {:?}",
        el1.emails
    );
    assert_eq!(el1.abuse_mailbox.as_deref(), Some("abuse@lir.example"));
    let cb1 = contacts
        .iter()
        .find(|c| c.nic_hdl == "CB1-TEST")
        .expect("CB1");
    assert_eq!(cb1.kind, ContactKind::Role);
    assert_eq!(cb1.name, "Klant Caf\u{e9} NOC", "Latin-1 decoded");
    assert_eq!(cb1.abuse_mailbox.as_deref(), Some("Abuse@customer.example"));
    assert_eq!(cb1.emails, ["noc@customer.example"]);

    let org = objects
        .iter()
        .find_map(|o| match o {
            RpslObject::Organisation(o) if o.handle == "ORG-EL1-TEST" => Some(o),
            _ => None,
        })
        .expect("org");
    assert!(org.dummified);
    assert!(org.emails.is_empty());
    assert_eq!(org.abuse_c.as_deref(), Some("EL1-TEST"));
    let routes: Vec<_> = objects
        .iter()
        .filter(|o| matches!(o, RpslObject::Route(_)))
        .collect();
    assert_eq!(routes.len(), 2);
    assert_eq!(stats.objects.get(&RpslObjectClass::Route6), Some(&1));
    assert_eq!(stats.objects.get(&RpslObjectClass::AutNum), Some(&1));
    assert_eq!(stats.objects.get(&RpslObjectClass::Mntner), Some(&1));
    assert_eq!(stats.object_count(), objects.len());
}

#[test]
fn ripe_answer_abuse_comments() {
    let (objects, errors, _) = read("ripe-answer.txt", ANSWER);
    assert!(errors.is_empty(), "{errors:?}");
    let comments: Vec<_> = objects
        .iter()
        .filter_map(|o| match o {
            RpslObject::AbuseComment(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(comments.len(), 3);
    assert_eq!(comments[0].range.to_string(), "203.0.113.0 - 203.0.113.255");
    assert_eq!(comments[0].mailbox.as_deref(), Some("abuse@hoster.example"));
    assert_eq!(comments[2].mailbox, None);
    // Objects right after a `%` line without a blank line are still separate objects.
    let nets = networks(&objects);
    assert_eq!(nets.len(), 2);
    assert_eq!(nets[1].netname.as_deref(), Some("SHOP-NET"));
    assert_eq!(nets[0].source_db.as_deref(), Some("RIPE"));
}

#[test]
fn arin_full_answer_is_merged() {
    let (objects, errors, _) = read("arin-answer.txt", ARIN);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(objects.len(), 4, "{objects:#?}");
    let nets = networks(&objects);
    assert_eq!(nets.len(), 2);
    let isp = nets[0];
    assert_eq!(isp.kind, NetworkKind::ArinNet);
    assert_eq!(isp.handle, "NET-198-51-100-0-1");
    assert_eq!(isp.status.as_deref(), Some("Direct Allocation"));
    assert_eq!(isp.org.as_deref(), Some("EIL-1"));
    assert_eq!(isp.org_name.as_deref(), Some("Example ISP LLC"));
    assert_eq!(isp.parent.as_deref(), Some("NET-198-0-0-0-0"));
    assert_eq!(isp.origin, Some(64510));
    let cust = nets[1];
    assert_eq!(cust.org.as_deref(), Some("C00000001"));
    assert_eq!(
        cust.abuse_mailbox.as_deref(),
        Some("abuse@customer-corp.example")
    );
    let orgs: Vec<_> = objects
        .iter()
        .filter_map(|o| match o {
            RpslObject::Organisation(o) => Some(o),
            _ => None,
        })
        .collect();
    assert_eq!(orgs[0].handle, "EIL-1");
    assert_eq!(orgs[0].abuse_mailbox.as_deref(), Some("abuse@isp.example"));
    assert_eq!(orgs[0].abuse_c.as_deref(), Some("ABUSE1-ARIN"));
    assert_eq!(orgs[0].emails, ["noc@isp.example"]);
    assert_eq!(orgs[1].handle, "C00000001");
    assert_eq!(orgs[1].name.as_deref(), Some("Customer Corp"));
}

#[test]
fn arin_ambiguous_answer_lines() {
    let (objects, errors, _) = read("arin-ambiguous.txt", ARIN_AMBIGUOUS);
    assert!(errors.is_empty(), "{errors:?}");
    let nets = networks(&objects);
    assert_eq!(nets.len(), 2);
    assert_eq!(nets[1].kind, NetworkKind::ArinSummary);
    assert_eq!(nets[1].handle, "NET-198-51-100-128-1");
    assert_eq!(nets[1].netname.as_deref(), Some("CUSTOMER-NET-2"));
    assert_eq!(nets[1].org_name.as_deref(), Some("Customer Corp"));
    assert_eq!(nets[1].source_db.as_deref(), Some("ARIN"));
    assert_eq!(nets[1].status, None);
    assert!(nets[1].range.contains(ip("198.51.100.130")));
}

#[test]
fn lacnic_short_forms_and_persons() {
    let (objects, errors, _) = read("lacnic.db", LACNIC);
    assert!(errors.is_empty(), "{errors:?}");
    let nets = networks(&objects);
    assert_eq!(nets[0].range.to_string(), "148.204.0.0 - 148.204.255.255");
    assert_eq!(nets[1].range.to_string(), "148.204.12.0 - 148.204.15.255");
    assert_eq!(nets[1].parent.as_deref(), Some("148.204/16"));
    assert_eq!(nets[0].org_name.as_deref(), Some("Ejemplo Telecom S.A."));
    assert_eq!(nets[0].org.as_deref(), Some("XX-EJTE-LACNIC"));
    assert_eq!(nets[0].origin, Some(64520));
    let persons = objects
        .iter()
        .filter(|o| matches!(o, RpslObject::Contact(c) if c.kind == ContactKind::Person))
        .count();
    assert_eq!(persons, 2);
}

#[test]
fn gzip_stream_reads_the_same() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(DUMP).expect("compress");
    let compressed = gz.finish().expect("compress");
    let mut reader = RpslReader::open("ripe-dump.db.gz", compressed.as_slice()).expect("open");
    let from_gz: Vec<_> = reader.by_ref().filter_map(Result::ok).collect();
    let (plain, _, stats) = read("ripe-dump.db.gz", DUMP);
    assert_eq!(from_gz, plain);
    assert_eq!(reader.stats().errors, stats.errors);
    // Plain input through `open` is passed through.
    let via_open: Vec<_> = RpslReader::open("plain", DUMP)
        .expect("open")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(via_open.len(), plain.len());
}

#[test]
fn corrupt_gzip_is_a_read_error_not_a_panic() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(DUMP).expect("compress");
    let mut compressed = gz.finish().expect("compress");
    compressed.truncate(compressed.len() / 2);
    if let Some(b) = compressed.get_mut(40) {
        *b ^= 0xff;
    }
    let items: Vec<_> = RpslReader::open("broken.gz", compressed.as_slice())
        .expect("open")
        .collect();
    assert!(
        items.iter().any(
            |i| matches!(i, Err(e) if matches!(e.kind(), ErrorKind::RpslRead { .. }) && e.source_name() == "broken.gz")
        ),
        "a read error is reported"
    );
}

#[test]
fn same_object_twice_has_the_same_key() {
    let (a, _, _) = read("one", ANSWER);
    let (b, _, _) = read("two", ANSWER);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.key(), y.key());
        assert_ne!(x.source(), y.source());
    }
}
