//! The lifecycle state in one SQLite file (feature `sqlite`, SQLite bundled).
//!
//! - The schema carries its version in `PRAGMA user_version` and is migrated forward when the
//!   file is opened ([`SCHEMA_VERSION`]); a file from a newer version is refused
//!   ([`ErrorKind::StateTooNew`]), never changed.
//! - Every change is one transaction: a failed write leaves the file as it was.
//! - One writer at a time: the store takes SQLite's exclusive lock when it opens the file and
//!   holds it until it is dropped; a second program opening the same file gets
//!   [`ErrorKind::StateBusy`] at once (no waiting, no corrupt file).
//! - Times are kept as RFC 3339 UTC to the second, so they sort as text.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::records::{
    Acknowledgement, BounceRecord, HardBounce, NewNotice, PastNotice, Status, StoredNotice,
};
use super::{Store, StoreCounts, Transition};
use crate::{Error, ErrorKind, Result};

/// The schema version this build writes and reads (older files are migrated up to it).
pub const SCHEMA_VERSION: i64 = 3;

/// Forward migrations: entry `i` takes a file from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 → 1: the first schema.
    "CREATE TABLE notices (
        ticket TEXT PRIMARY KEY NOT NULL,
        recipient TEXT NOT NULL,
        day TEXT NOT NULL,
        message_id TEXT,
        message BLOB NOT NULL,
        path TEXT,
        digest TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt TEXT,
        next_attempt TEXT,
        reply TEXT,
        reason TEXT
     );
     CREATE INDEX notices_status ON notices (status, ticket);
     CREATE INDEX notices_message_id ON notices (message_id);
     CREATE TABLE notice_findings (
        ticket TEXT NOT NULL REFERENCES notices (ticket),
        feed TEXT NOT NULL,
        line INTEGER NOT NULL,
        ip TEXT NOT NULL,
        port INTEGER,
        report_type TEXT NOT NULL,
        entry TEXT NOT NULL,
        day TEXT NOT NULL
     );
     CREATE INDEX notice_findings_key ON notice_findings (ip, entry, day);
     CREATE TABLE bounces (
        id INTEGER PRIMARY KEY,
        address TEXT NOT NULL,
        address_key TEXT NOT NULL,
        at TEXT NOT NULL,
        status TEXT NOT NULL,
        ticket TEXT,
        hard INTEGER NOT NULL,
        source TEXT NOT NULL
     );
     CREATE INDEX bounces_address ON bounces (address_key);
     CREATE TABLE acknowledgements (
        id INTEGER PRIMARY KEY,
        prefix TEXT NOT NULL,
        entry TEXT NOT NULL,
        until TEXT NOT NULL,
        note TEXT NOT NULL,
        created TEXT NOT NULL,
        removed TEXT
     );
     CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);",
    // 1 → 2: the repeat window read as one range of days.
    "CREATE INDEX notice_findings_day ON notice_findings (day);",
    // 2 → 3: a hard bounce an operator cleared (the mailbox works again), with who, when, why.
    "ALTER TABLE bounces ADD COLUMN cleared TEXT;
     ALTER TABLE bounces ADD COLUMN cleared_by TEXT;
     ALTER TABLE bounces ADD COLUMN cleared_note TEXT;",
];

/// How to open the state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OpenOptions {
    /// Create the file when it does not exist (else a missing file is an error).
    pub create: bool,
}

impl OpenOptions {
    /// Options that create a missing file.
    pub fn create() -> Self {
        Self { create: true }
    }

    /// Options that require the file to exist.
    pub fn existing() -> Self {
        Self { create: false }
    }
}

