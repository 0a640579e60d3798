//! Sign-in state: sessions (random tokens, CSRF token each, idle timeout) and the lock-out after
//! repeated failed passwords. In memory: a restart signs everyone out, which is what a hospital
//! PC expects of a server restart.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Failed passwords in a row before a username is locked.
pub const MAX_FAILURES: u32 = 5;
/// How long a lock-out lasts.
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// A signed-in person.
#[derive(Clone, Debug)]
pub struct Session {
    /// Username.
    pub username: String,
    /// The token every form and every cookie-authenticated API call must carry.
    pub csrf: String,
    last_seen: Instant,
}

#[derive(Debug)]
struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

/// Usernames with failures remembered at most (older ones are forgotten first).
const MAX_REMEMBERED: usize = 10_000;

/// Sessions and lock-outs.
#[derive(Debug)]
pub struct Sessions {
    sessions: HashMap<String, Session>,
    failures: HashMap<String, Failures>,
    idle_timeout: Duration,
}

/// 32 random bytes as hex.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no random source: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Sessions {
    /// No sessions; idle sessions end after `idle_timeout`.
    pub fn new(idle_timeout: Duration) -> Sessions {
        Sessions {
            sessions: HashMap::new(),
            failures: HashMap::new(),
            idle_timeout,
        }
    }

    /// The session of a token, if it exists and is not idle for too long (then it is touched).
    pub fn get(&mut self, token: &str) -> Option<Session> {
        let now = Instant::now();
        let idle_timeout = self.idle_timeout;
        self.sessions
            .retain(|_, s| now.duration_since(s.last_seen) < idle_timeout);
        let session = self.sessions.get_mut(token)?;
        session.last_seen = now;
        Some(session.clone())
    }

    /// Starts a session: returns its token.
    pub fn start(&mut self, username: &str) -> Result<String> {
        let token = random_token()?;
        self.sessions.insert(
            token.clone(),
            Session {
                username: username.to_string(),
                csrf: random_token()?,
                last_seen: Instant::now(),
            },
        );
        self.failures.remove(username);
        Ok(token)
    }

    /// Ends a session.
    pub fn end(&mut self, token: &str) {
        self.sessions.remove(token);
    }

    /// Minutes left of a lock-out, if the username is locked.
    pub fn locked(&mut self, username: &str) -> Option<u64> {
        let failures = self.failures.get_mut(username)?;
        match failures.locked_until {
            Some(until) if until > Instant::now() => Some((until - Instant::now()).as_secs() / 60 + 1),
            Some(_) => {
                self.failures.remove(username);
                None
            }
            None => None,
        }
    }

    /// Counts a failed password; true when it locks the username.
    pub fn failed(&mut self, username: &str) -> bool {
        let now = Instant::now();
        // Failures older than a lock-out are forgotten: a typo last month does not count today.
        self.failures
            .retain(|_, f| f.locked_until.is_some_and(|u| u > now) || now.duration_since(f.last) < LOCKOUT);
        if self.failures.len() >= MAX_REMEMBERED {
            self.failures.retain(|_, f| f.locked_until.is_some());
        }
        let failures = self.failures.entry(username.to_string()).or_insert(Failures {
            count: 0,
            last: now,
            locked_until: None,
        });
        failures.count += 1;
        failures.last = now;
        if failures.count >= MAX_FAILURES {
            failures.locked_until = Some(Instant::now() + LOCKOUT);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_when_idle_and_lock_after_failures() {
        let mut sessions = Sessions::new(Duration::from_millis(50));
        let token = sessions.start("ana").unwrap();
        assert_eq!(sessions.get(&token).unwrap().username, "ana");
        std::thread::sleep(Duration::from_millis(80));
        assert!(sessions.get(&token).is_none(), "idle too long");
        for _ in 1..MAX_FAILURES {
            assert!(!sessions.failed("rui"));
        }
        assert!(sessions.failed("rui"));
        assert!(sessions.locked("rui").is_some());
        assert!(sessions.locked("ana").is_none());
        assert!(same_token("abc", "abc") && !same_token("abc", "abd") && !same_token("abc", "ab"));
    }
}
