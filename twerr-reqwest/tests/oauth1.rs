//! `OAuth1Signer`: X's published headers byte for byte, and a server on 127.0.0.1 that checks
//! every request's signature (with its own implementation of RFC 5849) and rejects a nonce it
//! has seen, behind the rate-limit middleware and alone.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use common::*;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode, percent_encode};
use reqwest_middleware::ClientBuilder;
use twerr_reqwest::{
    NonceSource, OAuth1Error, OAuth1Signer, OAuth1Token, RequestOptions, TwerrMiddleware,
};

const CONSUMER_KEY: &str = "app-consumer-key";
const CONSUMER_SECRET: &str = "app consumer secret/&+";
/// The users the server knows: token, token secret.
const USERS: [(&str, &str); 2] = [
    ("111-alice-token", "alice token secret"),
    ("222-bob-token", "b0b's~secret%"),
];

/// Always the same nonce: X's published examples fix it.
#[derive(Debug)]
struct FixedNonce(&'static str);

impl NonceSource for FixedNonce {
    fn nonce(&self) -> String {
        self.0.to_owned()
    }
}

fn x_example_signer() -> OAuth1Signer {
    OAuth1Signer::new(
        "xvz1evFS4wEEPTGEFPHBog",
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    )
    .with_clock(FakeClock::new(at(1_318_622_958)))
    .with_nonces(Arc::new(FixedNonce(
        "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
    )))
}

fn x_example_token() -> OAuth1Token {
    OAuth1Token::new(
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )
}

/// X's example request, as its docs print it on the wire, signed through the public API.
fn x_example_header(path: &str) -> String {
    let url = format!("https://api.twitter.com{path}?include_entities=true");
    let mut request = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21")
        .build()
        .expect("request");
    let signed = x_example_signer().sign(&mut request, Some(&x_example_token()));
    assert_eq!(signed, Ok(()));
    assert_eq!(request.url().as_str(), url, "the URL is left as it was");
    request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// X's docs, "Creating a signature" (POST /1.1/statuses/update.json): its signature in the
/// header X's "Authorizing a request" describes.
#[test]
fn x_docs_creating_a_signature_header() {
    assert_eq!(
        x_example_header("/1.1/statuses/update.json"),
        "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", \
         oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", \
         oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", \
         oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", \
         oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", \
         oauth_version=\"1.0\""
    );
}

/// X's docs, "Authorizing a request": the header it prints, for the same request on the
/// older path /1/statuses/update.json.
#[test]
fn x_docs_authorizing_a_request_header() {
    assert_eq!(
        x_example_header("/1/statuses/update.json"),
        "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", \
         oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", \
         oauth_signature=\"tnnArxj06cWHq44gCs1OSKk%2FjLY%3D\", \
         oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", \
         oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", \
         oauth_version=\"1.0\""
    );
}

#[test]
fn debug_output_never_shows_credentials() {
    let signer = OAuth1Signer::new(CONSUMER_KEY, CONSUMER_SECRET);
    let token = OAuth1Token::new(USERS[0].0, USERS[0].1);
    let printed = format!("{signer:?} {signer:#?} {token:?} {token:#?}");
    for secret in [CONSUMER_KEY, CONSUMER_SECRET, USERS[0].0, USERS[0].1] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("<redacted>"), "{printed}");
    // Nor does a signed request's header: it is marked sensitive.
    let mut request = reqwest::Request::new(
        reqwest::Method::GET,
        reqwest::Url::parse("https://api.x.com/2/users/me").expect("url"),
    );
    assert_eq!(signer.sign(&mut request, Some(&token)), Ok(()));
    let printed = format!("{:?}", request.headers());
    assert!(!printed.contains(USERS[0].0), "{printed}");
}

// --- The verifying server ---------------------------------------------------------------------

/// RFC 5849 §3.6, written again here so the server does not share the signer's code.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn enc(bytes: &[u8]) -> String {
    percent_encode(bytes, UNRESERVED).to_string()
}

fn form_decode(part: &str) -> Vec<u8> {
    percent_decode(part.replace('+', " ").as_bytes()).collect()
}

