//! The connect error, and keeping a URL's credentials out of every message.

use std::error::Error;
use std::fmt;

/// [`RedisStore::connect`](crate::RedisStore::connect) failed: the key prefix holds a brace,
/// the URL is not a Redis URL, Redis is unreachable, did not answer in time, or refused the
/// connection (AUTH).
///
/// The message names the address (host and port, or socket path) and the reason, never the
/// user name or password of the URL.
///
/// [`source`](Error::source) is the driver's error (`redis::RedisError`) when there was one;
/// when its message quotes a secret of the URL, a copy with the secret removed stands in for
/// it (same message otherwise).
#[derive(Debug)]
pub struct ConnectError {
    address: Option<String>,
    reason: String,
    timed_out: bool,
    source: Option<Box<dyn Error + Send + Sync>>,
}

/// A driver error whose message held a secret: its message with the secret removed.
#[derive(Debug)]
struct Redacted(String);

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for Redacted {}

impl ConnectError {
    pub(crate) fn new(address: Option<String>, reason: String) -> Self {
        let reason = match address {
            Some(_) => reason,
            None => format!("not a usable Redis URL: {reason}"),
        };
        ConnectError {
            address,
            reason,
            timed_out: false,
            source: None,
        }
    }

    /// The same error, caused by the driver's `error`; `redactor` keeps the URL's secrets out
    /// of the source's message.
    pub(crate) fn caused_by(mut self, error: redis::RedisError, redactor: &Redactor) -> Self {
        let text = error.to_string();
        let clean = redactor.redact(&text);
        self.source = Some(if clean == text {
            Box::new(error)
        } else {
            Box::new(Redacted(clean))
        });
        self
    }

    pub(crate) fn prefix(prefix: &str) -> Self {
        ConnectError {
            address: None,
            reason: format!(
                "the key prefix {prefix:?} contains '{{' or '}}': the app's Redis Cluster hash \
                 tag must be the first braces of every key; choose a prefix without braces"
            ),
            timed_out: false,
            source: None,
        }
    }

    pub(crate) fn timed_out(address: Option<String>, after: std::time::Duration) -> Self {
        ConnectError {
            address,
            reason: format!("no answer within {} ms", after.as_millis()),
            timed_out: true,
            source: None,
        }
    }

    /// Whether Redis did not answer within the connect timeout (as opposed to refusing, or a
    /// bad URL).
    pub fn is_timeout(&self) -> bool {
        self.timed_out
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.address {
            Some(address) => write!(
                f,
                "could not connect to Redis at {address}: {}",
                self.reason
            ),
            None => f.write_str(&self.reason),
        }
    }
}

impl Error for ConnectError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

/// Removes the secrets of a Redis URL (its user name and password, as written and
/// percent-decoded) from messages: a driver's error text may quote what it was given.
#[derive(Clone, Debug, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub(crate) fn for_url(url: &str) -> Self {
        let mut secrets = Vec::new();
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            secrets.push(userinfo.to_owned());
            for part in userinfo.split(':') {
                secrets.push(part.to_owned());
                secrets.push(percent_decode(part));
            }
        }
        // Also a password given as a query parameter (`?password=...`).
        if let Some((_, query)) = url.split_once('?') {
            for pair in query.split('&') {
                if let Some((name, value)) = pair.split_once('=')
                    && ["password", "pass", "user"]
                        .iter()
                        .any(|n| name.eq_ignore_ascii_case(n))
                {
                    secrets.push(value.to_owned());
                    secrets.push(percent_decode(value));
                }
            }
        }
        // Longest first, so a secret that contains another is removed whole; short ones
        // (a one-letter user name) would blank out ordinary words and say nothing anyway.
        secrets.retain(|s| s.len() >= 3);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    /// The secrets of every URL (a cluster's seed nodes).
    #[cfg(feature = "cluster")]
    pub(crate) fn for_urls(urls: &[String]) -> Self {
        let mut secrets: Vec<String> = urls
            .iter()
            .flat_map(|url| Self::for_url(url).secrets)
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "<redacted>");
        }
        out
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_password_is_removed() {
        let redactor = Redactor::for_url("redis://worker:p%40ss-w0rd@10.0.0.1:6379/2");
        let text = "auth failed for worker with p%40ss-w0rd (p@ss-w0rd) at worker:p%40ss-w0rd";
        let clean = redactor.redact(text);
        assert!(!clean.contains("p@ss"), "{clean}");
        assert!(!clean.contains("p%40ss"), "{clean}");
        assert!(!clean.contains("worker"), "{clean}");
        let query = Redactor::for_url("redis://127.0.0.1/?password=hunter22");
        assert_eq!(query.redact("bad hunter22"), "bad <redacted>");
        assert_eq!(
            Redactor::for_url("redis://127.0.0.1/").redact("refused"),
            "refused"
        );
    }
}
