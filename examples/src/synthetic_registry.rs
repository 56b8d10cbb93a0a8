//! A deterministic synthetic RIPE-style registry dump for benchmarks and load tests: the
//! generator behind `gen-registry` (`examples::gen_registry`).
//!
//! The layout mimics a RIR split dump: every
//! 16th network is an `ALLOCATED PA` /20 of an LIR (with an `organisation` whose `abuse-c` is a
//! `role` with an `abuse-mailbox`); the other 15 are `ASSIGNED PA` customer ranges inside it,
//! not CIDR aligned, half of them with their own organisation and abuse role, a quarter with a
//! direct `abuse-c`, the rest inheriting the LIR's. Roles are dummified the way RIPE's split
//! files are (`Dummy address for ...`, `e-mail: unread@ripe.net`). Same seed, same bytes.
//!
//! The generator uses only the standard library, so the benches of `ip-attribution` include
//! this file with `#[path]` and call [`write_registry`]; keep it free of other crates.

use std::io::{self, Write};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenConfig {
    /// Number of inetnum objects.
    pub networks: usize,
    /// Seed of the deterministic generator.
    pub seed: u64,
    /// Also write organisation and role objects (abuse-c chains).
    pub contacts: bool,
}

/// Counts of what was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct GenSummary {
    /// inetnum objects.
    pub networks: usize,
    /// organisation objects.
    pub organisations: usize,
    /// role objects.
    pub roles: usize,
    /// Bytes written (uncompressed).
    pub bytes: u64,
}

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

fn ip(x: u32) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::from(x)
}

struct Counting<'w> {
    inner: &'w mut dyn Write,
    bytes: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn role(w: &mut dyn Write, handle: &str, name: &str, mailbox: &str) -> io::Result<()> {
    write!(
        w,
        "role:           {name} Abuse Desk\n\
         address:        Dummy address for {handle}\n\
         e-mail:         unread@ripe.net\n\
         abuse-mailbox:  {mailbox}\n\
         admin-c:        DUMY-RIPE\n\
         tech-c:         DUMY-RIPE\n\
         nic-hdl:        {handle}\n\
         mnt-by:         GEN-MNT\n\
         created:        2015-01-01T00:00:00Z\n\
         last-modified:  2020-01-01T00:00:00Z\n\
         source:         RIPE\n\
         remarks:        * THIS OBJECT IS MODIFIED\n\n"
    )
}

fn organisation(
    w: &mut dyn Write,
    handle: &str,
    name: &str,
    org_type: &str,
    abuse_c: &str,
) -> io::Result<()> {
    write!(
        w,
        "organisation:   {handle}\n\
         org-name:       {name}\n\
         country:        NL\n\
         org-type:       {org_type}\n\
         address:        Dummy address for {handle}\n\
         e-mail:         unread@ripe.net\n\
         abuse-c:        {abuse_c}\n\
         mnt-ref:        GEN-MNT\n\
         mnt-by:         GEN-MNT\n\
         created:        2015-01-01T00:00:00Z\n\
         last-modified:  2020-01-01T00:00:00Z\n\
         source:         RIPE\n\n"
    )
}

#[allow(clippy::too_many_arguments)]
fn inetnum(
    w: &mut dyn Write,
    start: u32,
    end: u32,
    netname: &str,
    descr: &str,
    status: &str,
    org: Option<&str>,
    abuse_c: Option<&str>,
) -> io::Result<()> {
    write!(
        w,
        "inetnum:        {} - {}\nnetname:        {netname}\ndescr:          {descr}\ncountry:        NL\n",
        ip(start),
        ip(end)
    )?;
    if let Some(org) = org {
        writeln!(w, "org:            {org}")?;
    }
    w.write_all(b"admin-c:        DUMY-RIPE\ntech-c:         DUMY-RIPE\n")?;
    if let Some(a) = abuse_c {
        writeln!(w, "abuse-c:        {a}")?;
    }
    write!(
        w,
        "status:         {status}\nmnt-by:         GEN-MNT\ncreated:        2016-05-04T10:00:00Z\nlast-modified:  2021-03-02T10:00:00Z\nsource:         RIPE\n\n"
    )
}

/// Writes `cfg.networks` inetnum objects (and their organisations and roles) to `out`.
pub fn write_registry(out: &mut dyn Write, cfg: &GenConfig) -> io::Result<GenSummary> {
    let mut w = Counting {
        inner: out,
        bytes: 0,
    };
    let mut rng = Rng(cfg.seed);
    let mut s = GenSummary::default();
    let base: u32 = 0x1000_0000; // 16.0.0.0
    let mut i = 0usize;
    let mut alloc = 0u32;
    while i < cfg.networks {
        let astart = base.wrapping_add(alloc << 12);
        let aend = astart + 0xfff;
        let lir = format!("ORG-L{alloc}-GEN");
        let lir_role = format!("LA{alloc}-GEN");
        if cfg.contacts {
            role(
                &mut w,
                &lir_role,
                &format!("Lir {alloc}"),
                &format!("abuse@lir{alloc}.example"),
            )?;
            organisation(&mut w, &lir, &format!("Lir {alloc} B.V."), "LIR", &lir_role)?;
            s.roles += 1;
            s.organisations += 1;
        }
        inetnum(
            &mut w,
            astart,
            aend,
            &format!("NL-LIR{alloc}-2016"),
            &format!("Lir {alloc} B.V."),
            "ALLOCATED PA",
            Some(&lir),
            None,
        )?;
        i += 1;
        s.networks += 1;
        for slot in 0..15u32 {
            if i >= cfg.networks {
                break;
            }
            let sstart = astart + (slot << 8);
            let a = sstart + rng.below(128) as u32;
            let b = a + rng.below(u64::from(sstart + 255 - a) + 1) as u32;
            let c = format!("{alloc}x{slot}");
            let kind = rng.below(4);
            let (org, abuse) = match kind {
                0 | 1 if cfg.contacts => {
                    let org = format!("ORG-C{c}-GEN");
                    let r = format!("CR{c}-GEN");
                    role(
                        &mut w,
                        &r,
                        &format!("Customer {c}"),
                        &format!("abuse@customer{c}.example"),
                    )?;
                    organisation(&mut w, &org, &format!("Customer {c} B.V."), "OTHER", &r)?;
                    s.roles += 1;
                    s.organisations += 1;
                    (Some(org), None)
                }
                2 if cfg.contacts => {
                    let r = format!("CA{c}-GEN");
                    role(
                        &mut w,
                        &r,
                        &format!("Customer {c}"),
                        &format!("\"Customer {c}\" <abuse@c{c}.example>"),
                    )?;
                    s.roles += 1;
                    (None, Some(r))
                }
                _ => (None, None),
            };
            inetnum(
                &mut w,
                a,
                b,
                &format!("CUSTOMER-{c}-NET"),
                &format!("Customer {c} B.V."),
                "ASSIGNED PA",
                org.as_deref(),
                abuse.as_deref(),
            )?;
            i += 1;
            s.networks += 1;
        }
        alloc += 1;
    }
    w.flush()?;
    s.bytes = w.bytes;
    Ok(s)
}
