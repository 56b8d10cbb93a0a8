//! The answer cache shared across runs: one JSON file per answer under the cache directory,
//! written atomically as soon as the answer arrives, so an interrupted run resumes where it
//! stopped and a second run over the same feeds asks almost nothing.
//!
//! Layout: `CACHE/<kind>/<key>.json`, `kind` one of `dns`, `referral`, `whois`, `rdap`,
//! `securitytxt`, `tls`; `key` the address (`:` written `_`) or domain. Every entry holds
//! `stored` (RFC 3339) and the answer; [`fresh`] decides with the run's clock whether it is
//! still used ([`ttl`] per kind, shorter for failures).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

/// Kinds of cached answers.
pub(crate) const KINDS: &[&str] = &["dns", "referral", "whois", "rdap", "securitytxt", "tls"];

/// Largest cache entry read (bigger files are ignored).
pub const MAX_ENTRY_BYTES: u64 = 8 << 20;

/// How long an entry of `kind` is used: registry answers and referrals a week, DNS and
/// security.txt a day; a failed answer (`"ok": false`) an hour.
pub(crate) fn ttl(kind: &str, ok: bool) -> Duration {
    if !ok {
        return Duration::hours(1);
    }
    match kind {
        "referral" => Duration::days(30),
        "whois" | "rdap" | "tls" => Duration::days(7),
        _ => Duration::days(1),
    }
}

/// Whether an entry of `kind` stored at `stored` is still used at `now` (an entry from the
/// future, a clock set back, is not).
pub(crate) fn fresh(kind: &str, entry: &Value, now: DateTime<Utc>) -> bool {
    let ok = entry.get("ok").and_then(Value::as_bool).unwrap_or(true);
    let Some(stored) = entry
        .get("stored")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    else {
        return false;
    };
    let stored = stored.with_timezone(&Utc);
    stored <= now + Duration::minutes(5) && now - stored < ttl(kind, ok)
}

/// A file-name-safe key.
pub(crate) fn file_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The cache directory (or none: nothing is kept).
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    /// A cache in `dir` (created when missing); `None` for no cache.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Io`] when the directory cannot be created.
    pub(crate) fn open(dir: Option<&Path>) -> Result<Cache, crate::Error> {
        if let Some(d) = dir {
            for kind in KINDS {
                let sub = d.join(kind);
                fs::create_dir_all(&sub).map_err(|e| {
                    crate::Error::new(
                        sub.display().to_string(),
                        0,
                        crate::ErrorKind::Io {
                            message: e.to_string(),
                        },
                    )
                })?;
            }
        }
        Ok(Cache {
            dir: dir.map(Path::to_path_buf),
        })
    }

    fn path(&self, kind: &str, key: &str) -> Option<PathBuf> {
        Some(
            self.dir
                .as_ref()?
                .join(kind)
                .join(format!("{}.json", file_key(key))),
        )
    }

    /// The fresh entry of `kind` for `key` at `now`.
    pub(crate) fn get(&self, kind: &str, key: &str, now: DateTime<Utc>) -> Option<Value> {
        let path = self.path(kind, key)?;
        let entry = read_entry(&path)?;
        fresh(kind, &entry, now).then_some(entry)
    }

    /// Stores `entry` (an object; `stored` is set to `now`), atomically. A cache that cannot
    /// be written is not an error for the run: the failure is returned for the log.
    pub(crate) fn put(
        &self,
        kind: &str,
        key: &str,
        mut entry: Value,
        now: DateTime<Utc>,
    ) -> Result<(), String> {
        let Some(path) = self.path(kind, key) else {
            return Ok(());
        };
        if let Some(obj) = entry.as_object_mut() {
            obj.insert("stored".to_owned(), Value::String(now.to_rfc3339()));
        }
        let bytes = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
        write_atomic(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Every fresh entry of `kind` at `now` (for the coverage of ranges), by key.
    pub(crate) fn entries(&self, kind: &str, now: DateTime<Utc>) -> Vec<(String, Value)> {
        let Some(dir) = self.dir.as_ref().map(|d| d.join(kind)) else {
            return Vec::new();
        };
        let Ok(read) = fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in read.flatten() {
            let path = item.path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
            else {
                continue;
            };
            if let Some(entry) = read_entry(&path)
                && fresh(kind, &entry, now)
            {
                out.push((name.to_owned(), entry));
            }
        }
        out
    }
}

fn read_entry(path: &Path) -> Option<Value> {
    let meta = fs::metadata(path).ok()?;
    if meta.len() > MAX_ENTRY_BYTES {
        return None;
    }
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader (or a crash) never sees half a file.
///
/// # Errors
///
/// The I/O error of creating, writing or renaming.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_data()?;
    }
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn ttls_decide_freshness() {
        let e = json!({"stored": "2026-11-20T00:00:00Z", "ok": true});
        assert!(fresh("whois", &e, at("2026-11-26T00:00:00Z")));
        assert!(!fresh("whois", &e, at("2026-11-28T00:00:00Z")));
        assert!(!fresh("dns", &e, at("2026-11-22T00:00:00Z")));
        let failed = json!({"stored": "2026-11-20T00:00:00Z", "ok": false});
        assert!(fresh("whois", &failed, at("2026-11-20T00:30:00Z")));
        assert!(!fresh("whois", &failed, at("2026-11-20T02:00:00Z")));
        // from the future, or without a date: not used
        assert!(!fresh("whois", &e, at("2026-11-19T00:00:00Z")));
        assert!(!fresh(
            "whois",
            &json!({"ok": true}),
            at("2026-11-20T00:00:00Z")
        ));
        assert_eq!(file_key("2001:DB8::1"), "2001_db8__1");
        assert_eq!(file_key("../x"), ".._x");
    }
}
