//! Key layout v2: where each part of the book lives in Redis (see the crate's design notes).

use twerr_core::{BookKey, CredentialId, LeaseKey, Reach};

/// The names of the Redis keys one [`BookKey`] is counted under, for inspection with
/// `redis-cli` (see the crate's design notes for what each holds).
///
/// Every name starts with `PREFIX:v2:{APP}:`, `APP` being the app's hash in hex: the braces
/// make it the Redis Cluster hash tag, so all of them live in one slot.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyNames {
    /// The credential's line of the endpoint: its 15-minute and user 24-hour windows (hash).
    pub credential_line: String,
    /// The app's line of the endpoint: its app 24-hour window (hash).
    pub app_line: String,
    /// The permits in flight under the credential's line (sorted set scored by deadline).
    pub credential_permits: String,
    /// The permits in flight under the app's line (sorted set scored by deadline).
    pub app_permits: String,
    /// The credential's block (hash).
    pub credential_block: String,
    /// The app's block (hash).
    pub app_block: String,
    /// The probe slot of the credential's block: held (string, the probe's id) while its
    /// probe is in flight, with an expiry of the permit lifetime.
    pub credential_probe: String,
    /// The probe slot of the app's block, as above.
    pub app_probe: String,
    /// The app's block generation (string counter): a permit carries it from its grant.
    pub generation: String,
}

impl KeyNames {
    /// In the order the acquire and record scripts take them: blocks, lines, permits, probe
    /// slots (credential, then app), the generation.
    pub(crate) fn for_scripts(&self) -> [&str; 9] {
        [
            &self.credential_block,
            &self.app_block,
            &self.credential_line,
            &self.app_line,
            &self.credential_permits,
            &self.app_permits,
            &self.credential_probe,
            &self.app_probe,
            &self.generation,
        ]
    }

    /// In the order the release script takes them: permits, probe slots.
    pub(crate) fn for_release(&self) -> [&str; 4] {
        [
            &self.credential_permits,
            &self.app_permits,
            &self.credential_probe,
            &self.app_probe,
        ]
    }
}

/// The key version: a change of layout or meaning is a new version, so workers of two
/// versions sharing one Redis never read each other's keys (they count separately).
pub(crate) const VERSION: &str = "v2";

/// Builds key names under one prefix.
#[derive(Clone, Debug)]
pub(crate) struct Keys {
    prefix: String,
}

impl Keys {
    /// `None` when `prefix` holds a brace: the app's hash tag must be the first `{...}` of
    /// every key.
    pub(crate) fn new(prefix: &str) -> Option<Self> {
        (!prefix.contains(['{', '}'])).then(|| Keys {
            prefix: prefix.to_owned(),
        })
    }

    fn app(&self, app: CredentialId) -> String {
        format!("{}:{VERSION}:{{{}}}", self.prefix, app.to_hex())
    }

    /// The stream lease of an app: a string holding the holder's token, with an expiry on
    /// Redis's clock.
    pub(crate) fn lease(&self, lease: &LeaseKey) -> String {
        format!("{}:lease:{}", self.app(lease.app()), lease.stream())
    }

    /// The app's block and its probe slot.
    pub(crate) fn app_block(&self, app: CredentialId) -> [String; 2] {
        let app = self.app(app);
        [format!("{app}:block:a"), format!("{app}:probe:a")]
    }

    /// The probe slot of the block stored under `block` (a name [`Self::block_pattern`]
    /// matched).
    pub(crate) fn probe_of(block: &str) -> Option<String> {
        let (app, holder) = block.rsplit_once(":block:")?;
        Some(format!("{app}:probe:{holder}"))
    }

