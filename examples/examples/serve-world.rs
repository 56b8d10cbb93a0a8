//! `serve-world`: serve an evidence snapshot as DNS, WHOIS, RDAP and HTTPS servers on
//! 127.0.0.1 and print the `collect` flags that point at them. See
//! `examples::loopback_world::serve_world`.
use clap::Parser;

fn main() {
    let args = examples::loopback_world::serve_world::Args::parse();
    std::process::exit(examples::loopback_world::serve_world::run(&args));
}
