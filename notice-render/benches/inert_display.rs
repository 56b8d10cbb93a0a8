//! `notice_render::inert::display` of the values the HTML bodies of `html_bodies` show (every
//! distinct value a notice context passes it there: protocols, IP addresses, host names,
//! extra-field names and values, tags, evidence, the hostile certificate name), each once a
//! round, `N` rounds: a fixed amount of work for counting instructions
//! (`valgrind --tool=callgrind`, N rounds minus 0 rounds), which criterion's adaptive
//! iteration counts are not. `--value S` displays only `S`, to see what one sort of value
//! costs.
//!
//! ```text
//! cargo bench -p notice-render --bench inert_display --no-run
//! valgrind --tool=callgrind target/release/deps/inert_display-HASH --rounds 10000
//! valgrind --tool=callgrind target/release/deps/inert_display-HASH --rounds 0
//! valgrind --tool=callgrind target/release/deps/inert_display-HASH --rounds 10000 --value 203.0.113.5
//! ```
//!
//! `cargo bench` (no `--rounds`) runs 20,000 rounds and also prints the wall time per value;
//! `cargo test --benches` runs one round. Every run prints the bytes written and a hash of the
//! first round, so two builds can be checked to write the same values.

use std::hint::black_box;

mod support;

use notice_render::inert::display;

/// The distinct values `display` is given while `html_bodies` renders its 32 notices.
const VALUES: &[&str] = &[
    "",
    "tcp",
    "203.0.113.5",
    "203.0.113.6",
    "203.0.113.7",
    "host-5.dsl.example.net",
    "nas.example.nl",
    "subject_common_name",
    "<img src=x onerror=alert(1)>\"evil\"&\u{202E}txt.exe",
    "rdp_protocol",
    "CredSSP",
    "smb_version_string",
    "SMB 1.0",
    "rdp",
    "smb",
    "exchange, cve-2021-26855",
    "zimbra, cve-2024-45519",
    "ivanti-connect-secure, cve-2025-22457",
    "fortios, cve-2024-21762",
    "mirai",
    "x",
    "registry-customer",
    "Voorbeeld B.V.",
    "ptr",
    "securitytxt",
    "rdap-abuse",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = support::rounds(&args, 20_000);
    let one: Vec<&str>;
    let values = match args.iter().position(|a| a == "--value") {
        Some(i) => match args.get(i + 1) {
            Some(v) => {
                one = vec![v.as_str()];
                one.as_slice()
            }
            None => panic!("--value takes a value"),
        },
        None => VALUES,
    };
    support::run_rounds(values, rounds, "values", ("ns a value", 1e9), |value| {
        display(black_box(value))
    });
}
