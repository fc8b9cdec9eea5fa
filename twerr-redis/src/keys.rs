//! Key layout v2: where each part of the book lives in Redis (see the crate's design notes).

use twerr_core::BookKey;

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
}

impl KeyNames {
    /// In the order the scripts take them: blocks, lines, permits (credential, then app).
    pub(crate) fn for_scripts(&self) -> [&str; 6] {
        [
            &self.credential_block,
            &self.app_block,
            &self.credential_line,
            &self.app_line,
            &self.credential_permits,
            &self.app_permits,
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

    pub(crate) fn names(&self, key: &BookKey) -> KeyNames {
        let app = format!("{}:{VERSION}:{{{}}}", self.prefix, key.app().to_hex());
        let credential = key.credential().to_hex();
        let endpoint = key.endpoint();
        KeyNames {
            credential_line: format!("{app}:line:c:{credential}:{endpoint}"),
            app_line: format!("{app}:line:a:{endpoint}"),
            credential_permits: format!("{app}:flight:c:{credential}:{endpoint}"),
            app_permits: format!("{app}:flight:a:{endpoint}"),
            credential_block: format!("{app}:block:c:{credential}"),
            app_block: format!("{app}:block:a"),
        }
    }
}

#[cfg(test)]
mod tests {
    use twerr_core::CredentialId;

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
        assert!(Keys::new("bad{prefix").is_none());
        assert!(Keys::new("bad}prefix").is_none());
    }
}
