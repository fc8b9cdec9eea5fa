//! The published examples of RFC 5849 and X's docs, byte for byte, and the edges of
//! parameter collection.

use reqwest::{Method, Request, Url};

use super::signature::{Protocol, base_string, base_uri, sign};
use super::*;

fn request(method: Method, url: &str, form: Option<&'static str>) -> Request {
    let url = Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    let mut request = Request::new(method, url);
    if let Some(body) = form {
        request.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        *request.body_mut() = Some(body.into());
    }
    request
}

fn base(request: &Request, protocol: &Protocol<'_>) -> String {
    base_string(request, protocol).unwrap_or_else(|e| panic!("{e}"))
}

/// RFC 5849 §3.4.1.1: the example request of §3.1 and its base string. Its secrets are not
/// published, so the signature cannot be checked; the normalization can, and its `c%40`
/// before `c2` is the encoded order of §3.4.1.3.2 (unencoded, `c@` sorts after `c2`).
#[test]
fn rfc5849_section_3_4_1_base_string() {
    let request = request(
        Method::POST,
        "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
        Some("c2&a3=2+q"),
    );
    let protocol = Protocol {
        consumer_key: "9djdj82h48djs9d2",
        token: Some("kkk9d7dh3k39sjv7"),
        nonce: "7d8f3e4a",
        timestamp: 137_131_201,
        version: false,
    };
    assert_eq!(
        base(&request, &protocol),
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
         %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
         key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
         ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
         9d7dh3k39sjv7"
    );
}

