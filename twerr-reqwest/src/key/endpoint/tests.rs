use super::*;

fn url(url: &str) -> Url {
    Url::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
}

fn v1(method: Method, address: &str) -> String {
    endpoint_key_v1(&method, &url(address))
}

fn v2(method: Method, address: &str) -> String {
    endpoint_key_v2(&method, &url(address))
}

#[test]
fn v1_collapses_ids_and_hosts() {
    assert_eq!(
        v1(
            Method::GET,
            "https://api.twitter.com/2/tweets/1460323737035677698?expansions=x"
        ),
        v1(Method::GET, "https://API.X.com/2/tweets/20"),
    );
    assert_eq!(
        v1(Method::GET, "https://api.x.com/2/tweets/20"),
        "GET api.x.com /2/tweets/:id"
    );
    assert_eq!(
        v1(
            Method::POST,
            "https://upload.twitter.com/1.1/media/upload.json"
        ),
        "POST upload.x.com /1.1/media/upload.json"
    );
    assert_eq!(
        v1(Method::GET, "http://127.0.0.1:8080/"),
        "GET 127.0.0.1:8080 /"
    );
    assert_eq!(
        v1(Method::GET, "https://nottwitter.com/a"),
        "GET nottwitter.com /a"
    );
    assert_ne!(
        v1(Method::GET, "https://api.x.com/2/users/me"),
        v1(Method::DELETE, "https://api.x.com/2/users/me")
    );
}

/// Version 1 is published: the ids it did not collapse stay as they were.
#[test]
fn v1_is_unchanged_by_the_new_id_shapes() {
    for (address, key) in [
        (
            "https://api.x.com/2/dm_conversations/123-456/dm_events",
            "GET api.x.com /2/dm_conversations/123-456/dm_events",
        ),
        (
            "https://api.x.com/2/spaces/1DXxyRYNejbKM",
            "GET api.x.com /2/spaces/1DXxyRYNejbKM",
        ),
        (
            "https://api.x.com/1.1/geo/id/df51dec6f4ee2b2c.json",
            "GET api.x.com /1.1/geo/id/df51dec6f4ee2b2c.json",
        ),
        (
            "https://api.x.com/2/users/2244994945/tweets",
            "GET api.x.com /2/users/:id/tweets",
        ),
    ] {
        assert_eq!(v1(Method::GET, address), key);
    }
}

#[test]
fn v2_writes_hosts_and_methods_as_v1() {
    assert_eq!(
        v2(
            Method::GET,
            "https://API.Twitter.com:8443/2/tweets/20?x=1#f"
        ),
        "GET api.x.com:8443 /2/tweets/{id}"
    );
    assert_eq!(
        v2(Method::GET, "https://api.x.com:443/2/tweets/20"),
        "GET api.x.com /2/tweets/{id}"
    );
    assert_eq!(
        v2(Method::GET, "https://nottwitter.com/2/tweets/20"),
        "GET nottwitter.com /2/tweets/{id}"
    );
    assert_eq!(
        v2(Method::GET, "http://127.0.0.1:8080/"),
        "GET 127.0.0.1:8080 /"
    );
    let patch = Method::from_bytes(b"patchy").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v2(patch, "https://api.x.com/2/lists/1"),
        "PATCHY api.x.com /2/lists/{id}"
    );
}

