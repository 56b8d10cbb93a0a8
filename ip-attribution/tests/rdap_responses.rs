//! RDAP: ip networks, entity walks, jCard shapes, error objects, placeholders and caps.

use std::net::IpAddr;

use ip_attribution::{
    Error, ErrorKind, Knowledge, RdapDocument, RdapRole,
    limits::{MAX_RDAP_BYTES, MAX_RDAP_JSON_DEPTH},
    parse_rdap, parse_rdap_network, rdap_emails_by_role,
};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/rdap/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The knowledge the selectors classify placeholders and redactions with: the built-in one.
fn k() -> &'static Knowledge {
    Knowledge::builtin_ref()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn fixtures_are_all_read() {
    let dir = format!("{}/tests/data/rdap", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let bytes = std::fs::read(&path).unwrap();
            parse_rdap(&bytes, &path.display().to_string())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
        }
    }
    assert_eq!(n, 5);
}

#[test]
fn arin_style_network_with_nested_abuse() {
    let net = parse_rdap_network(&fixture("arin-nested-abuse.json"), "arin.json").unwrap();
    assert_eq!(net.handle.as_deref(), Some("NET-192-0-2-0-1"));
    assert_eq!(net.start_address, Some(ip("192.0.2.0")));
    assert_eq!(net.end_address, Some(ip("192.0.2.255")));
    assert_eq!(net.ip_version, Some(4));
    assert_eq!(net.name.as_deref(), Some("BAKERY-NET"));
    assert_eq!(net.network_type.as_deref(), Some("REASSIGNED"));
    assert_eq!(net.parent_handle.as_deref(), Some("NET-192-0-0-0-0"));
    assert_eq!(net.status, ["active"]);
    assert_eq!(net.port43.as_deref(), Some("whois.arin.example"));
    assert_eq!(net.cidrs, ["192.0.2.0/24".parse().unwrap()]);
    assert_eq!(net.origin_autnums, [64500]);
    assert_eq!(net.events.len(), 2);
    assert_eq!(
        net.events[0].date.map(|d| d.to_rfc3339()),
        Some("2019-03-04T15:00:00+00:00".to_owned())
    );
    assert_eq!(net.events[1].date, None, "unparseable date kept as text");
    assert_eq!(net.events[1].date_text.as_deref(), Some("not a date"));
    assert_eq!(
        net.remarks[0].description,
        ["https://bakery.example", "Call us"]
    );
    assert!(net.warnings.is_empty(), "{:?}", net.warnings);
    assert!(net.contains(ip("192.0.2.77")));
    assert!(!net.contains(ip("192.0.3.1")));
    assert!(!net.contains(ip("2001:db8::1")));

    // Abuse entities shallowest first; an address seen again deeper down is not repeated.
    let abuse = net.abuse_emails(k());
    let got: Vec<(&str, Vec<&str>, usize)> = abuse
        .iter()
        .map(|c| {
            (
                c.address.as_str(),
                c.path.iter().map(String::as_str).collect(),
                c.depth,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("abuse@upstream.example", vec!["ISP-ABUSE"], 0),
            ("ABUSE@bakery.example", vec!["ISP-ABUSE"], 0),
        ],
        "shallow entities first; the nested abuse@bakery.example is the same address"
    );
    assert_eq!(abuse[0].roles, [RdapRole::Abuse]);

    assert_eq!(net.registrant_name(k()), Some("Bakery Example Inc"));
    let reg = net.registrant().unwrap();
    assert_eq!(reg.handle.as_deref(), Some("BAKE-1"));
    assert_eq!(
        reg.vcard.as_ref().unwrap().addresses,
        ["1 Main Street\nSpringfield"]
    );
    let reg_emails: Vec<String> = net
        .registrant_emails(k())
        .into_iter()
        .map(|c| c.address)
        .collect();
    assert_eq!(reg_emails, ["abuse@bakery.example", "noc@bakery.example"]);

    let walk = net.walk_entities();
    let handles: Vec<(&str, usize)> = walk
        .iter()
        .map(|v| (v.entity.handle.as_deref().unwrap(), v.depth))
        .collect();
    assert_eq!(
        handles,
        [
            ("BAKE-1", 0),
            ("ABUSE7-ARIN", 1),
            ("NOC1-ARIN", 1),
            ("ISP-ABUSE", 0)
        ]
    );
    // The REDACTED person's e-mail is still a usable address.
    let abuse_entity = walk[1].entity;
    assert!(abuse_entity.is_redacted(k()));
    assert_eq!(abuse_entity.emails(k()), ["abuse@bakery.example"]);
    let tech = rdap_emails_by_role(&net.entities, &RdapRole::Technical, k());
    assert_eq!(tech[0].path, ["BAKE-1", "NOC1-ARIN"]);
}

#[test]
fn nested_abuse_only() {
    // Without a top-level abuse entity the nested one is found, with its path.
    let doc = br#"{"objectClassName": "ip network", "entities": [
        {"handle": "ORG", "roles": ["registrant"], "entities": [
            {"handle": "TECH", "roles": ["technical"],
             "vcardArray": ["vcard", [["email", {}, "text", "tech@org.example"]]]},
            {"handle": "AB", "roles": ["abuse"],
             "vcardArray": ["vcard", [["email", {}, "text", "abuse@org.example"]]],
             "entities": [{"handle": "DEEP", "roles": ["abuse"],
               "vcardArray": ["vcard", [["email", {}, "text", "deep@org.example"]]]}]}]}]}"#;
    let net = parse_rdap_network(doc, "n").unwrap();
    let abuse: Vec<(String, Vec<String>)> = net
        .abuse_emails(k())
        .into_iter()
        .map(|c| (c.address, c.path))
        .collect();
    assert_eq!(
        abuse,
        [
            (
                "abuse@org.example".to_owned(),
                vec!["ORG".to_owned(), "AB".to_owned()]
            ),
            (
                "deep@org.example".to_owned(),
                vec!["ORG".to_owned(), "AB".to_owned(), "DEEP".to_owned()]
            ),
        ]
    );
}

