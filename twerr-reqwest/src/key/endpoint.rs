//! Endpoint keys: `METHOD host /path/template`, so every id of one endpoint shares its window,
//! as X counts it.

use std::fmt::Write;

use reqwest::{Method, Url};

use super::templates::TEMPLATES;

/// Version 1 of the endpoint key: `METHOD host /path/template`.
///
/// - The method in upper case.
/// - The host in lower case, a non-default port kept; `twitter.com` hosts are written as
///   their `x.com` twins, because `api.twitter.com` and `api.x.com` are one API with one set
///   of windows.
/// - The path without its query: an all-digit segment after the first (the API version, as
///   in `/2/`) becomes `:id`, a segment such as
///   `123.json` becomes `:id.json`, and the segment after `by/username/` becomes `:username`,
///   so every user, tweet or list id shares its endpoint's window, as Twitter counts it.
///
/// Superseded by [`endpoint_key_v2`], which also collapses the ids these rules miss (DM
/// conversations, Spaces, places); kept unchanged, because keys already written by it
/// (in a shared store, in logs) are read by it.
///
/// ```
/// use reqwest::{Method, Url};
/// use twerr_reqwest::endpoint_key_v1;
///
/// let url = Url::parse("https://api.twitter.com/2/users/by/username/jack?user.fields=id").unwrap();
/// assert_eq!(endpoint_key_v1(&Method::GET, &url), "GET api.x.com /2/users/by/username/:username");
/// let url = Url::parse("https://api.x.com/1.1/statuses/show/20.json").unwrap();
/// assert_eq!(endpoint_key_v1(&Method::GET, &url), "GET api.x.com /1.1/statuses/show/:id.json");
/// ```
pub fn endpoint_key_v1(method: &Method, url: &Url) -> String {
    let mut out = method_and_host(method, url);
    collapse_path(&mut out, url.path(), is_id_v1);
    out
}

/// Version 2 of the endpoint key, the derivation the middleware counts windows by:
/// `METHOD host /path/template`, method and host as in [`endpoint_key_v1`] (upper-case
/// method; lower-case host, a non-default port kept, `twitter.com` written `x.com`), the path
/// without its query or fragment:
///
/// - **A path of X's API v2** is written as the template of X's published OpenAPI spec it
///   matches, with the spec's parameter names: `/2/users/2244994945/tweets` is
///   `/2/users/{id}/tweets`. Segments are compared as sent (percent-encoded, case kept); a
///   parameter matches any non-empty segment, and a literal segment beats a parameter where
///   both match: `/2/users/me` is `/2/users/me`, not `/2/users/{id}`. The match does not
///   depend on the method or the host (a proxy or a test server gets the same templates).
///   The templates are those of spec 2.167 (149 paths), shipped as data in the crate
///   (`data/x-api-v2-paths.tsv`).
/// - **Any other path** (API v1.1, a path newer than the spec, a trailing `/`) takes the
///   rules of version 1, with more ids collapsed: after the first segment (the API version),
///   a segment that is an id becomes `:id`, an id with an extension (`20.json`) becomes
///   `:id.json`, and the segment after `by/username/` becomes `:username`. An id is all
///   digits; a DM conversation id (`123-456`: two numbers joined by `-`); a Space id (13
///   letters and digits, with at least one of each: `1DXxyRYNejbKM`); or a place id (16
///   lower-case hex digits: `df51dec6f4ee2b2c`).
/// - **A path longer than 256 bytes** after this is cut at 256 bytes and ends with `…`, so a
///   key stays small whatever the URL (no path of X's is that long).
///
/// A new rule is a new version: a process deriving version 1 and one deriving version 2 count
/// the same endpoint under different keys, so processes sharing a store must derive the same
/// version (see the changelog).
///
/// ```
/// use reqwest::{Method, Url};
/// use twerr_reqwest::endpoint_key_v2;
///
/// let key = |method, url| endpoint_key_v2(&method, &Url::parse(url).unwrap());
/// assert_eq!(
///     key(Method::GET, "https://api.twitter.com/2/users/2244994945/tweets?max_results=5"),
///     "GET api.x.com /2/users/{id}/tweets",
/// );
/// assert_eq!(key(Method::GET, "https://api.x.com/2/users/me"), "GET api.x.com /2/users/me");
/// assert_eq!(
///     key(Method::POST, "https://api.x.com/2/dm_conversations/123-456/messages"),
///     "POST api.x.com /2/dm_conversations/{dm_conversation_id}/messages",
/// );
/// assert_eq!(
///     key(Method::GET, "https://api.x.com/1.1/geo/id/df51dec6f4ee2b2c.json"),
///     "GET api.x.com /1.1/geo/id/:id.json",
/// );
/// ```
pub fn endpoint_key_v2(method: &Method, url: &Url) -> String {
    endpoint_v2(method, url).key
}