#[test]
fn a_literal_segment_beats_a_parameter() {
    for (path, template) in [
        ("/2/users/me", "/2/users/me"),
        ("/2/users/by", "/2/users/by"),
        ("/2/users/search", "/2/users/search"),
        ("/2/users/12", "/2/users/{id}"),
        ("/2/users/by/username/me", "/2/users/by/username/{username}"),
        ("/2/spaces/search", "/2/spaces/search"),
        ("/2/spaces/by/creator_ids", "/2/spaces/by/creator_ids"),
        ("/2/tweets/search/recent", "/2/tweets/search/recent"),
        ("/2/tweets/counts/all", "/2/tweets/counts/all"),
        ("/2/media/upload", "/2/media/upload"),
        ("/2/media/3_1146654567674912769", "/2/media/{media_key}"),
        ("/2/connections/all", "/2/connections/all"),
        ("/2/connections/7", "/2/connections/{endpoint_id}"),
        ("/2/broadcasts/scheduled", "/2/broadcasts/scheduled"),
        ("/2/broadcasts/1yNGaQLWpejGj", "/2/broadcasts/{id}"),
        (
            "/2/chat/media/upload/initialize",
            "/2/chat/media/upload/initialize",
        ),
        (
            "/2/dm_conversations/with/12/dm_events",
            "/2/dm_conversations/with/{participant_id}/dm_events",
        ),
        (
            "/2/users/12/following/34",
            "/2/users/{source_user_id}/following/{target_user_id}",
        ),
        ("/2/users/12/following", "/2/users/{id}/following"),
    ] {
        let endpoint = endpoint_v2(&Method::GET, &url(&format!("https://api.x.com{path}")));
        assert_eq!(endpoint.template, Some(template), "{path}");
        assert_eq!(endpoint.key, format!("GET api.x.com {template}"));
    }
}

/// Where the literal branch dead-ends, the parameter branch is tried: the most specific
/// template that matches the whole path, not the first literal seen.
#[test]
fn a_dead_end_literal_falls_back_to_the_parameter() {
    for (path, template) in [
        (
            "/2/dm_conversations/with/dm_events",
            "/2/dm_conversations/{id}/dm_events",
        ),
        (
            "/2/chat/media/upload/abc",
            "/2/chat/media/{id}/{media_hash_key}",
        ),
        ("/2/users/me/tweets", "/2/users/{id}/tweets"),
        ("/2/users/by/following", "/2/users/{id}/following"),
    ] {
        let endpoint = endpoint_v2(&Method::GET, &url(&format!("https://api.x.com{path}")));
        assert_eq!(endpoint.template, Some(template), "{path}");
    }
}

#[test]
fn query_and_fragment_are_dropped() {
    for address in [
        "https://api.x.com/2/tweets/search/recent?query=secret%20words&next_token=abc",
        "https://api.x.com/2/tweets/search/recent#fragment",
        "https://api.x.com/2/tweets/search/recent?",
    ] {
        assert_eq!(
            v2(Method::GET, address),
            "GET api.x.com /2/tweets/search/recent"
        );
    }
    assert_eq!(
        v2(
            Method::GET,
            "https://api.x.com/1.1/statuses/show/20.json?id=1"
        ),
        "GET api.x.com /1.1/statuses/show/:id.json"
    );
}

#[test]
fn paths_outside_the_spec_take_the_fallback() {
    for (address, key) in [
        // API v1.1.
        (
            "https://api.twitter.com/1.1/statuses/show/1460323737035677698.json",
            "GET api.x.com /1.1/statuses/show/:id.json",
        ),
        (
            "https://api.x.com/1.1/users/show.json",
            "GET api.x.com /1.1/users/show.json",
        ),
        (
            "https://api.x.com/1.1/geo/id/df51dec6f4ee2b2c.json",
            "GET api.x.com /1.1/geo/id/:id.json",
        ),
        (
            "https://api.x.com/1.1/geo/id/df51dec6f4ee2b2c",
            "GET api.x.com /1.1/geo/id/:id",
        ),
        // Paths newer than the spec, with each id shape.
        (
            "https://api.x.com/2/dm_conversations/123-456/unknown",
            "GET api.x.com /2/dm_conversations/:id/unknown",
        ),
        (
            "https://api.x.com/2/spaces/1DXxyRYNejbKM/unknown",
            "GET api.x.com /2/spaces/:id/unknown",
        ),
        (
            "https://api.x.com/2/new/by/username/jack/x",
            "GET api.x.com /2/new/by/username/:username/x",
        ),
        // Not ids: a 13-letter word, 13 digits-and-letters of another length, three numbers.
        (
            "https://api.x.com/2/notifications/x",
            "GET api.x.com /2/notifications/x",
        ),
        (
            "https://api.x.com/2/a/1DXxyRYNejbK/1DXxyRYNejbKMM",
            "GET api.x.com /2/a/1DXxyRYNejbK/1DXxyRYNejbKMM",
        ),
        (
            "https://api.x.com/2/a/1-2-3/-1/1-/DF51DEC6F4EE2B2C",
            "GET api.x.com /2/a/1-2-3/-1/1-/DF51DEC6F4EE2B2C",
        ),
        // The first segment is the API version, never an id.
        ("https://api.x.com/2", "GET api.x.com /2"),
        ("https://api.x.com/123-456/7", "GET api.x.com /123-456/:id"),
        // A trailing slash or an empty segment is another path.
        (
            "https://api.x.com/2/users/me/",
            "GET api.x.com /2/users/me/",
        ),
        (
            "https://api.x.com/2/users//tweets",
            "GET api.x.com /2/users//tweets",
        ),
        ("https://api.x.com/2/users/", "GET api.x.com /2/users/"),
    ] {
        let endpoint = endpoint_v2(&Method::GET, &url(address));
        assert_eq!(endpoint.key, key, "{address}");
        assert_eq!(endpoint.template, None, "{address}");
    }
}