#[test]
fn rfc9083_style_v6_network_and_jcard_shapes() {
    let net = parse_rdap_network(&fixture("v6-network.json"), "v6.json").unwrap();
    assert_eq!(net.ip_version, Some(6));
    assert_eq!(net.country.as_deref(), Some("NL"));
    assert!(net.cidrs.is_empty());
    assert_eq!(net.networks(), ["2001:db8::/48".parse().unwrap()]);
    assert!(net.contains(ip("2001:db8:0:1::5")));
    let card = net.registrant().unwrap().vcard.clone().unwrap();
    assert_eq!(card.full_name.as_deref(), Some("Jan Jansen"));
    assert_eq!(card.org, ["Winkel Voorbeeld BV, IT"]);
    assert_eq!(card.kind.as_deref(), Some("individual"));
    assert_eq!(card.emails, ["jan@winkel.example"]);
    assert_eq!(
        card.addresses,
        ["Suite 2, Dorpsstraat 1, Utrecht, 3511 AA, NL"]
    );
    assert_eq!(card.phones, ["+31-30-555-0100"]);
    // org wins over fn for the organisation name.
    assert_eq!(net.registrant_name(k()), Some("Winkel Voorbeeld BV, IT"));
    assert!(net.abuse_emails(k()).is_empty());
    assert_eq!(net.registrant_emails(k())[0].address, "jan@winkel.example");
}

#[test]
fn error_objects_are_recognised() {
    let doc = parse_rdap(&fixture("error-404.json"), "e.json").unwrap();
    let RdapDocument::Error(e) = doc else {
        panic!("{doc:?}")
    };
    assert_eq!(e.error_code, Some(404));
    assert_eq!(e.title.as_deref(), Some("Not Found"));
    assert_eq!(e.description.len(), 2);
    let err = parse_rdap_network(&fixture("error-404.json"), "e.json").unwrap_err();
    assert!(err.to_string().contains("RDAP error response 404"), "{err}");
}