/// The SQLite store; see the [module docs](self).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A short digest of the message bytes (FNV-1a 64, hex): enough to see that a file on disk is
/// the message queued.
pub(crate) fn digest(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

impl SqliteStore {
    /// Opens (or creates, with [`OpenOptions::create`]) the state at `path`, migrates it
    /// forward and takes the writer's lock.
    ///
    /// # Errors
    /// [`ErrorKind::State`] for a missing (without `create`), unreadable or non-SQLite file;
    /// [`ErrorKind::StateBusy`] when another program holds it; [`ErrorKind::StateTooNew`] for a file
    /// of a newer schema.
    pub fn open(path: &Path, options: OpenOptions) -> Result<Self> {
        let shown = path.display().to_string();
        if !options.create && !path.exists() {
            return Err(Error::state(
                shown,
                "no such file (daily-run --state creates it)",
            ));
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if options.create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| sql_error(&shown, e))?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
        };
        store.prepare().map_err(|e| match e.kind() {
            ErrorKind::State { .. } | ErrorKind::StateBusy | ErrorKind::StateTooNew { .. } => e,
            _ => Error::state(shown.clone(), e.to_string()),
        })?;
        Ok(store)
    }

    fn prepare(&mut self) -> Result<()> {
        let shown = self.shown();
        self.conn
            .busy_timeout(std::time::Duration::ZERO)
            .map_err(|e| sql_error(&shown, e))?;
        self.conn
            .pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(|e| sql_error(&shown, e))?;
        self.conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| sql_error(&shown, e))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Exclusive)
            .map_err(|e| sql_error(&shown, e))?;
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| sql_error(&shown, e))?;
        if version > SCHEMA_VERSION {
            return Err(Error::state_too_new(shown, version, SCHEMA_VERSION));
        }
        if version < 0 {
            return Err(Error::state(
                shown,
                format!("schema version {version} is not one this program wrote"),
            ));
        }
        for (from, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            tx.execute_batch(sql).map_err(|e| {
                Error::state(
                    shown.clone(),
                    format!("migrating schema {from} → {}: {e}", from + 1),
                )
            })?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| sql_error(&shown, e))?;
        // A write, so the exclusive lock is taken now and held until the store is dropped.
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![SCHEMA_VERSION.to_string()],
        )
        .map_err(|e| sql_error(&shown, e))?;
        tx.commit().map_err(|e| sql_error(&shown, e))
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        sql_error(&self.shown(), e)
    }

    fn stored_notice(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredNotice> {
        let status: String = row.get(5)?;
        let last: Option<String> = row.get(8)?;
        Ok(StoredNotice {
            ticket: row.get(0)?,
            recipient: row.get(1)?,
            day: parse_ts(&row.get::<_, String>(2)?),
            message_id: row.get(3)?,
            message: row.get(4)?,
            status: Status::parse(&status).unwrap_or(Status::Pending),
            attempts: row.get(6)?,
            reason: row.get(7)?,
            last_attempt: last.as_deref().map(parse_ts),
        })
    }
}

const NOTICE_COLUMNS: &str = "ticket, recipient, day, message_id, message, status, attempts,
     COALESCE(reply, reason), last_attempt";

fn sql_error(path: &str, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            Error::state_busy(path.to_string())
        }
        Some(ErrorCode::NotADatabase) => Error::state(
            path.to_string(),
            "not a state file (not an SQLite database)",
        ),
        Some(ErrorCode::CannotOpen) => Error::state(path.to_string(), format!("cannot open: {e}")),
        Some(ErrorCode::ReadOnly) => Error::state(path.to_string(), format!("not writable: {e}")),
        _ => Error::state(path.to_string(), e.to_string()),
    }
}

