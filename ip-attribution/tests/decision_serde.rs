//! With the `serde` feature, decisions serialise with the contract's spellings.
#![cfg(feature = "serde")]

use ip_attribution::{Outcome, Via};

#[test]
fn outcome_and_via_serialise_as_the_contract_spells_them() {
    for o in [
        Outcome::Organisation,
        Outcome::NetworkOwner,
        Outcome::Unattributed,
    ] {
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(json, format!("\"{}\"", o.as_str()));
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), o);
    }
    for v in [
        Via::Override,
        Via::SecurityTxt,
        Via::WhoisOrg,
        Via::RdapOrg,
        Via::NetworkAbuseC,
        Via::WhoisAbuseComment,
        Via::RdapAbuse,
        Via::AsnAbuse,
    ] {
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, format!("\"{}\"", v.as_str()));
        assert_eq!(serde_json::from_str::<Via>(&json).unwrap(), v);
    }
}

#[test]
fn a_decision_round_trips_through_json() {
    let ev = ip_attribution::Evidence::empty("192.0.2.1".parse().unwrap());
    let d = ip_attribution::Policy::default().decide(&ev);
    let json = serde_json::to_string(&d).unwrap();
    assert!(json.contains("\"outcome\":\"unattributed\""), "{json}");
    let back: ip_attribution::Decision = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
}
