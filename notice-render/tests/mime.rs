//! The MIME message read back with a real MIME parser (mail-parser): headers,
//! encoded-words, quoted-printable bodies and the attachment decode to
//! exactly what the renderer produced, for plain, hostile and non-ASCII
//! values; and the raw bytes keep to RFC 5322/2045/2047 line rules.

mod common;

use common::*;
use mail_parser::{Message, MessageParser, MimeHeaders};
use notice_render::inert::header_value;
use notice_render::{AggregateOptions, Finding, Recipient, RenderOptions, Renderer, aggregate};
use proptest::prelude::*;

fn one_notice(r: &Renderer, findings: Vec<Finding>, to: Recipient) -> notice_render::Notice {
    let pairs = findings.into_iter().map(|f| (f, to.clone()));
    let mut agg = aggregate(r.catalogue(), pairs, &AggregateOptions::default(), now()).unwrap();
    assert_eq!(agg.notices.len(), 1);
    agg.notices.remove(0)
}

fn lf(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn parse(mime: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(mime)
        .expect("mail-parser reads the message")
}

/// Every decoded part equals the renderer's own output, and the headers
/// decode to the values they were made from.
fn assert_round_trip(r: &Renderer, notice: &notice_render::Notice) {
    let out = r.render(notice, now()).unwrap();
    let m = parse(&out.mime);

    assert_eq!(m.subject().unwrap_or_default(), out.subject);
    let from = m.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.address(), Some(r.options().from.as_str()));
    assert_eq!(
        from.name(),
        Some(header_value(&r.options().sender_name, 100).as_str())
    );
    let to = m.to().and_then(|a| a.first()).expect("To");
    assert_eq!(to.address(), Some(notice.recipient.address.as_str()));
    let org = header_value(&notice.recipient.organisation, 100);
    if org.is_empty() {
        assert_eq!(to.name(), None);
    } else {
        assert_eq!(to.name(), Some(org.as_str()));
    }
    let reply_to = m.reply_to().and_then(|a| a.first()).expect("Reply-To");
    assert_eq!(reply_to.address(), r.options().reply_to.as_deref());
    assert_eq!(
        m.message_id(),
        Some(format!("{}@notices.example.org", notice.ticket).as_str())
    );
    assert_eq!(m.date().map(|d| d.to_timestamp()), Some(now().timestamp()));

    let root = m.root_part();
    let ct = root.content_type().expect("Content-Type");
    assert_eq!((ct.ctype(), ct.subtype()), ("multipart", Some("mixed")));
    assert_eq!(m.text_body_count(), 1);
    assert_eq!(
        m.body_text(0).map(|t| lf(&t)),
        Some(out.text.clone()),
        "text part"
    );
    assert_eq!(
        m.body_html(0).map(|t| lf(&t)),
        Some(out.html.clone()),
        "HTML part"
    );
    let attachments: Vec<_> = m.attachments().collect();
    assert_eq!(attachments.len(), 1);
    let csv = attachments[0];
    assert_eq!(
        csv.attachment_name(),
        Some(format!("{}.csv", notice.ticket).as_str())
    );
    assert!(csv.is_content_type("text", "csv"));
    assert_eq!(
        lf(std::str::from_utf8(csv.contents()).unwrap()),
        lf(&out.csv),
        "CSV part"
    );
    for part in [m.text_bodies().next(), m.html_bodies().next(), Some(csv)] {
        let part = part.expect("part");
        assert_eq!(
            part.content_type().and_then(|c| c.attribute("charset")),
            Some("utf-8")
        );
        assert_eq!(part.content_transfer_encoding(), Some("quoted-printable"));
    }

    assert_line_rules(&out.mime);
}

