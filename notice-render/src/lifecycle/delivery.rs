//! Send bookkeeping: which state change an SMTP answer causes. Pure functions over records;
//! the SMTP adapter (feature `smtp`) produces the [`SmtpAnswer`], the store applies the
//! [`Transition`].

use chrono::{DateTime, TimeDelta, Utc};

use super::records::HardBounce;

/// Where in the SMTP dialogue an answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Connecting, TLS, the greeting, EHLO, STARTTLS or AUTH.
    Connect,
    /// `MAIL FROM`.
    Mail,
    /// `RCPT TO`.
    Rcpt,
    /// `DATA` or the end of the message.
    Data,
}

impl Phase {
    /// `connect`, `MAIL`, `RCPT` or `DATA`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Mail => "MAIL",
            Self::Rcpt => "RCPT",
            Self::Data => "DATA",
        }
    }
}

/// What came of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SmtpAnswer {
    /// 2xx at the end of DATA: the server took the message.
    Accepted {
        /// The server's reply (code and text).
        reply: String,
    },
    /// A reply with a code (4xx or 5xx, or an unexpected one) at `phase`.
    Refused {
        /// Where.
        phase: Phase,
        /// The three-digit reply code.
        code: u16,
        /// The reply text.
        reply: String,
    },
    /// No usable answer: refused or dropped connection, timeout, TLS failure, garbage.
    NoAnswer {
        /// Where.
        phase: Phase,
        /// What happened.
        reason: String,
    },
}

/// The state change an answer causes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transition {
    /// Mark `sent` with the reply and time.
    Sent {
        /// The server's reply.
        reply: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Stay `pending`: count the attempt, retry after `retry_at`.
    Retry {
        /// Attempts after this one.
        attempts: u32,
        /// Why.
        reason: String,
        /// When.
        at: DateTime<Utc>,
        /// Not before.
        retry_at: DateTime<Utc>,
    },
    /// Mark `failed` and the address hard-bounced.
    Failed {
        /// Why.
        reason: String,
        /// When.
        at: DateTime<Utc>,
        /// The hard bounce to record.
        bounce: HardBounce,
    },
}

/// Backoff before retry number `attempt` (1-based): `base` × 2^(attempt−1), at most 64 × `base`.
pub fn backoff(base: TimeDelta, attempt: u32) -> TimeDelta {
    let factor = 1i32 << attempt.saturating_sub(1).min(6);
    base * factor
}

/// The transition for `answer` to a notice to `recipient` (with `ticket`) that had `attempts`
/// attempts before this one. 2xx → sent; 5xx at RCPT or DATA → failed and hard-bounced;
/// everything else (4xx, no answer, a 5xx at connect or MAIL, which is about us, not the
/// recipient) → stays pending with the attempt counted.
pub fn after_answer(
    recipient: &str,
    ticket: &str,
    attempts: u32,
    answer: &SmtpAnswer,
    now: DateTime<Utc>,
    backoff_base: TimeDelta,
) -> Transition {
    let attempts = attempts.saturating_add(1);
    let retry = |reason: String| Transition::Retry {
        attempts,
        reason,
        at: now,
        retry_at: now + backoff(backoff_base, attempts),
    };
    match answer {
        SmtpAnswer::Accepted { reply } => Transition::Sent {
            reply: reply.clone(),
            at: now,
        },
        SmtpAnswer::Refused { phase, code, reply }
            if (500..600).contains(code) && matches!(phase, Phase::Rcpt | Phase::Data) =>
        {
            Transition::Failed {
                reason: format!("{code} at {}: {reply}", phase.as_str()),
                at: now,
                bounce: HardBounce::new(recipient, now, code.to_string(), Some(ticket.into())),
            }
        }
        SmtpAnswer::Refused { phase, code, reply } => {
            retry(format!("{code} at {}: {reply}", phase.as_str()))
        }
        SmtpAnswer::NoAnswer { phase, reason } => {
            retry(format!("no answer at {}: {reason}", phase.as_str()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn answers_map_to_transitions() {
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let b = TimeDelta::seconds(2);
        let sent = after_answer(
            "a@x",
            "T",
            0,
            &SmtpAnswer::Accepted {
                reply: "250 ok".into(),
            },
            now,
            b,
        );
        assert!(matches!(sent, Transition::Sent { .. }));
        let r = SmtpAnswer::Refused {
            phase: Phase::Rcpt,
            code: 451,
            reply: "later".into(),
        };
        match after_answer("a@x", "T", 1, &r, now, b) {
            Transition::Retry {
                attempts, retry_at, ..
            } => {
                assert_eq!(attempts, 2);
                assert_eq!(retry_at, now + TimeDelta::seconds(4));
            }
            other => panic!("{other:?}"),
        }
        for phase in [Phase::Rcpt, Phase::Data] {
            let r = SmtpAnswer::Refused {
                phase,
                code: 550,
                reply: "no such user".into(),
            };
            match after_answer("a@x", "T", 0, &r, now, b) {
                Transition::Failed { bounce, .. } => {
                    assert_eq!(bounce.address, "a@x");
                    assert_eq!(bounce.status, "550");
                    assert_eq!(bounce.ticket.as_deref(), Some("T"));
                }
                other => panic!("{other:?}"),
            }
        }
        let mail = SmtpAnswer::Refused {
            phase: Phase::Mail,
            code: 553,
            reply: "sender".into(),
        };
        assert!(matches!(
            after_answer("a@x", "T", 0, &mail, now, b),
            Transition::Retry { .. }
        ));
        let gone = SmtpAnswer::NoAnswer {
            phase: Phase::Data,
            reason: "reset".into(),
        };
        assert!(matches!(
            after_answer("a@x", "T", 0, &gone, now, b),
            Transition::Retry { .. }
        ));
        assert_eq!(backoff(b, 30), TimeDelta::seconds(128));
    }
}