impl Store for SqliteStore {
    fn recent_notices(
        &mut self,
        keys: &[(String, String)],
        since: DateTime<Utc>,
    ) -> Result<Vec<PastNotice>> {
        // The window is short (days) and the day's keys many: one range read of the window,
        // filtered by the keys here, instead of one lookup per key.
        let wanted: std::collections::HashSet<(&str, &str)> =
            keys.iter().map(|(i, e)| (i.as_str(), e.as_str())).collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let shown = self.shown();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT f.ip, f.entry, n.recipient, n.ticket, n.day, n.status
                 FROM notice_findings f JOIN notices n ON n.ticket = f.ticket
                 WHERE f.day > ?1",
            )
            .map_err(|e| sql_error(&shown, e))?;
        let mut rows = stmt
            .query(params![ts(since)])
            .map_err(|e| sql_error(&shown, e))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| sql_error(&shown, e))? {
            let ip: String = r.get(0).map_err(|e| sql_error(&shown, e))?;
            let entry: String = r.get(1).map_err(|e| sql_error(&shown, e))?;
            if !wanted.contains(&(ip.as_str(), entry.as_str())) {
                continue;
            }
            let status: String = r.get(5).map_err(|e| sql_error(&shown, e))?;
            let day: String = r.get(4).map_err(|e| sql_error(&shown, e))?;
            out.push(PastNotice {
                ip,
                entry,
                recipient: r.get(2).map_err(|e| sql_error(&shown, e))?,
                ticket: r.get(3).map_err(|e| sql_error(&shown, e))?,
                day: parse_ts(&day),
                status: Status::parse(&status).unwrap_or(Status::Pending),
            });
        }
        Ok(out)
    }

    fn acknowledgements(&mut self, now: Option<DateTime<Utc>>) -> Result<Vec<Acknowledgement>> {
        let now = now.map(ts).unwrap_or_default();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, prefix, entry, until, note, created FROM acknowledgements
                 WHERE removed IS NULL AND until > ?1 ORDER BY id",
            )
            .map_err(|e| sql_error(&self.path.display().to_string(), e))?;
        let rows = stmt
            .query_map(params![now], |r| {
                Ok(Acknowledgement {
                    id: r.get(0)?,
                    prefix: r.get(1)?,
                    entry: r.get(2)?,
                    until: parse_ts(&r.get::<_, String>(3)?),
                    note: r.get(4)?,
                    created: parse_ts(&r.get::<_, String>(5)?),
                })
            })
            .map_err(|e| sql_error(&self.path.display().to_string(), e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| sql_error(&self.path.display().to_string(), e))
    }

    fn hard_bounces(&mut self) -> Result<Vec<HardBounce>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT address, at, status, ticket FROM bounces WHERE hard = 1 AND cleared IS NULL
                 ORDER BY at, id",
            )
            .map_err(|e| sql_error(&self.path.display().to_string(), e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(HardBounce {
                    address: r.get(0)?,
                    at: parse_ts(&r.get::<_, String>(1)?),
                    status: r.get(2)?,
                    ticket: r.get(3)?,
                })
            })
            .map_err(|e| sql_error(&self.path.display().to_string(), e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| sql_error(&self.path.display().to_string(), e))
    }

    fn next_ticket_number(&mut self, day_prefix: &str) -> Result<usize> {
        let start = i64::try_from(day_prefix.len()).unwrap_or(0) + 1;
        let max: Option<i64> = self
            .conn
            .query_row(
                "SELECT MAX(CAST(substr(ticket, ?2) AS INTEGER)) FROM notices
                 WHERE substr(ticket, 1, ?3) = ?1",
                params![day_prefix, start, start - 1],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(usize::try_from(max.unwrap_or(0)).unwrap_or(0) + 1)
    }

    fn queue(&mut self, notices: &[NewNotice]) -> Result<()> {
        let shown = self.shown();
        let tx = self.conn.transaction().map_err(|e| sql_error(&shown, e))?;
        {
            let mut n_stmt = tx
                .prepare_cached(
                    "INSERT INTO notices (ticket, recipient, day, message_id, message, path,
                     digest, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
                )
                .map_err(|e| sql_error(&shown, e))?;
            let mut f_stmt = tx
                .prepare_cached(
                    "INSERT INTO notice_findings (ticket, feed, line, ip, port, report_type,
                     entry, day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(|e| sql_error(&shown, e))?;
            for n in notices {
                let day = ts(n.day);
                n_stmt
                    .execute(params![
                        n.ticket,
                        n.recipient,
                        day,
                        n.message_id,
                        n.message,
                        n.path,
                        digest(&n.message),
                    ])
                    .map_err(|e| {
                        Error::state(shown.clone(), format!("queueing {}: {e}", n.ticket))
                    })?;
                for f in &n.findings {
                    f_stmt
                        .execute(params![
                            n.ticket,
                            f.feed,
                            i64::try_from(f.line).unwrap_or(i64::MAX),
                            f.ip,
                            f.port,
                            f.report_type,
                            f.entry,
                            day,
                        ])
                        .map_err(|e| sql_error(&shown, e))?;
                }
            }
        }
        tx.commit().map_err(|e| sql_error(&shown, e))
    }

    fn notices(&mut self, status: Status) -> Result<Vec<StoredNotice>> {
        let shown = self.shown();
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {NOTICE_COLUMNS} FROM notices WHERE status = ?1 ORDER BY ticket"
            ))
            .map_err(|e| sql_error(&shown, e))?;
        let rows = stmt
            .query_map(params![status.as_str()], Self::stored_notice)
            .map_err(|e| sql_error(&shown, e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| sql_error(&shown, e))
    }

    fn notice(&mut self, ticket: &str) -> Result<Option<StoredNotice>> {
        let shown = self.shown();
        self.conn
            .query_row(
                &format!("SELECT {NOTICE_COLUMNS} FROM notices WHERE ticket = ?1"),
                params![ticket],
                Self::stored_notice,
            )
            .optional()
            .map_err(|e| sql_error(&shown, e))
    }

    fn notice_by_message_id(&mut self, message_id: &str) -> Result<Option<StoredNotice>> {
        let shown = self.shown();
        let id = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        self.conn
            .query_row(
                &format!(
                    "SELECT {NOTICE_COLUMNS} FROM notices WHERE message_id = ?1 ORDER BY ticket LIMIT 1"
                ),
                params![id],
                Self::stored_notice,
            )
            .optional()
            .map_err(|e| sql_error(&shown, e))
    }

    fn apply(&mut self, ticket: &str, transition: &Transition) -> Result<()> {
        let shown = self.shown();
        let tx = self.conn.transaction().map_err(|e| sql_error(&shown, e))?;
        match transition {
            Transition::Sent { reply, at } => {
                tx.execute(
                    "UPDATE notices SET status = 'sent', reply = ?2, reason = NULL,
                     attempts = attempts + 1, last_attempt = ?3, next_attempt = NULL
                     WHERE ticket = ?1 AND status = 'pending'",
                    params![ticket, reply, ts(*at)],
                )
                .map_err(|e| sql_error(&shown, e))?;
            }
            Transition::Retry {
                attempts,
                reason,
                at,
                retry_at,
            } => {
                tx.execute(
                    "UPDATE notices SET attempts = ?2, reason = ?3, last_attempt = ?4,
                     next_attempt = ?5 WHERE ticket = ?1 AND status = 'pending'",
                    params![ticket, attempts, reason, ts(*at), ts(*retry_at)],
                )
                .map_err(|e| sql_error(&shown, e))?;
            }
            Transition::Failed { reason, at, bounce } => {
                let changed = tx
                    .execute(
                        "UPDATE notices SET status = 'failed', reason = ?2,
                         attempts = attempts + 1, last_attempt = ?3, next_attempt = NULL
                         WHERE ticket = ?1 AND status = 'pending'",
                        params![ticket, reason, ts(*at)],
                    )
                    .map_err(|e| sql_error(&shown, e))?;
                if changed > 0 {
                    insert_bounce(&tx, &BounceRecord::hard(bounce.clone(), "smtp"))
                        .map_err(|e| sql_error(&shown, e))?;
                }
            }
        }
        tx.commit().map_err(|e| sql_error(&shown, e))
    }

    fn record_bounces(&mut self, bounces: &[BounceRecord]) -> Result<()> {
        let shown = self.shown();
        let tx = self.conn.transaction().map_err(|e| sql_error(&shown, e))?;
        for b in bounces {
            insert_bounce(&tx, b).map_err(|e| sql_error(&shown, e))?;
        }
        tx.commit().map_err(|e| sql_error(&shown, e))
    }

    fn add_acknowledgement(&mut self, ack: &Acknowledgement) -> Result<i64> {
        let shown = self.shown();
        let tx = self.conn.transaction().map_err(|e| sql_error(&shown, e))?;
        tx.execute(
            "INSERT INTO acknowledgements (prefix, entry, until, note, created)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                ack.prefix,
                ack.entry,
                ts(ack.until),
                ack.note,
                ts(ack.created)
            ],
        )
        .map_err(|e| sql_error(&shown, e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| sql_error(&shown, e))?;
        Ok(id)
    }

    fn remove_acknowledgement(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let shown = self.shown();
        let tx = self.conn.transaction().map_err(|e| sql_error(&shown, e))?;
        let n = tx
            .execute(
                "UPDATE acknowledgements SET removed = ?2 WHERE id = ?1 AND removed IS NULL
                 AND until > ?2",
                params![id, ts(now)],
            )
            .map_err(|e| sql_error(&shown, e))?;
        tx.commit().map_err(|e| sql_error(&shown, e))?;
        Ok(n > 0)
    }

    fn clear_hard_bounces(
        &mut self,
        address: &str,
        by: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let shown = self.shown();
        let tx = self.conn.transaction().map_err(|e| sql_error(&shown, e))?;
        let n = tx
            .execute(
                "UPDATE bounces SET cleared = ?2, cleared_by = ?3, cleared_note = ?4
                 WHERE address_key = ?1 AND hard = 1 AND cleared IS NULL",
                params![address.trim().to_ascii_lowercase(), ts(now), by, note],
            )
            .map_err(|e| sql_error(&shown, e))?;
        tx.commit().map_err(|e| sql_error(&shown, e))?;
        Ok(n)
    }

    fn counts(&mut self) -> Result<StoreCounts> {
        let shown = self.shown();
        let q = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(|e| sql_error(&shown, e))
        };
        Ok(StoreCounts {
            pending: q("SELECT COUNT(*) FROM notices WHERE status = 'pending'")?,
            sent: q("SELECT COUNT(*) FROM notices WHERE status = 'sent'")?,
            failed: q("SELECT COUNT(*) FROM notices WHERE status = 'failed'")?,
            hard_bounces: q("SELECT COUNT(*) FROM bounces WHERE hard = 1")?,
            soft_bounces: q("SELECT COUNT(*) FROM bounces WHERE hard = 0")?,
            acknowledgements: q("SELECT COUNT(*) FROM acknowledgements")?,
        })
    }
}