/// Why the server refused a request, or the verified nonce, timestamp and token.
fn verify(
    request: &Received,
    seen: &mut HashSet<String>,
) -> Result<(String, u64, Option<String>), String> {
    let header = request.header("authorization").ok_or("no authorization")?;
    let list = header.strip_prefix("OAuth ").ok_or("not OAuth")?;
    let mut oauth: HashMap<String, String> = HashMap::new();
    for param in list.split(", ") {
        let (name, quoted) = param.split_once('=').ok_or("a parameter without =")?;
        let value = quoted.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
        let value = value.ok_or("an unquoted value")?;
        let value = String::from_utf8(form_decode(value)).map_err(|e| e.to_string())?;
        oauth.insert(name.to_owned(), value);
    }
    let get = |name: &str| oauth.get(name).cloned().ok_or(format!("no {name}"));
    if get("oauth_consumer_key")? != CONSUMER_KEY {
        return Err("unknown consumer key".into());
    }
    if get("oauth_signature_method")? != "HMAC-SHA1" || get("oauth_version")? != "1.0" {
        return Err("wrong method or version".into());
    }
    let token = oauth.get("oauth_token").cloned();
    let token_secret = match &token {
        Some(token) => USERS
            .iter()
            .find(|(t, _)| t == token)
            .map(|(_, s)| *s)
            .ok_or("unknown token")?,
        None => "",
    };
    // Every parameter: the header's but the signature, the query's, a form body's.
    let mut pairs: Vec<(String, String)> = oauth
        .iter()
        .filter(|(name, _)| *name != "oauth_signature")
        .map(|(n, v)| (enc(n.as_bytes()), enc(v.as_bytes())))
        .collect();
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let is_form = request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let body = if is_form {
        String::from_utf8_lossy(&request.body).into_owned()
    } else {
        String::new()
    };
    for part in query
        .split('&')
        .chain(body.split('&'))
        .filter(|p| !p.is_empty())
    {
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((enc(&form_decode(name)), enc(&form_decode(value))));
    }
    pairs.sort();
    let normalized: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let host = request.header("host").ok_or("no host")?;
    let base = format!(
        "{}&{}&{}",
        request.method,
        enc(format!("http://{host}{path}").as_bytes()),
        enc(normalized.join("&").as_bytes())
    );
    let key = format!(
        "{}&{}",
        enc(CONSUMER_SECRET.as_bytes()),
        enc(token_secret.as_bytes())
    );
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).map_err(|e| e.to_string())?;
    mac.update(base.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if get("oauth_signature")? != expected {
        return Err(format!("bad signature over {base}"));
    }
    let nonce = get("oauth_nonce")?;
    if !seen.insert(nonce.clone()) {
        return Err(format!("nonce {nonce} used before"));
    }
    let timestamp = get("oauth_timestamp")?
        .parse()
        .map_err(|_| "a bad timestamp")?;
    Ok((nonce, timestamp, token))
}

/// A verified request as the server logged it.
#[derive(Clone, Debug)]
struct Verified {
    path: String,
    nonce: String,
    timestamp: u64,
    token: Option<String>,
}

/// What the server saw: the verified requests and the refusals.
#[derive(Default)]
struct Log {
    seen: HashSet<String>,
    verified: Vec<Verified>,
    refused: Vec<String>,
    /// Paths that answer 429 (the capture with code 88) to their first verified request.
    limited_once: HashSet<String>,
}

/// X's answer to a bad signature: 401, code 32.
const NOT_AUTHENTICATED: &[u8] =
    br#"{"errors":[{"code":32,"message":"Could not authenticate you."}]}"#;

async fn verifying_server(limited_once: &[&str]) -> (Server, Arc<Mutex<Log>>) {
    let log = Arc::new(Mutex::new(Log {
        limited_once: limited_once.iter().map(|p| p.to_string()).collect(),
        ..Log::default()
    }));
    let shared = Arc::clone(&log);
    let server = Server::answering(move |request| {
        let mut log = shared.lock().unwrap_or_else(|p| p.into_inner());
        match verify(request, &mut log.seen) {
            Ok((nonce, timestamp, token)) => {
                let path = request
                    .target
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let first = log.limited_once.remove(&path);
                log.verified.push(Verified {
                    path,
                    nonce,
                    timestamp,
                    token,
                });
                if first {
                    capture_reply("rate-limit-88-date.crlf.txt")
                } else {
                    ok()
                }
            }
            Err(why) => {
                log.refused.push(why);
                reply(
                    401,
                    &[("content-type", "application/json")],
                    NOT_AUTHENTICATED,
                )
            }
        }
    })
    .await;
    (server, log)
}

fn log_of(log: &Arc<Mutex<Log>>) -> (Vec<Verified>, Vec<String>) {
    let log = log.lock().unwrap_or_else(|p| p.into_inner());
    (log.verified.clone(), log.refused.clone())
}

fn user(index: usize) -> OAuth1Token {
    OAuth1Token::new(USERS[index].0, USERS[index].1)
}