/// CRLF line ends only, ASCII only, header lines at most 78 characters and
/// body lines at most 76 (quoted-printable), encoded-words at most 75.
fn assert_line_rules(mime: &[u8]) {
    let text = std::str::from_utf8(mime).expect("UTF-8");
    assert!(text.is_ascii(), "the message is 7-bit");
    assert!(!text.replace("\r\n", "").contains(['\r', '\n']));
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    for line in head.split("\r\n") {
        assert!(line.len() <= 78, "header line of {}: {line}", line.len());
        for word in line.split(' ').filter(|w| w.starts_with("=?")) {
            assert!(word.len() <= 75, "encoded-word of {}: {word}", word.len());
            assert!(
                line.len() <= 76,
                "line with an encoded-word of {}: {line}",
                line.len()
            );
        }
    }
    for line in body.split("\r\n") {
        assert!(line.len() <= 76, "body line of {}: {line}", line.len());
    }
}

#[test]
fn hostile_notice_reads_back_in_both_languages() {
    let r = renderer();
    for lang in ["nl", "en"] {
        let notice = one_notice(&r, vec![hostile_rdp()], recipient(lang));
        assert_round_trip(&r, &notice);
    }
}

#[test]
fn every_entry_reads_back() {
    let r = renderer();
    for entry in r.catalogue().entries() {
        let f = Finding::new("192.0.2.1", entry.id.as_str(), at(2025, 3, 4, 0, 0, 0))
            .with_port(443)
            .with_asset("www.example.nl")
            .with_extra("banner", "Ünïcödé = \"quoted\"\tand a line that is long enough to need a soft line break somewhere");
        let mut notice = one_notice(&r, vec![f], recipient("nl"));
        notice.groups[0].entry = entry.id.clone();
        assert_round_trip(&r, &notice);
    }
}

#[test]
fn non_ascii_names_are_encoded_words_and_read_back() {
    let options = RenderOptions::new(
        "Stichting Cybersécurité Nederland — meldpunt",
        "cert@example.org",
        "notices.example.org",
    )
    .with_reply_to("abuse-desk@example.org");
    let r = Renderer::embedded(options).unwrap();
    let to = Recipient::new("security@example.nl")
        .with_organisation(
            "Gemeente ’s-Hertogenbosch, afdeling Één Informatievoorziening & Beveiliging",
        )
        .with_languages(["nl"]);
    let notice = one_notice(&r, vec![hostile_rdp()], to);
    assert_round_trip(&r, &notice);
    let mime = String::from_utf8(r.mime(&notice, now()).unwrap()).unwrap();
    let head = mime.split("\r\n\r\n").next().unwrap();
    assert!(head.starts_with("From: =?utf-8?Q?Stichting_Cybers=C3=A9curit=C3=A9"));
    assert!(head.contains("\r\nTo: =?utf-8?Q?Gemeente_=E2=80=99s-Hertogenbosch"));
}

#[test]
fn encoded_word_lookalikes_in_data_stay_literal() {
    // an organisation name that is itself an encoded-word must not be
    // decoded by the reader's client into something else
    let r = renderer();
    let to = Recipient::new("security@example.nl")
        .with_organisation("=?utf-8?B?UGF5IHRoaXMgaW52b2ljZQ==?=")
        .with_languages(["en"]);
    let notice = one_notice(&r, vec![hostile_rdp()], to);
    let out = r.render(&notice, now()).unwrap();
    let m = parse(&out.mime);
    let name = m.to().and_then(|a| a.first()).and_then(|a| a.name());
    assert_eq!(name, Some("=?utf-8?B?UGF5IHRoaXMgaW52b2ljZQ==?="));
    assert_round_trip(&r, &notice);
    // in the asset it is not a host name, so the subject leaves it out
    let f = hostile_rdp().with_asset("=?utf-8?B?UGF5IHRoaXMgaW52b2ljZQ==?=");
    let notice = one_notice(&r, vec![f], recipient("en"));
    let out = r.render(&notice, now()).unwrap();
    assert!(!out.subject.contains("=?"), "{}", out.subject);
    assert_eq!(parse(&out.mime).subject(), Some(out.subject.as_str()));
    // the customer an abuse-desk subject names stays literal too
    let f = hostile_rdp().with_customer(notice_render::Customer::new(
        "=?utf-8?B?UGF5IHRoaXMgaW52b2ljZQ==?=",
        "",
    ));
    let to = recipient("en").with_via("rdap-abuse");
    let notice = one_notice(&r, vec![f], to);
    let out = r.render(&notice, now()).unwrap();
    assert!(
        out.subject
            .starts_with("Your customer =?utf-8?B?UGF5IHRoaXMgaW52b2ljZQ==?=: "),
        "{}",
        out.subject
    );
    assert_eq!(parse(&out.mime).subject(), Some(out.subject.as_str()));
}

