//! The `serde` feature: documents and diagnostics survive a JSON round trip.
#![cfg(feature = "serde")]

mod common;

use common::{VALID, check, signed};
use securitytxt::{Code, Diagnostic, OwnedDocument};

#[test]
fn diagnostics_round_trip_with_stable_names() {
    let diags = check(format!("{VALID}Contact: a@example.com\n"));
    let json = serde_json::to_string(&diags).unwrap();
    assert!(json.contains(r#""code":"bare_email""#), "{json}");
    assert!(json.contains(r#""severity":"error""#), "{json}");
    let back: Vec<Diagnostic> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, diags);
    assert!(serde_json::from_str::<Code>(r#""no_such_code""#).is_err());
}

#[test]
fn documents_round_trip_into_owned_form() {
    let input = signed(VALID);
    let doc = securitytxt::parse(input.as_bytes()).unwrap();
    let json = serde_json::to_string(&doc).unwrap();
    let back: OwnedDocument = serde_json::from_str(&json).unwrap();
    assert_eq!(back, doc.clone().into_owned());
    assert_eq!(back.signature(), doc.signature());
    let view = serde_json::to_value(doc.contact_view()).unwrap();
    assert_eq!(view["contacts"][0]["address"], "security@example.com");
}