/// RFC 5849 §1.2: the photos.example.net request, its signature and its header value.
#[test]
fn rfc5849_section_1_2_signature() {
    let request = request(
        Method::GET,
        "http://photos.example.net/photos?file=vacation.jpg&size=original",
        None,
    );
    let protocol = Protocol {
        consumer_key: "dpf43f3p2l4k3l03",
        token: Some("nnch734d00sl2jdk"),
        nonce: "chapoH",
        timestamp: 137_131_202,
        version: false,
    };
    let base = base(&request, &protocol);
    assert_eq!(
        base,
        "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
         oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_\
         signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_tok\
         en%3Dnnch734d00sl2jdk%26size%3Doriginal"
    );
    let signature = sign(&base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
    assert_eq!(signature, "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    assert!(
        protocol
            .header(&signature)
            .contains(r#"oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D""#)
    );
}

/// X's docs, "Creating a signature": the base string and signature. (The test of the whole
/// header through the public API is in tests/oauth1.rs.)
#[test]
fn x_docs_creating_a_signature() {
    let request = request(
        Method::POST,
        "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
        Some("status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"),
    );
    let protocol = Protocol {
        consumer_key: "xvz1evFS4wEEPTGEFPHBog",
        token: Some("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
        nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        timestamp: 1_318_622_958,
        version: true,
    };
    let base = base(&request, &protocol);
    assert_eq!(
        base,
        "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities\
         %3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFab\
         xSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp\
         %3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26o\
         auth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2\
         520signed%2520OAuth%2520request%2521"
    );
    assert_eq!(
        sign(
            &base,
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
        ),
        "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
    );
}

/// RFC 5849 §3.4.1.2's two examples of a base string URI.
#[test]
fn base_uri_lowercases_and_drops_default_ports_queries_and_fragments() {
    let uri = |s: &str| base_uri(&Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")));
    assert_eq!(
        uri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123").as_deref(),
        Some("http://example.com/r%20v/X")
    );
    assert_eq!(
        uri("https://www.example.net:8080/?q=1#frag").as_deref(),
        Some("https://www.example.net:8080/")
    );
    assert_eq!(
        uri("https://user:pw@API.X.com:443").as_deref(),
        Some("https://api.x.com/")
    );
    assert_eq!(uri("data:text/plain,hi"), None);
}

fn simple() -> Protocol<'static> {
    Protocol {
        consumer_key: "ck",
        token: None,
        nonce: "n",
        timestamp: 1,
        version: false,
    }
}

/// The normalized parameters: the third part of the base string, decoded once.
fn parameters(request: &Request) -> String {
    let base = base(request, &simple());
    let third = base.rsplit('&').next().unwrap_or_default();
    percent_encoding::percent_decode_str(third)
        .decode_utf8_lossy()
        .into_owned()
}

#[test]
fn duplicates_are_kept_and_sorted_by_value_and_the_signature_parameter_is_left_out() {
    let request = request(
        Method::GET,
        "https://api.x.com/a?z=2&z=1&&a=%7e&oauth_signature=forged&e",
        None,
    );
    assert_eq!(
        parameters(&request),
        "a=~&e=&oauth_consumer_key=ck&oauth_nonce=n&oauth_signature_method=HMAC-SHA1&\
         oauth_timestamp=1&z=1&z=2"
    );
}

#[test]
fn a_form_body_is_signed_as_bytes_and_other_bodies_are_not() {
    // `%FF` is not UTF-8: signed as the byte it is, not as U+FFFD.
    let mut form = request(Method::POST, "https://api.x.com/a", Some("v=%ff+%C3%A9"));
    form.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("Application/X-WWW-Form-URLEncoded; charset=utf-8"),
    );
    assert!(parameters(&form).ends_with("&v=%FF%20%C3%A9"));

    let mut json = request(Method::POST, "https://api.x.com/2/tweets", None);
    json.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    *json.body_mut() = Some(r#"{"text":"a=b"}"#.into());
    assert!(parameters(&json).starts_with("oauth_consumer_key=ck&"));
}

#[test]
fn a_streamed_form_body_is_an_error_and_the_request_is_left_unsigned() {
    let mut request = request(Method::POST, "https://api.x.com/a", Some(""));
    let stream = futures_stream();
    *request.body_mut() = Some(reqwest::Body::wrap(stream));
    let signer = OAuth1Signer::new("ck", "cs");
    assert_eq!(
        signer.sign(&mut request, None),
        Err(OAuth1Error::StreamedFormBody)
    );
    assert!(request.headers().get(http::header::AUTHORIZATION).is_none());
    assert!(OAuth1Error::StreamedFormBody.to_string().contains("bytes"));
}

/// A body that is a stream (never polled here).
fn futures_stream()
-> impl http_body::Body<Data = bytes::Bytes, Error = std::io::Error> + Send + Sync + 'static {
    struct Empty;
    impl http_body::Body for Empty {
        type Data = bytes::Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, std::io::Error>>>
        {
            std::task::Poll::Ready(None)
        }
    }
    Empty
}

#[test]
fn identity_names_the_consumer_key_and_the_requests_token() {
    let signer = OAuth1Signer::new("app-key", "app-secret");
    let mut extensions = Extensions::new();
    let app = signer.identity(&extensions);
    assert_eq!((app.consumer_key, app.token), ("app-key", None));
    extensions.insert(OAuth1Token::new("123-user", "user-secret"));
    let user = signer.identity(&extensions);
    assert_eq!(
        (user.consumer_key, user.token),
        ("app-key", Some("123-user"))
    );
}

#[test]
fn sign_attempt_uses_the_token_extension_and_replaces_any_authorization() {
    #[derive(Debug)]
    struct Fixed;
    impl NonceSource for Fixed {
        fn nonce(&self) -> String {
            "fixed".to_owned()
        }
    }
    let signer = OAuth1Signer::new("ck", "cs").with_nonces(Arc::new(Fixed));
    let mut extensions = Extensions::new();
    extensions.insert(OAuth1Token::new("tok", "ts"));
    let mut request = request(Method::GET, "https://api.x.com/2/users/me", None);
    request.headers_mut().insert(
        http::header::AUTHORIZATION,
        HeaderValue::from_static("Bearer AAAA"),
    );
    let result = signer.sign_attempt(&mut request, &extensions);
    assert_eq!(result, Ok(()));
    let header = request.headers().get(http::header::AUTHORIZATION);
    assert!(header.is_some_and(HeaderValue::is_sensitive));
    let header = header.and_then(|h| h.to_str().ok()).unwrap_or_default();
    assert!(header.starts_with(r#"OAuth oauth_consumer_key="ck", oauth_nonce="fixed", "#));
    assert!(header.contains(r#"oauth_token="tok""#));
}
