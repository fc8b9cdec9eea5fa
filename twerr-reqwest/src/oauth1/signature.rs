//! The HMAC-SHA1 signature of RFC 5849 §3.4: the signature base string from a request's
//! method, URL and parameters, then HMAC-SHA1 over it keyed with the two secrets.
//!
//! Written on `hmac` and `sha1` (RustCrypto) rather than on `oauth1-request`: that crate signs
//! parameters a caller has already collected and sorted, sorts them by their unencoded names
//! (RFC 5849 §3.4.1.3.2 sorts the encoded ones; a debug build panics when the two orders
//! differ), and brings `rand` 0.8. What a middleware needs, reading the parameters back out of
//! a built request, it does not do; the signature itself is a dozen lines on `hmac`.

use std::borrow::Cow;
use std::fmt::Write;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};
use reqwest::{Request, Url};
use sha1::Sha1;

use super::OAuth1Error;

/// RFC 5849 §3.6: every byte of the UTF-8 form but ALPHA, DIGIT, `-`, `.`, `_` and `~` is
/// written as `%XX` with upper-case hex digits.
const RFC5849: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `bytes` percent-encoded per RFC 5849 §3.6.
pub(crate) fn encode(bytes: &[u8]) -> Cow<'_, str> {
    percent_encode(bytes, RFC5849).into()
}

/// A request parameter, name and value each percent-encoded (§3.4.1.3.2, step 1).
pub(crate) type Pair = (String, String);

/// The protocol parameters of one signature (§3.1), without the signature.
#[derive(Debug)]
pub(crate) struct Protocol<'a> {
    pub(crate) consumer_key: &'a str,
    pub(crate) token: Option<&'a str>,
    pub(crate) nonce: &'a str,
    pub(crate) timestamp: u64,
    /// Whether `oauth_version="1.0"` is sent: optional in RFC 5849, sent by X's examples.
    pub(crate) version: bool,
}

impl Protocol<'_> {
    /// The parameters in their sorted order, unencoded (their names need no encoding).
    fn pairs(&self) -> impl Iterator<Item = (&'static str, Cow<'_, str>)> {
        [
            Some(("oauth_consumer_key", Cow::Borrowed(self.consumer_key))),
            Some(("oauth_nonce", Cow::Borrowed(self.nonce))),
            Some(("oauth_signature_method", Cow::Borrowed("HMAC-SHA1"))),
            Some(("oauth_timestamp", Cow::Owned(self.timestamp.to_string()))),
            self.token
                .map(|token| ("oauth_token", Cow::Borrowed(token))),
            self.version
                .then_some(("oauth_version", Cow::Borrowed("1.0"))),
        ]
        .into_iter()
        .flatten()
    }

    /// The `Authorization` header value (§3.5.1) carrying these parameters and `signature`,
    /// every value percent-encoded, in X's order (by name) and spacing.
    pub(crate) fn header(&self, signature: &str) -> String {
        let mut out = String::with_capacity(320);
        out.push_str("OAuth ");
        let signature = ("oauth_signature", Cow::Borrowed(signature));
        let mut pairs: Vec<_> = self.pairs().collect();
        let at = pairs.partition_point(|(name, _)| *name < "oauth_signature");
        pairs.insert(at, signature);
        for (index, (name, value)) in pairs.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{name}=\"{}\"", encode(value.as_bytes()));
        }
        out
    }
}

/// Adds the parameters of an `application/x-www-form-urlencoded` string (a query or a form
/// body, §3.4.1.3.1) to `out`, decoded and encoded again per §3.6: `+` is a space, a piece
/// without `=` has an empty value, empty pieces are skipped, and `oauth_signature` is left out
/// (§3.4.1.3.1). Decoding works on bytes, so a value that is not UTF-8 is signed as sent.
pub(crate) fn push_form_pairs(form: &[u8], out: &mut Vec<Pair>) {
    for piece in form.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match piece.iter().position(|&b| b == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &[][..]),
        };
        let name = reencode(name);
        if name != "oauth_signature" {
            out.push((name, reencode(value)));
        }
    }
}

/// A form-encoded component decoded (`+` as space, then `%XX`) and encoded per §3.6.
fn reencode(component: &[u8]) -> String {
    let spaced: Cow<'_, [u8]> = if component.contains(&b'+') {
        Cow::Owned(
            component
                .iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect(),
        )
    } else {
        Cow::Borrowed(component)
    };
    let decoded: Cow<'_, [u8]> = percent_decode(&spaced).into();
    encode(&decoded).into_owned()
}

/// The base string URI of §3.4.1.2: scheme and host in lower case, a default port left out,
/// the path as sent, no query or fragment. `None` for a URL without a host.
pub(crate) fn base_uri(url: &Url) -> Option<String> {
    // The URL parser has already lower-cased the scheme and (for http and https) the host, and
    // reports no port when it is the scheme's default.
    let host = url.host_str()?;
    let mut out = String::with_capacity(url.as_str().len());
    out.push_str(url.scheme());
    out.push_str("://");
    out.extend(host.chars().map(|c| c.to_ascii_lowercase()));
    if let Some(port) = url.port() {
        let _ = write!(out, ":{port}");
    }
    out.push_str(url.path());
    Some(out)
}

/// Whether the request's body is `application/x-www-form-urlencoded`, whose parameters are
/// signed (§3.4.1.3.1); any other body (JSON, multipart) is not.
fn is_form(request: &Request) -> bool {
    request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| {
            media
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The signature base string of `request` with the protocol parameters `protocol` (§3.4.1).
pub(crate) fn base_string(
    request: &Request,
    protocol: &Protocol<'_>,
) -> Result<String, OAuth1Error> {
    let url = request.url();
    let uri = base_uri(url).ok_or(OAuth1Error::NoHost)?;
    let mut pairs = Vec::new();
    if let Some(query) = url.query() {
        push_form_pairs(query.as_bytes(), &mut pairs);
    }
    if is_form(request) {
        if let Some(body) = request.body() {
            let bytes = body.as_bytes().ok_or(OAuth1Error::StreamedFormBody)?;
            push_form_pairs(bytes, &mut pairs);
        }
    }
    pairs.extend(
        protocol
            .pairs()
            .map(|(name, value)| (name.to_owned(), encode(value.as_bytes()).into_owned())),
    );
    // §3.4.1.3.2: by encoded name, then by encoded value; duplicates are kept.
    pairs.sort_unstable();
    let mut normalized =
        String::with_capacity(pairs.iter().map(|(n, v)| n.len() + v.len() + 2).sum());
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            normalized.push('&');
        }
        normalized.push_str(name);
        normalized.push('=');
        normalized.push_str(value);
    }
    // §3.4.1.1: the method in upper case (an extension method is sent as written).
    let method = request.method().as_str().to_ascii_uppercase();
    let mut out =
        String::with_capacity(method.len() + uri.len() * 3 / 2 + normalized.len() * 3 / 2);
    let _ = write!(
        out,
        "{}&{}&{}",
        encode(method.as_bytes()),
        encode(uri.as_bytes()),
        encode(normalized.as_bytes())
    );
    Ok(out)
}

/// HMAC-SHA1 of `base` keyed with the encoded secrets joined by `&` (§3.4.2), in base64.
pub(crate) fn sign(base: &str, consumer_secret: &str, token_secret: &str) -> String {
    let key = format!(
        "{}&{}",
        encode(consumer_secret.as_bytes()),
        encode(token_secret.as_bytes())
    );
    // HMAC takes keys of any length, so this cannot fail; the fallback is never taken.
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| Hmac::<Sha1>::new(&Default::default()));
    mac.update(base.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
