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
    let rounds = match args.iter().position(|a| a == "--rounds") {
        Some(i) => match args.get(i + 1).map(|n| n.parse::<usize>()) {
            Some(Ok(n)) => n,
            _ => panic!("--rounds takes a number"),
        },
        // `cargo bench` passes --bench; `cargo test --benches` does not
        None if args.iter().any(|a| a == "--bench") => 20_000,
        None => 1,
    };
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
    let started = std::time::Instant::now();
    let mut bytes = 0usize;
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for round in 0..rounds {
        for value in values {
            let shown = display(black_box(value));
            bytes += shown.len();
            if round == 0 {
                for b in shown.bytes() {
                    hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
    }
    let elapsed = started.elapsed();
    let calls = rounds * values.len();
    let per_call = if calls == 0 {
        String::new()
    } else {
        format!(
            ", {:.1} ns a value",
            elapsed.as_secs_f64() * 1e9 / calls as f64
        )
    };
    println!(
        "{calls} values ({rounds} rounds of {}), {bytes} bytes, first round FNV-1a {hash:016x}{per_call}",
        values.len()
    );
}