/// Through `TwerrMiddleware` then the signer: queries, a form body, a JSON body, an app-only
/// request, a request sent twice, and a resend after a rate-limit reset all verify, each
/// with a nonce of its own.
#[tokio::test]
async fn every_request_and_every_attempt_verifies_with_a_fresh_nonce() {
    let (server, log) = verifying_server(&["/1.1/limited.json"]).await;
    let clock = FakeClock::new(at(CAPTURE_DATE));
    let middleware = TwerrMiddleware::builder()
        .clock(clock.clone())
        .sleeper(FakeSleeper::new(Arc::clone(&clock)))
        .jitter(Arc::new(twerr_core::NoJitter))
        .build();
    let signer = OAuth1Signer::new(CONSUMER_KEY, CONSUMER_SECRET).with_clock(clock.clone());
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .with(signer)
        .build();

    let mut statuses = Vec::new();
    let sent = client
        .get(server.url("/2/users/me"))
        .with_extension(user(0))
        .send()
        .await;
    statuses.push(sent.map(|r| r.status().as_u16()).ok());
    // Reserved and non-ASCII characters, a duplicate name, a `+` and an empty value.
    let sent =
        client
            .get(server.url(
                "/1.1/search/tweets.json?q=caf%C3%A9+%26+%40x&count=2&count=10&lang=&since_id=20",
            ))
            .with_extension(user(1))
            .send()
            .await;
    statuses.push(sent.map(|r| r.status().as_u16()).ok());
    let sent = client
        .post(server.url("/1.1/statuses/update.json?include_entities=true"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21&a=1")
        .with_extension(user(0))
        .send()
        .await;
    statuses.push(sent.map(|r| r.status().as_u16()).ok());
    let sent = client
        .post(server.url("/2/tweets"))
        .header("content-type", "application/json")
        .body(r#"{"text":"a=b&c=d"}"#)
        .with_extension(user(1))
        .send()
        .await;
    statuses.push(sent.map(|r| r.status().as_u16()).ok());
    // App-only: no token, signed with the consumer secret alone.
    let sent = client
        .get(server.url("/1.1/application/rate_limit_status.json"))
        .send()
        .await;
    statuses.push(sent.map(|r| r.status().as_u16()).ok());
    // One request, cloned and sent twice: each send is signed again.
    let twice = client
        .post(server.url("/1.1/favorites/create.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("id=20")
        .with_extension(user(0))
        .with_extension(RequestOptions::new().credential_key(USERS[0].0));
    let again = twice.try_clone().expect("a body in memory clones");
    for builder in [twice, again] {
        let sent = builder.send().await;
        statuses.push(sent.map(|r| r.status().as_u16()).ok());
    }
    // Answered 429 (code 88) first: the middleware waits for the reset and resends, and the
    // resend is signed afresh, 800 s later by the shared clock.
    let sent = client
        .post(server.url("/1.1/limited.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x=1")
        .with_extension(user(1))
        .with_extension(RequestOptions::new().credential_key(USERS[1].0))
        .send()
        .await;
    statuses.push(sent.map(|r| r.status().as_u16()).ok());

    let (verified, refused) = log_of(&log);
    assert_eq!(refused, Vec::<String>::new());
    assert_eq!(statuses, [Some(200); 8]);
    let paths: Vec<_> = verified.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/2/users/me",
            "/1.1/search/tweets.json",
            "/1.1/statuses/update.json",
            "/2/tweets",
            "/1.1/application/rate_limit_status.json",
            "/1.1/favorites/create.json",
            "/1.1/favorites/create.json",
            "/1.1/limited.json",
            "/1.1/limited.json",
        ]
    );
    let tokens: Vec<_> = verified.iter().map(|v| v.token.as_deref()).collect();
    assert_eq!(tokens[4], None);
    assert_eq!(tokens[1], Some(USERS[1].0));
    let nonces: HashSet<_> = verified.iter().map(|v| v.nonce.as_str()).collect();
    assert_eq!(nonces.len(), verified.len());
    assert!(
        verified
            .iter()
            .all(|v| v.nonce.len() == 32 && v.nonce.bytes().all(|b| b.is_ascii_alphanumeric()))
    );
    assert_eq!(verified[7].timestamp, CAPTURE_DATE);
    assert!(
        verified[8].timestamp >= CAPTURE_DATE + 800,
        "{:?}",
        verified[8]
    );
}

/// The server is not lenient: a wrong secret and a replayed request are refused, so the test
/// above would see a signer that got either wrong.
#[tokio::test]
async fn the_server_refuses_a_wrong_secret_and_a_replay() {
    let (server, log) = verifying_server(&[]).await;
    let bare = reqwest::Client::new();

    let wrong = OAuth1Signer::new(CONSUMER_KEY, "not the secret");
    let mut request = bare
        .get(server.url("/2/users/me"))
        .build()
        .expect("request");
    assert_eq!(wrong.sign(&mut request, Some(&user(0))), Ok(()));
    let status = bare.execute(request).await.map(|r| r.status().as_u16());
    assert_eq!(status.ok(), Some(401));

    // Signed once, sent twice: the second carries a nonce the server has seen.
    let signer = OAuth1Signer::new(CONSUMER_KEY, CONSUMER_SECRET);
    let mut request = bare
        .post(server.url("/1.1/statuses/update.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("status=hi")
        .build()
        .expect("request");
    assert_eq!(signer.sign(&mut request, Some(&user(0))), Ok(()));
    let replay = request.try_clone().expect("clone");
    let first = bare.execute(request).await.map(|r| r.status().as_u16());
    let second = bare.execute(replay).await.map(|r| r.status().as_u16());
    assert_eq!((first.ok(), second.ok()), (Some(200), Some(401)));

    let (verified, refused) = log_of(&log);
    assert_eq!(verified.len(), 1);
    assert_eq!(refused.len(), 2);
    assert!(refused[0].starts_with("bad signature"), "{refused:?}");
    assert!(refused[1].contains("used before"), "{refused:?}");
}

/// A streamed form body cannot be signed: the request fails before anything is sent.
#[tokio::test]
async fn a_streamed_form_body_fails_unsent_with_a_clear_error() {
    let (server, log) = verifying_server(&[]).await;
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(OAuth1Signer::new(CONSUMER_KEY, CONSUMER_SECRET))
        .build();
    let body = reqwest::Body::wrap(Streamed(Some(bytes::Bytes::from_static(b"status=hi"))));
    let error = client
        .post(server.url("/1.1/statuses/update.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .with_extension(user(0))
        .send()
        .await
        .expect_err("not signable");
    let found = match &error {
        reqwest_middleware::Error::Middleware(inner) => inner.downcast_ref::<OAuth1Error>(),
        reqwest_middleware::Error::Reqwest(_) => None,
    };
    assert_eq!(found, Some(&OAuth1Error::StreamedFormBody));
    assert!(
        error.to_string().contains("give the body as bytes"),
        "{error}"
    );
    assert!(server.received().is_empty());
    assert!(log_of(&log).0.is_empty());
}

/// A body of one chunk that reqwest sees as a stream.
struct Streamed(Option<bytes::Bytes>);

impl http_body::Body for Streamed {
    type Data = bytes::Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(self.0.take().map(|chunk| Ok(http_body::Frame::data(chunk))))
    }
}

/// With the signer on the builder, the middleware signs every attempt itself and counts each
/// request under its user's token without being told: one user's exhausted window holds back
/// that user alone, and the resend after the reset verifies with a nonce of its own.
#[tokio::test]
async fn the_built_in_signer_signs_every_attempt_and_keeps_users_apart() {
    let (server, log) = verifying_server(&["/1.1/limited.json"]).await;
    let clock = FakeClock::new(at(CAPTURE_DATE));
    let sleeper = FakeSleeper::new(Arc::clone(&clock));
    let signer = OAuth1Signer::new(CONSUMER_KEY, CONSUMER_SECRET).with_clock(clock.clone());
    let middleware = TwerrMiddleware::builder()
        .clock(clock.clone())
        .sleeper(sleeper.clone())
        .jitter(Arc::new(twerr_core::NoJitter))
        .oauth1(signer)
        .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build();
    let limited = client
        .post(server.url("/1.1/limited.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x=1")
        .with_extension(user(0))
        .send()
        .await
        .expect("resent after the reset");
    assert_eq!(limited.status(), 200);
    assert_eq!(sleeper.slept().len(), 1, "one wait for the reset");
    let (verified, refused) = log_of(&log);
    assert_eq!(refused, Vec::<String>::new());
    assert_eq!(verified.len(), 2);
    assert_ne!(verified[0].nonce, verified[1].nonce);

    // Without waiting: the window user 0 was told about holds back user 0 alone, although
    // no request named its credential.
    let (server, log) = verifying_server(&["/1.1/limited.json"]).await;
    let middleware = TwerrMiddleware::builder()
        .clock(clock.clone())
        .jitter(Arc::new(twerr_core::NoJitter))
        .policy(twerr_core::RetryPolicy::default().with_max_attempts(1))
        .wait_for_window(false)
        .oauth1(OAuth1Signer::new(CONSUMER_KEY, CONSUMER_SECRET).with_clock(clock.clone()))
        .build();
    let client = ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build();
    let send = |token: OAuth1Token| {
        client
            .post(server.url("/1.1/limited.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("x=1")
            .with_extension(token)
            .send()
    };
    assert_eq!(send(user(0)).await.expect("sent").status(), 429);
    let error = send(user(0))
        .await
        .expect_err("user 0's window is exhausted");
    assert!(twerr_reqwest::NotSent::find(&error).is_some(), "{error}");
    assert_eq!(
        send(user(1))
            .await
            .expect("user 1 is not held back")
            .status(),
        200
    );
    let (verified, refused) = log_of(&log);
    assert_eq!(refused, Vec::<String>::new());
    let tokens: Vec<_> = verified.iter().map(|v| v.token.as_deref()).collect();
    assert_eq!(tokens, [Some(USERS[0].0), Some(USERS[1].0)]);
}