#[test]
fn other_classes_and_entities() {
    let doc = parse_rdap(&fixture("autnum.json"), "as.json").unwrap();
    let RdapDocument::Other(o) = doc else {
        panic!("{doc:?}")
    };
    assert_eq!(o.object_class_name.as_deref(), Some("autnum"));
    assert_eq!(o.abuse_emails(k())[0].address, "abuse@transit.example");
    assert_eq!(
        o.registrant().unwrap().organisation_name(k()),
        Some("Example Transit")
    );
    let err = parse_rdap_network(&fixture("autnum.json"), "as.json").unwrap_err();
    assert!(err.to_string().contains("autnum"), "{err}");

    let ent = parse_rdap(
        br#"{"objectClassName": "entity", "handle": "E1", "roles": ["abuse"]}"#,
        "e",
    )
    .unwrap();
    assert!(matches!(ent, RdapDocument::Entity(e) if e.handle.as_deref() == Some("E1")));
}

#[test]
fn odd_shapes_are_tolerated_and_noted() {
    let net = parse_rdap_network(&fixture("odd-shapes.json"), "odd.json").unwrap();
    assert_eq!(net.handle.as_deref(), Some("12345"));
    assert_eq!(net.status, ["active"]);
    assert_eq!(net.start_address, Some(ip("198.51.100.0")));
    assert_eq!(net.end_address, None);
    assert_eq!(net.ip_version, None);
    // Host bits cleared; a string length accepted; a bad length and a non-object dropped.
    assert_eq!(
        net.cidrs,
        [
            "198.51.100.0/24".parse().unwrap(),
            "2001:db8::/48".parse().unwrap()
        ]
    );
    assert_eq!(net.networks().len(), 2);
    let w = net.warnings.join("\n");
    for needle in [
        "endAddress",
        "ipVersion",
        "cidr0_cidrs",
        "not an object",
        "entities is not an array",
        "vcardArray is not a jCard",
    ] {
        assert!(w.contains(needle), "{needle} missing in {w}");
    }
    assert_eq!(net.redacted, ["Registrant Email"]);

    let abuse: Vec<String> = net
        .abuse_emails(k())
        .into_iter()
        .map(|c| c.address)
        .collect();
    assert_eq!(abuse, ["one@odd.example", "two@odd.example"]);
    let walk = net.walk_entities();
    assert_eq!(walk.len(), 3);
    let odd1 = walk[0].entity;
    assert_eq!(
        odd1.vcard.as_ref().unwrap().full_name.as_deref(),
        Some("42")
    );
    assert!(odd1.is_redacted(k()), "unread@ripe.net is a placeholder");
    // The registrant with only redacted data gives no name; the first registrant has no jCard.
    assert_eq!(net.registrant_name(k()), None);
    let private = walk[2].entity;
    assert!(private.is_redacted(k()));
    assert!(private.emails(k()).is_empty());
}

#[test]
fn jcard_email_preference_and_display_names() {
    let doc = br#"{"objectClassName": "entity", "handle": "E", "roles": ["abuse"],
      "vcardArray": ["vcard", [
        ["email", {}, "text", "Abuse Desk <desk@isp.example>"],
        ["email", {"pref": "1"}, "text", "first@isp.example"],
        ["email", {"pref": 2}, "text", "second@isp.example; third@isp.example"]
      ]]}"#;
    let RdapDocument::Entity(e) = parse_rdap(doc, "e").unwrap() else {
        panic!()
    };
    assert_eq!(
        e.emails(k()),
        [
            "first@isp.example",
            "second@isp.example",
            "third@isp.example",
            "desk@isp.example"
        ]
    );
}