#[test]
fn long_ascii_organisation_folds_and_reads_back() {
    let r = renderer();
    let to = Recipient::new("security@example.nl")
        .with_organisation(
            "Voorbeeld \"Holding\" B.V. \\ Afdeling Informatiebeveiliging en Continuïteit Noord",
        )
        .with_languages(["en"]);
    assert_round_trip(&r, &one_notice(&r, vec![hostile_rdp()], to));
    let to = Recipient::new("security@example.nl")
        .with_organisation("Quote \"and\" back\\slash")
        .with_languages(["en"]);
    let notice = one_notice(&r, vec![hostile_rdp()], to);
    let mime = String::from_utf8(r.mime(&notice, now()).unwrap()).unwrap();
    assert!(mime.contains("\r\nTo: \"Quote \\\"and\\\" back\\\\slash\" <security@example.nl>\r\n"));
    assert_round_trip(&r, &notice);
}

#[test]
fn an_empty_subject_has_no_empty_encoded_word() {
    let templates = notice_render::Templates::embedded()
        .with_template("subject.en.txt", "  ")
        .unwrap();
    let r = Renderer::new(
        notice_render::Catalogue::embedded().unwrap(),
        templates,
        options(),
    )
    .unwrap();
    let notice = one_notice(&r, vec![hostile_rdp()], recipient("en"));
    let mime = String::from_utf8(r.mime(&notice, now()).unwrap()).unwrap();
    assert!(mime.contains("\r\nSubject:\r\n"), "{mime}");
    assert_round_trip(&r, &notice);
}

#[test]
fn boundary_lines_occur_only_as_delimiters() {
    let r = renderer();
    let mime = String::from_utf8(
        r.mime(&one_notice(&r, vec![hostile_rdp()], recipient("en")), now())
            .unwrap(),
    )
    .unwrap();
    let h = headers(&mime);
    let mix = boundary_of(header(&h, "Content-Type").unwrap());
    assert!(mix.starts_with("=_"));
    // data holding the boundary (and every line a delimiter could start)
    let evil = hostile_rdp()
        .with_extra("banner", format!("\n--{mix}\n--{mix}--\r\n--=_alt_"))
        .with_asset(format!("--{mix}--"));
    let notice = one_notice(&r, vec![evil], recipient("en"));
    let mime = String::from_utf8(r.mime(&notice, now()).unwrap()).unwrap();
    // a delimiter line is `--` and the boundary, which starts with `=_`;
    // quoted-printable never writes `=_`, so only delimiters can
    let delimiters = mime.split("\r\n").filter(|l| l.contains("=_")).count();
    // the top Content-Type, the alternative's Content-Type, then mixed:
    // 2 delimiters + close, alternative: 2 delimiters + close
    assert_eq!(delimiters, 8, "{mime}");
    assert!(mime.contains(&format!("\r\n--{mix}\r\n")));
    assert!(mime.ends_with(&format!("\r\n--{mix}--\r\n")));
    assert_round_trip(&r, &notice);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any asset, organisation and field value: the message reads back to
    /// the rendered parts and keeps the line rules.
    #[test]
    fn any_values_read_back(
        asset in "\\PC{0,120}",
        org in "\\PC{0,120}",
        value in "(\\PC|[\r\n\t =]){0,300}",
    ) {
        let r = renderer();
        let f = hostile_rdp().with_asset(asset).with_extra("banner", value);
        let to = Recipient::new("security@example.nl").with_organisation(org).with_languages(["nl"]);
        let notice = one_notice(&r, vec![f], to);
        assert_round_trip(&r, &notice);
    }
}