    /// A `SCAN MATCH` pattern for every block under the prefix, or for one credential's
    /// blocks in any app.
    pub(crate) fn block_pattern(&self, credential: Option<CredentialId>) -> String {
        let mut pattern = String::new();
        for c in self.prefix.chars() {
            if matches!(c, '*' | '?' | '[' | ']' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        match credential {
            Some(credential) => format!("{pattern}:{VERSION}:*:block:c:{}", credential.to_hex()),
            None => format!("{pattern}:{VERSION}:*:block:*"),
        }
    }

    /// Who a block key is the block of: its reach and holder; `None` for a name these
    /// scripts do not write.
    pub(crate) fn block_holder(&self, name: &str) -> Option<(Reach, CredentialId)> {
        let rest = name
            .strip_prefix(self.prefix.as_str())?
            .strip_prefix(':')?
            .strip_prefix(VERSION)?
            .strip_prefix(":{")?;
        let (app, rest) = rest.split_once('}')?;
        match rest.strip_prefix(":block:")? {
            "a" => Some((Reach::App, from_hex(app)?)),
            credential => Some((Reach::Credential, from_hex(credential.strip_prefix("c:")?)?)),
        }
    }

    pub(crate) fn names(&self, key: &BookKey) -> KeyNames {
        let app = self.app(key.app());
        let credential = key.credential().to_hex();
        let endpoint = key.endpoint();
        KeyNames {
            credential_line: format!("{app}:line:c:{credential}:{endpoint}"),
            app_line: format!("{app}:line:a:{endpoint}"),
            credential_permits: format!("{app}:flight:c:{credential}:{endpoint}"),
            app_permits: format!("{app}:flight:a:{endpoint}"),
            credential_block: format!("{app}:block:c:{credential}"),
            app_block: format!("{app}:block:a"),
            credential_probe: format!("{app}:probe:c:{credential}"),
            app_probe: format!("{app}:probe:a"),
            generation: format!("{app}:gen"),
        }
    }
}

/// A hash as [`CredentialId::to_hex`] writes it (32 lowercase hex digits).
pub(crate) fn from_hex(hex: &str) -> Option<CredentialId> {
    if hex.len() != 32 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(CredentialId::from_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slot Redis Cluster hashes a key to: the part between the first `{` and the next
    /// `}` when non-empty, else the whole key.
    fn hash_tag(key: &str) -> &str {
        let Some(open) = key.find('{') else {
            return key;
        };
        match key[open + 1..].find('}') {
            Some(0) | None => key,
            Some(close) => &key[open + 1..open + 1 + close],
        }
    }

    #[test]
    fn every_key_of_a_script_shares_the_apps_hash_tag() {
        let keys = Keys::new("twerr").unwrap_or_else(|| panic!("a plain prefix"));
        let app = CredentialId::from_bytes([0xa5; 16]);
        let book_key = BookKey::new(
            app,
            CredentialId::from_bytes([0x3c; 16]),
            "GET api.x.com /2/users/{id}/tweets",
        );
        let names = keys.names(&book_key);
        for name in names.for_scripts() {
            assert_eq!(hash_tag(name), app.to_hex(), "{name}");
            assert!(name.starts_with("twerr:v2:{"), "{name}");
        }
        assert_eq!(
            names.credential_line,
            format!(
                "twerr:v2:{{{}}}:line:c:{}:GET api.x.com /2/users/{{id}}/tweets",
                app.to_hex(),
                CredentialId::from_bytes([0x3c; 16]).to_hex()
            )
        );
        assert_eq!(
            keys.block_holder(&names.credential_block),
            Some((Reach::Credential, book_key.credential()))
        );
        assert_eq!(keys.block_holder(&names.app_block), Some((Reach::App, app)));
        assert_eq!(keys.block_holder(&names.credential_line), None);
        assert_eq!(keys.block_holder("twerr:v2:{zz}:block:a"), None);
        assert_eq!(
            Keys::probe_of(&names.credential_block).as_ref(),
            Some(&names.credential_probe)
        );
        assert_eq!(
            Keys::new("a*b").map(|k| k.block_pattern(None)).as_deref(),
            Some("a\\*b:v2:*:block:*")
        );
        let lease = keys.lease(&LeaseKey::new(app, "GET api.x.com /2/tweets/search/stream"));
        assert_eq!(hash_tag(&lease), app.to_hex());
        assert!(lease.ends_with(":lease:GET api.x.com /2/tweets/search/stream"));
        assert!(Keys::new("bad{prefix").is_none());
        assert!(Keys::new("bad}prefix").is_none());
    }
}
