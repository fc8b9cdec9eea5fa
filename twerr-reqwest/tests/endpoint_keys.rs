//! `endpoint_key_v2` over every path of X's published spec (the data file shipped in the
//! crate, read here on its own), and over random paths.

use std::collections::BTreeSet;

use proptest::prelude::*;
use reqwest::{Method, Url};
use twerr_reqwest::{endpoint_key_v1, endpoint_key_v2};

const SPEC_PATHS: &str = include_str!("../data/x-api-v2-paths.tsv");

/// `(methods, path)` of every line of the data.
fn spec() -> Vec<(Vec<Method>, &'static str)> {
    SPEC_PATHS
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (methods, path) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("not METHODS<TAB>PATH: {line:?}"));
            let methods = methods
                .split(',')
                .map(|m| Method::from_bytes(m.as_bytes()).unwrap_or_else(|e| panic!("{m}: {e}")))
                .collect();
            (methods, path)
        })
        .collect()
}

/// A real value of the parameter `name` of `path`, in the shape X gives it.
fn realistic(path: &str, name: &str) -> &'static str {
    match name {
        "username" => "XDevelopers",
        "media_key" => "3_1146654567674912769",
        "media_hash_key" => "a1b2c3d4e5f60718",
        "woeid" => "23424977",
        "dm_conversation_id" => "1146654567674912769-2244994945",
        "id" if path.starts_with("/2/dm_conversations/") => "123123123-456456456",
        "id" if path.starts_with("/2/spaces/") => "1DXxyRYNejbKM",
        "id" if path.starts_with("/2/broadcasts/") => "1yNGaQLWpejGj",
        "id" if path.starts_with("/2/chat/conversations/") => "g1146654567674912769",
        _ => "1146654567674912769",
    }
}

/// `path` with each `{name}` replaced by `value(path, name)`.
fn substitute(path: &str, mut value: impl FnMut(&str, &str) -> String) -> String {
    path.split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => value(path, name),
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

fn key(method: &Method, address: &str) -> String {
    endpoint_key_v2(
        method,
        &Url::parse(address).unwrap_or_else(|e| panic!("{address}: {e}")),
    )
}

#[test]
fn every_spec_path_with_real_ids_maps_back_to_its_template() {
    let spec = spec();
    assert!(spec.len() >= 149, "{} paths", spec.len());
    for (methods, path) in &spec {
        let concrete = substitute(path, |path, name| realistic(path, name).to_owned());
        for method in methods {
            for host in ["api.x.com", "api.twitter.com"] {
                assert_eq!(
                    key(method, &format!("https://{host}{concrete}?max_results=5")),
                    format!("{method} api.x.com {path}"),
                    "{concrete}"
                );
            }
        }
    }
}

/// Values no literal of the spec equals: percent-encoded, non-ASCII, dots and dashes.
#[test]
fn every_spec_path_with_odd_values_maps_back_to_its_template() {
    for (methods, path) in spec() {
        let concrete = substitute(path, |_, name| format!("{name}-caf\u{e9}.%F0%9F%A6%80"));
        assert_eq!(
            key(&methods[0], &format!("https://api.x.com{concrete}")),
            format!("{} api.x.com {path}", methods[0]),
        );
    }
}

/// Version 2 is a new key, not an extension of version 1: a templated path never gets the
/// key version 1 gave it, so windows counted under the two never mix.
#[test]
fn v2_keys_of_templated_ids_differ_from_v1() {
    let url = Url::parse("https://api.x.com/2/users/2244994945/tweets").unwrap_or_else(|e| {
        panic!("{e}");
    });
    assert_eq!(
        endpoint_key_v1(&Method::GET, &url),
        "GET api.x.com /2/users/:id/tweets"
    );
    assert_eq!(
        endpoint_key_v2(&Method::GET, &url),
        "GET api.x.com /2/users/{id}/tweets"
    );
}

/// Segments likely to meet the templates and the id rules, and anything else.
fn segment() -> impl Strategy<Value = String> {
    let literals: Vec<String> = spec()
        .iter()
        .flat_map(|(_, path)| path.split('/'))
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .map(str::to_owned)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    prop_oneof![
        4 => proptest::sample::select(literals),
        1 => Just("by".to_owned()),
        1 => Just("username".to_owned()),
        1 => Just(String::new()),
        1 => Just("..".to_owned()),
        1 => "[0-9]{1,19}",
        1 => "[0-9]{1,19}-[0-9]{1,19}",
        1 => "[A-Za-z0-9]{13}",
        1 => "[0-9a-f]{16}",
        1 => "[0-9]{1,5}\\.(json|xml)",
        1 => "(%[0-9A-Fa-f]{2}|[a-z.:_~-]){1,10}",
        2 => "\\PC{0,12}",
    ]
}

/// A path of the spec with random values, or random segments, repeated up to 41 times.
fn path() -> impl Strategy<Value = String> {
    let templated = (
        proptest::sample::select(spec()),
        prop::collection::vec(segment(), 8),
    )
        .prop_map(|((_, path), values)| {
            let mut values = values.into_iter().cycle();
            substitute(path, |_, _| values.next().unwrap_or_default())
        });
    let random = (
        prop::option::of("2|1\\.1|labs|\\PC{0,3}"),
        prop::collection::vec(segment(), 0..12),
        0usize..3,
    )
        .prop_map(|(version, segments, repeat)| {
            let mut path = format!("/{}", version.unwrap_or_default());
            for _ in 0..=repeat * repeat * 10 {
                for segment in &segments {
                    path.push('/');
                    path.push_str(segment);
                }
            }
            path
        });
    prop_oneof![templated, random]
}

const HEAD: &str = "GET api.x.com ";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_paths_give_bounded_stable_keys(path in path(), query in "\\PC{0,20}") {
        let mut url = Url::parse("https://api.twitter.com/").unwrap_or_else(|e| panic!("{e}"));
        url.set_path(&path);
        let key = endpoint_key_v2(&Method::GET, &url);
        prop_assert!(key.starts_with(HEAD), "{}", key);
        // Bounded: 256 bytes of path and the cut mark.
        prop_assert!(key.len() <= HEAD.len() + 256 + '…'.len_utf8(), "{} bytes", key.len());
        // No query: the key is the same with any query or none.
        let mut queried = url.clone();
        queried.set_query(Some(&query));
        prop_assert_eq!(&endpoint_key_v2(&Method::GET, &queried), &key);
        prop_assert!(!key.contains('?'));
        // A template only where the spec has it.
        let key_path = &key[HEAD.len()..];
        if key_path.contains('{') {
            prop_assert!(spec().iter().any(|(_, p)| *p == key_path), "{}", key_path);
        }
        // Stable: the key's own path has the same key. A cut key's path ends in the cut mark,
        // which the rules may rewrite with its segment (`by/username/x…` is `:username`), so
        // it is only required to key within the bound again.
        let mut again = url.clone();
        again.set_path(key_path);
        let rekeyed = endpoint_key_v2(&Method::GET, &again);
        if key.ends_with('…') {
            prop_assert!(rekeyed.len() <= HEAD.len() + 256 + '…'.len_utf8());
        } else {
            prop_assert_eq!(rekeyed, key);
        }
    }
}