/// A version 2 endpoint key and the spec template it was written from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// As [`endpoint_key_v2`] returns it.
    pub(crate) key: String,
    /// The template of X's spec the path matched (`/2/users/{id}`), or `None` when the
    /// fallback rules wrote the key: a bounded set, for labels that must stay few.
    pub(crate) template: Option<&'static str>,
}

/// The version 2 key of a request, and whether its path is one of the spec's templates.
pub(crate) fn endpoint_v2(method: &Method, url: &Url) -> Endpoint {
    let mut key = method_and_host(method, url);
    let template = TEMPLATES.find(url.path());
    match template {
        Some(template) => key.push_str(template),
        None => {
            let start = key.len();
            collapse_path(&mut key, url.path(), is_id_v2);
            if key.len() - start > MAX_PATH {
                let mut end = start + MAX_PATH;
                while !key.is_char_boundary(end) {
                    end -= 1;
                }
                key.truncate(end);
                key.push('…');
            }
        }
    }
    Endpoint { key, template }
}

/// The longest path a version 2 key keeps, in bytes.
const MAX_PATH: usize = 256;

/// `METHOD host[:port] `, the head shared by every version.
fn method_and_host(method: &Method, url: &Url) -> String {
    let mut out = String::with_capacity(64);
    // Standard methods are upper case already; an extension method is written as sent, in
    // upper case, without a second allocation.
    out.extend(method.as_str().chars().map(|c| c.to_ascii_uppercase()));
    out.push(' ');
    // The URL parser lower-cases domain names of http(s) URLs; other schemes keep their case.
    let host = url.host_str().unwrap_or_default();
    let start = out.len();
    out.extend(host.chars().map(|c| c.to_ascii_lowercase()));
    if let Some(prefix_len) = out[start..].strip_suffix("twitter.com").map(str::len) {
        if prefix_len == 0 || out[start..start + prefix_len].ends_with('.') {
            out.truncate(start + prefix_len);
            out.push_str("x.com");
        }
    }
    if let Some(port) = url.port() {
        let _ = write!(out, ":{port}");
    }
    out.push(' ');
    out
}

/// The fallback rules: ids after the first segment as `:id` (`is_id` says which), an id
/// with an extension as `:id.ext`, the segment after `by/username/` as `:username`.
fn collapse_path(out: &mut String, path: &str, is_id: fn(&str) -> bool) {
    let mut previous = ["", ""];
    let mut any = false;
    for (index, segment) in path.split('/').skip(1).enumerate() {
        any = true;
        out.push('/');
        if index == 0 {
            // The API version (`2`, `1.1`, `labs`): digits here are not an id.
            out.push_str(segment);
        } else if previous == ["by", "username"] && !segment.is_empty() {
            out.push_str(":username");
        } else if is_id(segment) {
            out.push_str(":id");
        } else if let Some((_, ext)) = segment.split_once('.').filter(|(id, _)| is_id(id)) {
            out.push_str(":id.");
            out.push_str(ext);
        } else {
            out.push_str(segment);
        }
        previous = [previous[1], segment];
    }
    if !any {
        out.push('/');
    }
}

fn is_id_v1(segment: &str) -> bool {
    is_number(segment)
}

/// An id of version 2's fallback: a number, a DM conversation id, a Space id or a place id.
fn is_id_v2(segment: &str) -> bool {
    is_number(segment)
        || segment
            .split_once('-')
            .is_some_and(|(a, b)| is_number(a) && is_number(b))
        || is_space_id(segment)
        || is_place_id(segment)
}

fn is_number(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit())
}

/// The spec's `SpaceId` is `^[a-zA-Z0-9]{1,13}$`; the ids X hands out have all 13 (its
/// examples: `1DXxyRYNejbKM`, `1SLjjRYNejbKM`). A digit and a letter are required so that a
/// 13-letter word of a path (`notifications`) stays itself.
fn is_space_id(segment: &str) -> bool {
    segment.len() == 13
        && segment.bytes().all(|b| b.is_ascii_alphanumeric())
        && segment.bytes().any(|b| b.is_ascii_digit())
        && segment.bytes().any(|b| b.is_ascii_alphabetic())
}

/// A place id of the geo API: 16 lower-case hex digits (`df51dec6f4ee2b2c`).
fn is_place_id(segment: &str) -> bool {
    segment.len() == 16
        && segment
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests;