#[test]
fn invalid_json_has_a_position() {
    let err = parse_rdap(b"{\n  \"handle\": \"x\",\n  oops\n}", "bad.json").unwrap_err();
    assert_eq!(err.source_name(), "bad.json");
    assert_eq!(err.line(), 3);
    match err.kind() {
        ErrorKind::Json { column, .. } => assert_eq!(*column, 3),
        other => panic!("{other:?}"),
    }
    assert_eq!(err.to_string(), format!("bad.json:3:3: {}", err.kind()));
    assert!(matches!(
        parse_rdap(b"[1, 2]", "arr.json").map_err(|e| (e.line(), e.into_kind())),
        Err((1, ErrorKind::Json { .. }))
    ));
    assert!(matches!(
        parse_rdap(b"", "empty.json").map_err(Error::into_kind),
        Err(ErrorKind::Json { .. })
    ));
    assert!(matches!(
        parse_rdap(b"\xff\xfe", "bin.json").map_err(Error::into_kind),
        Err(ErrorKind::Json { .. })
    ));
}

fn nested(depth: usize) -> Vec<u8> {
    // `depth` nested arrays inside the top-level object's "x" member.
    let mut s = String::from("{\"x\": ");
    s.push_str(&"[".repeat(depth));
    s.push_str(&"]".repeat(depth));
    s.push('}');
    s.into_bytes()
}

#[test]
fn nesting_depth_cap() {
    // The object itself is one level.
    assert!(parse_rdap(&nested(MAX_RDAP_JSON_DEPTH - 1), "ok").is_ok());
    assert!(matches!(
        parse_rdap(&nested(MAX_RDAP_JSON_DEPTH), "deep").map_err(|e| (e.line(), e.into_kind())),
        Err((1, ErrorKind::Json { .. }))
    ));
}

#[test]
fn size_cap() {
    let body = br#"{"objectClassName": "ip network"}"#;
    let mut at_cap = body.to_vec();
    at_cap.resize(MAX_RDAP_BYTES, b' ');
    assert!(parse_rdap(&at_cap, "ok").is_ok());
    at_cap.push(b' ');
    assert!(matches!(
        parse_rdap(&at_cap, "big").map_err(Error::into_kind),
        Err(ErrorKind::TooLarge { max: MAX_RDAP_BYTES, len, .. }) if len == MAX_RDAP_BYTES + 1
    ));
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        prop_oneof![
            Just("abuse".to_owned()),
            Just("registrant".to_owned()),
            Just("vcard".to_owned()),
            Just("email".to_owned()),
            Just("fn".to_owned()),
            Just("a@b.example".to_owned()),
            Just("192.0.2.1".to_owned()),
            "[ -~]{0,12}",
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        let key = prop_oneof![
            Just("entities".to_owned()),
            Just("roles".to_owned()),
            Just("vcardArray".to_owned()),
            Just("cidr0_cidrs".to_owned()),
            Just("startAddress".to_owned()),
            Just("events".to_owned()),
            Just("remarks".to_owned()),
            Just("errorCode".to_owned()),
            Just("objectClassName".to_owned()),
            Just("length".to_owned()),
            Just("v4prefix".to_owned()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_rdap(&data, "fuzz");
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value(), class in prop_oneof![
        Just("ip network"), Just("entity"), Just("autnum"), Just("")
    ]) {
        let doc = serde_json::json!({
            "objectClassName": class,
            "entities": [v.clone()],
            "cidr0_cidrs": v.clone(),
            "vcardArray": v,
        });
        let bytes = serde_json::to_vec(&doc).unwrap();
        match parse_rdap(&bytes, "p") {
            Ok(RdapDocument::IpNetwork(n)) => {
                let abuse = n.abuse_emails(k());
                for (i, c) in abuse.iter().enumerate() {
                    prop_assert!(c.address.contains('@'));
                    prop_assert!(c.path.len() == c.depth + 1);
                    prop_assert!(c.roles.contains(&RdapRole::Abuse));
                    // De-duplicated, and shallowest first.
                    for later in abuse.iter().skip(i + 1) {
                        prop_assert!(!later.address.eq_ignore_ascii_case(&c.address));
                        prop_assert!(later.depth >= c.depth);
                    }
                }
                let _ = n.registrant_name(k());
                let _ = n.networks();
            }
            Ok(_) => {}
            Err(e) => prop_assert!(false, "valid JSON object refused: {e}"),
        }
    }
}
