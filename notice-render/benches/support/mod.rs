//! What the notice-render benches share: the renderer they render with, and, for the benches
//! that count instructions (`html_bodies`, `inert_display`), the `--rounds` argument and the
//! loop that runs a fixed amount of work, hashes the first round and prints what was done.

// Each bench uses its part of this module.
#![allow(dead_code)]

use notice_render::{RenderOptions, Renderer};

/// The renderer every bench renders with: the built-in templates, a sender with every option.
pub(crate) fn renderer() -> Renderer {
    match Renderer::embedded(
        RenderOptions::new("Example CERT", "cert@example.org", "notices.example.org")
            .with_reply_to("abuse-desk@example.org")
            .with_phone("+31 70 123 4567")
            .with_website("https://www.example.org/notices")
            .with_verify_url("https://www.example.org/verify?ticket={ticket}"),
    ) {
        Ok(r) => r,
        Err(e) => panic!("renderer: {e}"),
    }
}

/// The number of rounds: `--rounds N`, else `bench_rounds` under `cargo bench` (which passes
/// `--bench`), else one (`cargo test --benches`).
pub(crate) fn rounds(args: &[String], bench_rounds: usize) -> usize {
    match args.iter().position(|a| a == "--rounds") {
        Some(i) => match args.get(i + 1).map(|n| n.parse::<usize>()) {
            Some(Ok(n)) => n,
            _ => panic!("--rounds takes a number"),
        },
        None if args.iter().any(|a| a == "--bench") => bench_rounds,
        None => 1,
    }
}

/// Runs `work` over every item, `rounds` times, and prints how many items of what (`what`, e.g.
/// "HTML bodies"), the bytes written, an FNV-1a hash of the first round (so two builds can be
/// checked to write the same) and the wall time per item in `unit` ("µs a body": `scale` 1e6).
pub(crate) fn run_rounds<T>(
    items: &[T],
    rounds: usize,
    what: &str,
    (unit, scale): (&str, f64),
    work: impl Fn(&T) -> String,
) {
    let started = std::time::Instant::now();
    let mut bytes = 0usize;
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for round in 0..rounds {
        for item in items {
            let out = work(item);
            bytes += out.len();
            if round == 0 {
                for b in out.bytes() {
                    hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
    }
    let elapsed = started.elapsed();
    let done = rounds * items.len();
    let per_item = if done == 0 {
        String::new()
    } else {
        format!(
            ", {:.1} {unit}",
            elapsed.as_secs_f64() * scale / done as f64
        )
    };
    println!(
        "{done} {what} ({rounds} rounds of {}), {bytes} bytes, first round FNV-1a {hash:016x}{per_item}",
        items.len()
    );
}
