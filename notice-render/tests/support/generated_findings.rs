//! The generated findings of the aggregation property tests, shared by the crate's unit tests
//! (`src/aggregate/tests.rs`) and the integration test `tests/aggregator.rs`, so both check the
//! aggregation over the same inputs. The including module provides `Finding`, `Recipient`,
//! `TimeDelta`, `DateTime`, `Utc` and proptest's prelude in its scope (`use super::*` here);
//! nothing here names the crate, so the file compiles on either side of it.

use super::*;

/// One row of the generator: (age in days, recipient address, problem, language, host number).
pub(super) type Row = (i64, &'static str, &'static str, &'static str, u8);

/// Findings and their recipients from generated rows, observed `age` days before `now`.
pub(super) fn pairs_of(rows: &[Row], now: DateTime<Utc>) -> Vec<(Finding, Recipient)> {
    rows.iter()
        .enumerate()
        .map(|(i, (age, addr, kind, lang, host))| {
            (
                // Few distinct addresses and ports: equal findings repeat and merge.
                Finding::new(
                    format!("192.0.2.{host}"),
                    *kind,
                    now - TimeDelta::days(*age),
                )
                .with_port(3389 + u16::from(*host % 2)),
                Recipient::new(*addr)
                    .with_languages([*lang])
                    .with_organisation(format!("Org {i}")),
            )
        })
        .collect()
}

/// Up to 80 rows: recipients equal after normalising, empty and malformed ones, known, unknown
/// and IntelMQ problem names, a language without a catalogue, six hosts on two ports.
pub(super) fn rows() -> impl Strategy<Value = Vec<Row>> {
    proptest::collection::vec(
        (
            0i64..30,
            prop_oneof![
                Just("a@x.nl"),
                Just(" A@X.NL "),
                Just("b@y.nl"),
                Just(""),
                Just("bad"),
                Just("c@z.example")
            ],
            prop_oneof![
                Just("scan_rdp"),
                Just("scan_smb"),
                Just("unknown_type"),
                Just("accessible-rdp")
            ],
            prop_oneof![Just("nl"), Just("en"), Just("de")],
            0u8..6,
        ),
        0..80,
    )
}