#[test]
fn percent_encoding_and_non_ascii_are_matched_as_sent() {
    // The URL parser percent-encodes; a parameter takes any non-empty segment.
    assert_eq!(
        v2(
            Method::GET,
            "https://api.x.com/2/users/by/username/j\u{e4}ck"
        ),
        "GET api.x.com /2/users/by/username/{username}"
    );
    // An encoded literal is not decoded: `%6De` is a parameter value, not `me`.
    assert_eq!(
        v2(Method::GET, "https://api.x.com/2/users/%6De"),
        "GET api.x.com /2/users/{id}"
    );
    assert_eq!(
        v2(Method::GET, "https://api.x.com/2/Users/me"),
        "GET api.x.com /2/Users/me"
    );
    assert_eq!(
        v2(Method::GET, "https://api.x.com/9/\u{1F980}/\u{e9}t\u{e9}"),
        "GET api.x.com /9/%F0%9F%A6%80/%C3%A9t%C3%A9"
    );
}

#[test]
fn long_paths_are_cut_and_stay_bounded() {
    let head = "GET api.x.com ";
    for path in [
        format!("/2/{}", "a".repeat(100_000)),
        "/2/users".repeat(10_000),
        "/".repeat(100_000),
        format!("/2/{}", "%E2%82%AC".repeat(10_000)),
        format!("/2/{}", "123/".repeat(10_000)),
        format!("/2/users/{}/tweets", "9".repeat(100_000)),
    ] {
        let endpoint = endpoint_v2(&Method::GET, &url(&format!("https://api.x.com{path}")));
        assert!(endpoint.key.len() <= head.len() + MAX_PATH + '…'.len_utf8());
        assert!(endpoint.key.starts_with(head));
        if path.len() > MAX_PATH && endpoint.template.is_none() {
            assert!(endpoint.key.ends_with('…'), "{}", endpoint.key);
        }
    }
    // Ids collapse before the cut: a long id is still the endpoint's.
    assert_eq!(
        v2(
            Method::GET,
            &format!("https://api.x.com/2/tweets/{}", "9".repeat(100_000))
        ),
        "GET api.x.com /2/tweets/{id}"
    );
    // At exactly the bound nothing is cut.
    let exact = format!("/2/{}", "a".repeat(MAX_PATH - 3));
    assert_eq!(
        v2(Method::GET, &format!("https://api.x.com{exact}")),
        format!("{head}{exact}")
    );
}

#[test]
fn urls_without_a_hierarchical_path_do_not_panic() {
    for address in ["mailto:someone@example.com", "data:text/plain,x", "x:"] {
        let key = v2(Method::GET, address);
        assert!(key.starts_with("GET  "), "{key}");
    }
}
