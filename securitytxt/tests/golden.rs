//! Golden files: each `tests/golden/NAME.txt` is checked at a fixed time and its diagnostics
//! compared with `NAME.expected`. A first line `# golden-url: URL...` gives the fetch URL chain.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p securitytxt --test golden`.

mod common;

use securitytxt::Options;
use std::fmt::Write as _;
use std::path::Path;

/// How many golden cases there are: a case that silently disappears fails the test.
const CASES: usize = 30;

fn render(input: &[u8]) -> String {
    let urls: Vec<String> = input
        .strip_prefix(b"# golden-url: ")
        .and_then(|rest| rest.split(|&b| b == b'\n').next())
        .map(|l| {
            String::from_utf8_lossy(l)
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let diags = securitytxt::check(input, &Options::new(common::now()).with_fetched_from(urls));
    let mut out = format!(
        "verdict: {}\n",
        if securitytxt::is_valid(&diags) {
            "valid"
        } else {
            "invalid"
        }
    );
    for d in &diags {
        let _ = writeln!(out, "{d}");
    }
    out
}

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    inputs.sort();
    let mut failures = Vec::new();
    for path in &inputs {
        let input = std::fs::read(path).unwrap();
        let actual = render(&input);
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                path.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden files differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(inputs.len(), CASES, "golden cases read");
}