/// Records a bounce unless the same one (address, ticket, status, hard or soft) is already
/// recorded, so reading the same mailbox twice counts nothing twice.
fn insert_bounce(tx: &rusqlite::Transaction<'_>, b: &BounceRecord) -> rusqlite::Result<usize> {
    let key = b.bounce.address.trim().to_ascii_lowercase();
    if b.bounce.ticket.is_some() {
        let seen: Option<i64> = tx
            .query_row(
                "SELECT id FROM bounces WHERE address_key = ?1 AND ticket = ?2 AND status = ?3
                 AND hard = ?4 LIMIT 1",
                params![key, b.bounce.ticket, b.bounce.status, i64::from(b.hard)],
                |r| r.get(0),
            )
            .optional()?;
        if seen.is_some() {
            return Ok(0);
        }
    }
    tx.execute(
        "INSERT INTO bounces (address, address_key, at, status, ticket, hard, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            b.bounce.address,
            key,
            ts(b.bounce.at),
            b.bounce.status,
            b.bounce.ticket,
            i64::from(b.hard),
            b.source,
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::records::CoveredFinding;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 6, 0, 0).unwrap()
    }

    #[test]
    fn queue_find_apply() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut s = SqliteStore::open(&path, OpenOptions::create()).unwrap();
        let n = NewNotice::new(
            "NTC-20261122-00001",
            "a@x.nl",
            now(),
            b"Message-ID: <NTC-20261122-00001@n.example>\r\n\r\nhi".to_vec(),
            vec![CoveredFinding::new(
                "f.csv",
                2,
                "192.0.2.1",
                Some(3389),
                "scan_rdp",
                "exposed-rdp",
            )],
        );
        s.queue(std::slice::from_ref(&n)).unwrap();
        // The same ticket twice: refused, nothing half-written.
        assert!(s.queue(std::slice::from_ref(&n)).is_err());
        assert_eq!(s.next_ticket_number("NTC-20261122-").unwrap(), 2);
        assert_eq!(s.next_ticket_number("NTC-20261123-").unwrap(), 1);
        let past = s
            .recent_notices(
                &[("192.0.2.1".into(), "exposed-rdp".into())],
                now() - chrono::TimeDelta::days(7),
            )
            .unwrap();
        assert_eq!(past.len(), 1);
        assert_eq!(past[0].ticket, "NTC-20261122-00001");
        let by_id = s
            .notice_by_message_id("<NTC-20261122-00001@n.example>")
            .unwrap()
            .unwrap();
        assert_eq!(by_id.ticket, n.ticket);
        s.apply(
            &n.ticket,
            &Transition::Sent {
                reply: "250 ok".into(),
                at: now(),
            },
        )
        .unwrap();
        // A sent notice stays sent.
        let b = HardBounce::new("a@x.nl", now(), "550", Some(n.ticket.clone()));
        s.apply(
            &n.ticket,
            &Transition::Failed {
                reason: "x".into(),
                at: now(),
                bounce: b,
            },
        )
        .unwrap();
        let got = s.notice(&n.ticket).unwrap().unwrap();
        assert_eq!(got.status, Status::Sent);
        assert_eq!(got.reason.as_deref(), Some("250 ok"));
        assert!(s.hard_bounces().unwrap().is_empty());
        // The same DSN read twice is recorded once.
        let b = HardBounce::new("a@x.nl", now(), "5.1.1", Some(n.ticket.clone()));
        s.record_bounces(&[BounceRecord::hard(b.clone(), "x.eml")])
            .unwrap();
        s.record_bounces(&[BounceRecord::hard(b, "x.eml")]).unwrap();
        assert_eq!(s.hard_bounces().unwrap().len(), 1);
    }

    #[test]
    fn second_writer_is_refused_and_newer_schema_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let first = SqliteStore::open(&path, OpenOptions::create()).unwrap();
        let second = SqliteStore::open(&path, OpenOptions::existing());
        assert!(
            matches!(
                second.as_ref().map_err(Error::kind),
                Err(ErrorKind::StateBusy)
            ),
            "{second:?}"
        );
        drop(first);
        let again = SqliteStore::open(&path, OpenOptions::existing()).unwrap();
        again.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(again);
        let newer = SqliteStore::open(&path, OpenOptions::existing());
        assert!(
            matches!(
                newer.as_ref().map_err(Error::kind),
                Err(ErrorKind::StateTooNew { found: 99, .. })
            ),
            "{newer:?}"
        );
        let missing = SqliteStore::open(&dir.path().join("none.db"), OpenOptions::existing());
        assert!(matches!(
            missing.as_ref().map_err(Error::kind),
            Err(ErrorKind::State { .. })
        ));
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, vec![b'x'; 4096]).unwrap();
        let junk = SqliteStore::open(&junk, OpenOptions::existing());
        assert!(
            matches!(
                junk.as_ref().map_err(Error::kind),
                Err(ErrorKind::State { .. })
            ),
            "{junk:?}"
        );
    }

    #[test]
    fn a_version_1_file_is_migrated_forward() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
        }
        let s = SqliteStore::open(&path, OpenOptions::existing()).unwrap();
        let v: i64 = s
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        let n: i64 = s
            .conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'notice_findings_day'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_cleared_hard_bounce_is_no_longer_routed_around_and_a_new_one_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = SqliteStore::open(&path, OpenOptions::create()).unwrap();
        let b = |status: &str, ticket: &str| {
            BounceRecord::hard(
                HardBounce::new("Ops@Example.nl", now(), status, Some(ticket.into())),
                "dsn.eml",
            )
        };
        s.record_bounces(&[b("5.1.1", "T-1")]).unwrap();
        assert_eq!(s.hard_bounces().unwrap().len(), 1);
        assert_eq!(
            s.clear_hard_bounces(" ops@example.NL", "alice", "mailbox fixed", now())
                .unwrap(),
            1
        );
        assert!(s.hard_bounces().unwrap().is_empty());
        assert_eq!(
            s.clear_hard_bounces("ops@example.nl", "alice", "", now())
                .unwrap(),
            0
        );
        let (at, by, note): (String, String, String) = s
            .conn
            .query_row(
                "SELECT cleared, cleared_by, cleared_note FROM bounces",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (at, by.as_str(), note.as_str()),
            (ts(now()), "alice", "mailbox fixed")
        );
        // The same DSN read again stays cleared; a new bounce marks the address again.
        s.record_bounces(&[b("5.1.1", "T-1")]).unwrap();
        assert!(s.hard_bounces().unwrap().is_empty());
        s.record_bounces(&[b("5.1.1", "T-2")]).unwrap();
        assert_eq!(s.hard_bounces().unwrap().len(), 1);
    }

    #[test]
    fn acknowledgements_add_list_remove() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db"), OpenOptions::create()).unwrap();
        let a = Acknowledgement::new(
            "192.0.2.0/24",
            "exposed-rdp",
            now() + chrono::TimeDelta::days(30),
            "jump host",
            now(),
        );
        let id = s.add_acknowledgement(&a).unwrap();
        assert_eq!(s.acknowledgements(Some(now())).unwrap().len(), 1);
        assert!(
            s.acknowledgements(Some(now() + chrono::TimeDelta::days(31)))
                .unwrap()
                .is_empty()
        );
        assert!(s.remove_acknowledgement(id, now()).unwrap());
        assert!(!s.remove_acknowledgement(id, now()).unwrap());
        assert!(s.acknowledgements(Some(now())).unwrap().is_empty());
    }
}
