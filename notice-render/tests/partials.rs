//! The partials (`shared.{nl,en}.{txt,html}`, and the frame `head.{nl,en}.html`,
//! `closing.{nl,en}.{txt,html}`): the blocks business and abuse-desk notices
//! share, replaceable like the templates, and a directory without them keeps
//! the built-in ones.

mod common;

use std::path::Path;

use common::*;
use notice_render::render::{FRAME_NAMES, PARTIAL_NAMES, TEMPLATE_NAMES};
use notice_render::{
    AggregateOptions, Catalogue, Customer, ErrorKind, Notice, Recipient, RecipientRole, Renderer,
    Templates, aggregate,
};

fn built_in(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("templates")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn notice_for(r: &Renderer, role: RecipientRole, lang: &str) -> Notice {
    let to = Recipient::new("abuse@hosting.example")
        .with_organisation("Hosting B.V.")
        .with_languages([lang])
        .with_via("rdap-abuse")
        .with_role(role);
    let finding = hostile_rdp().with_customer(Customer::new("Voorbeeld B.V.", "voorbeeld.nl"));
    let mut agg = aggregate(
        r.catalogue(),
        [(finding, to)],
        &AggregateOptions::default(),
        now(),
    )
    .unwrap();
    assert_eq!(agg.notices.len(), 1);
    agg.notices.remove(0)
}

fn with_dir(dir: &Path) -> notice_render::Result<Renderer> {
    let templates = Templates::embedded().with_dir(dir)?;
    Renderer::new(Catalogue::embedded()?, templates, options())
}

#[test]
fn every_partial_name_has_a_built_in_source_and_differs_from_the_templates() {
    for name in PARTIAL_NAMES {
        assert!(!TEMPLATE_NAMES.contains(&name), "{name}");
        assert!(built_in(name).contains("{% for p in problems %}"), "{name}");
        assert!(
            Templates::embedded()
                .with_template(name, built_in(name))
                .is_ok(),
            "{name}"
        );
    }
}

#[test]
fn a_directory_without_the_partials_keeps_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    // the built-in business template with one line more, including the partial it finds
    let source = format!("Own first line\n{}", built_in("notice.en.txt"));
    assert!(source.contains("{% include \"shared.en.txt\" %}"));
    std::fs::write(dir.path().join("notice.en.txt"), source).unwrap();
    let own = with_dir(dir.path()).unwrap();
    let embedded = renderer();
    for role in [RecipientRole::Business, RecipientRole::NetworkOwner] {
        let notice = notice_for(&embedded, role, "en");
        let want = embedded.text(&notice, now()).unwrap();
        let have = own.text(&notice, now()).unwrap();
        if role == RecipientRole::Business {
            assert_eq!(have, format!("Own first line\n{want}"));
        } else {
            // the abuse-desk template was not replaced
            assert_eq!(have, want);
        }
        assert!(want.contains("Why it matters"));
    }
}

#[test]
fn a_partial_from_a_directory_changes_both_kinds_of_notice() {
    let dir = tempfile::tempdir().unwrap();
    for lang in ["en", "nl"] {
        for ext in ["txt", "html"] {
            let name = format!("shared.{lang}.{ext}");
            let source = built_in(&name).replace(
                "{% for p in problems %}\n",
                "{% for p in problems %}\nOwn block\n",
            );
            assert_ne!(source, built_in(&name), "{name}");
            std::fs::write(dir.path().join(&name), source).unwrap();
        }
    }
    let own = with_dir(dir.path()).unwrap();
    let embedded = renderer();
    for lang in ["en", "nl"] {
        for role in [RecipientRole::Business, RecipientRole::NetworkOwner] {
            let notice = notice_for(&embedded, role, lang);
            // one line more per problem group, in both formats
            let groups = notice.groups.len();
            assert!(groups >= 1);
            let (text, html) = (
                own.text(&notice, now()).unwrap(),
                own.html(&notice, now()).unwrap(),
            );
            assert_eq!(
                text.matches("Own block\n").count(),
                groups,
                "{lang} {role:?}"
            );
            assert_eq!(
                html.matches("Own block\n").count(),
                groups,
                "{lang} {role:?}"
            );
            let want = embedded.text(&notice, now()).unwrap();
            assert_eq!(text.replace("Own block\n", ""), want, "{lang} {role:?}");
            let want = embedded.html(&notice, now()).unwrap();
            assert_eq!(html.replace("Own block\n", ""), want, "{lang} {role:?}");
        }
    }
}

#[test]
fn the_customer_shows_in_the_abuse_desk_notice_only() {
    let r = renderer();
    for (lang, word) in [
        ("en", "customer: Voorbeeld B.V."),
        ("nl", "klant: Voorbeeld B.V."),
    ] {
        let business = notice_for(&r, RecipientRole::Business, lang);
        let desk = notice_for(&r, RecipientRole::NetworkOwner, lang);
        for (notice, shown) in [(&business, false), (&desk, true)] {
            let text = r.text(notice, now()).unwrap();
            let html = r.html(notice, now()).unwrap();
            assert_eq!(text.contains(&format!(", {word}")), shown, "{lang} text");
            assert_eq!(html.contains(&format!(", {word}")), shown, "{lang} html");
        }
    }
}

#[test]
fn a_template_that_imports_a_missing_partial_fails_when_the_renderer_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let source = built_in("notice.nl.html").replace("\"shared.nl.html\"", "\"shared.de.html\"");
    std::fs::write(dir.path().join("notice.nl.html"), source).unwrap();
    let err = with_dir(dir.path()).unwrap_err();
    match err.kind() {
        ErrorKind::Template { message } => {
            assert_eq!(err.source_name(), "notice.nl.html", "{err}");
            assert!(message.contains("shared.de.html"), "{err}");
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn a_mistake_in_a_partial_names_the_partial_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let source = built_in("shared.en.txt").replace("{{ p.why }}", "{{ p.wyh }}");
    let line = source
        .lines()
        .position(|l| l.contains("p.wyh"))
        .map(|i| i + 1)
        .unwrap();
    std::fs::write(dir.path().join("shared.en.txt"), source).unwrap();
    let err = with_dir(dir.path()).unwrap_err();
    match err.kind() {
        ErrorKind::Template { .. } => {
            assert_eq!(err.source_name(), "shared.en.txt", "{err}");
            assert_eq!(err.line(), line, "{err}");
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn a_template_that_does_not_set_the_partials_variables_is_refused() {
    let source = built_in("notice.abuse-desk.nl.txt").replace("{% set abuse_desk = true %}\n", "");
    assert_ne!(source, built_in("notice.abuse-desk.nl.txt"));
    let templates = Templates::embedded()
        .with_template("notice.abuse-desk.nl.txt", source)
        .unwrap();
    let err = Renderer::new(Catalogue::embedded().unwrap(), templates, options()).unwrap_err();
    match err.kind() {
        ErrorKind::Template { message } => {
            assert_eq!(err.source_name(), "shared.nl.txt", "{err}");
            assert!(message.contains("abuse_desk"), "{err}");
            assert!(message.contains("notice.abuse-desk.nl.txt"), "{err}");
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn unknown_partial_names_are_refused_with_the_names_there_are() {
    let err = Templates::embedded()
        .with_template("shared.de.txt", "x")
        .unwrap_err();
    let text = err.to_string();
    for name in PARTIAL_NAMES
        .iter()
        .chain(TEMPLATE_NAMES.iter())
        .chain(FRAME_NAMES.iter())
    {
        assert!(text.contains(name), "{text}");
    }
}

// The frame partials (`head.{nl,en}.html`, `closing.{nl,en}.{txt,html}`): the start and the
// end both kinds of notice include.

#[test]
fn every_frame_name_has_a_built_in_source_that_both_kinds_include_once() {
    for name in FRAME_NAMES {
        assert!(!TEMPLATE_NAMES.contains(&name), "{name}");
        assert!(!PARTIAL_NAMES.contains(&name), "{name}");
        assert!(
            Templates::embedded()
                .with_template(name, built_in(name))
                .is_ok(),
            "{name}"
        );
        let (part, rest) = name.split_once('.').unwrap();
        for kind in ["notice", "notice.abuse-desk"] {
            let template = built_in(&format!("{kind}.{rest}"));
            let include = format!("{{% include \"{name}\" %}}\n");
            assert_eq!(template.matches(&include).count(), 1, "{kind}.{rest}");
            if part == "head" {
                // first output of the template, after a comment and the variables
                let before = template.split(&include).next().unwrap();
                assert!(
                    before
                        .lines()
                        .all(|l| l.starts_with("{% set ")
                            || l.starts_with("{#") && l.ends_with("#}")),
                    "{kind}.{rest}"
                );
            } else {
                assert!(template.ends_with(&include), "{kind}.{rest}");
            }
        }
    }
}

#[test]
fn a_frame_partial_from_a_directory_changes_both_kinds_of_notice() {
    let dir = tempfile::tempdir().unwrap();
    for name in FRAME_NAMES {
        // a line after the comment at the top
        let source = built_in(name).replacen("#}\n", "#}\nOwn line\n", 1);
        assert_ne!(source, built_in(name), "{name}");
        std::fs::write(dir.path().join(name), source).unwrap();
    }
    let own = with_dir(dir.path()).unwrap();
    let embedded = renderer();
    for (lang, first, last) in [
        ("en", "Dear abuse team", "Questions?"),
        ("nl", "Geachte abuse-afdeling", "Vragen?"),
    ] {
        for role in [RecipientRole::Business, RecipientRole::NetworkOwner] {
            let notice = notice_for(&embedded, role, lang);
            let text = own.text(&notice, now()).unwrap();
            let html = own.html(&notice, now()).unwrap();
            // the text has a closing, the HTML a head and a closing
            assert_eq!(text.matches("Own line\n").count(), 1, "{lang} {role:?}");
            assert_eq!(html.matches("Own line\n").count(), 2, "{lang} {role:?}");
            let (_, after) = text.split_once("Own line\n").unwrap();
            assert!(after.starts_with(last), "{lang} {role:?}");
            assert!(
                html.starts_with("Own line\n<!DOCTYPE html>\n"),
                "{lang} {role:?}"
            );
            let (_, after) = html.rsplit_once("Own line\n").unwrap();
            assert!(after.starts_with(&format!("<p>{last}")), "{lang} {role:?}");
            if role == RecipientRole::NetworkOwner {
                assert!(text.starts_with(first) && html.contains(first));
            }
            let want = embedded.text(&notice, now()).unwrap();
            assert_eq!(text.replace("Own line\n", ""), want, "{lang} {role:?}");
            let want = embedded.html(&notice, now()).unwrap();
            assert_eq!(html.replace("Own line\n", ""), want, "{lang} {role:?}");
        }
    }
}

#[test]
fn a_mistake_in_a_frame_partial_names_it_and_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let source =
        built_in("closing.nl.html").replace("{{ sender.reply_to }}", "{{ sender.reply_ot }}");
    let line = source
        .lines()
        .position(|l| l.contains("reply_ot"))
        .map(|i| i + 1)
        .unwrap();
    std::fs::write(dir.path().join("closing.nl.html"), source).unwrap();
    let err = with_dir(dir.path()).unwrap_err();
    match err.kind() {
        ErrorKind::Template { message } => {
            assert_eq!(err.source_name(), "closing.nl.html", "{err}");
            assert_eq!(err.line(), line, "{err}");
            assert!(message.contains("included from notice."), "{err}");
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn only_the_business_notice_says_we_never_ask_for_passwords() {
    let r = renderer();
    for (lang, words) in [
        ("en", "We never ask you for passwords"),
        ("nl", "Wij vragen u nooit om wachtwoorden"),
    ] {
        for (role, shown) in [
            (RecipientRole::Business, true),
            (RecipientRole::NetworkOwner, false),
        ] {
            let notice = notice_for(&r, role, lang);
            let text = r.text(&notice, now()).unwrap().replace('\n', " ");
            let html = r.html(&notice, now()).unwrap();
            assert_eq!(text.contains(words), shown, "{lang} {role:?} text");
            assert_eq!(html.contains(words), shown, "{lang} {role:?} html");
        }
    }
}
