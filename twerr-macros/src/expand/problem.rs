//! `Problem`: the v2 problem types, keyed by slug, `Unknown` without payload.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::accessors::{self, Shared};
use crate::expand::docs;
use crate::expand::rows::{retry, sparse_match, string, text_match, variants};
use crate::model::{Kind, Row, RowKey, Table};
use crate::validate::names::ABOUT_BLANK;

const DOC: &str = "A v2 problem type (the `type` member of a problem-details error body, e.g. \
    `https://api.twitter.com/2/problems/usage-capped`): one variant per `[[problem]]` row of \
    `error-table.toml`, with the row's title, description, HTTP correspondence, source and \
    retry advice in its docs.\n\n\
    [`Problem::from_type`] accepts the type URI on any host, or the bare slug; types the table \
    does not list give [`Problem::Unknown`] (keep the raw `type` string to tell them apart). \
    Problems are ordered as in the table (by slug).";

fn slug(row: &Row) -> &str {
    match &row.key {
        RowKey::Slug(slug) => slug,
        RowKey::Number(_) => "",
    }
}

/// The `Problem` enum and its impls.
pub fn expand(table: &Table) -> TokenStream {
    let variants = variants(&table.problems);
    let idents: Vec<_> = variants.iter().map(|v| &v.ident).collect();
    let attrs = variants
        .iter()
        .map(|v| docs::attributes(Kind::Problem, v.row, table));

    let about_blank = variants
        .iter()
        .find(|v| slug(v.row) == ABOUT_BLANK)
        .map(|v| {
            let ident = &v.ident;
            quote! {
                if type_uri == #ABOUT_BLANK {
                    return Self::#ident;
                }
            }
        });
    let segment_arms: Vec<TokenStream> = variants
        .iter()
        .filter(|v| slug(v.row) != ABOUT_BLANK)
        .map(|v| {
            let (ident, slug) = (&v.ident, string(slug(v.row)));
            quote! { #slug => Self::#ident, }
        })
        .collect();
    let from_type = if segment_arms.is_empty() {
        quote! {
            #about_blank
            let _ = type_uri;
            Self::Unknown
        }
    } else {
        quote! {
            #about_blank
            // Read like a URI, without allocating (this runs for every parsed error body):
            // the path ends at the first `?` (query) or `#` (fragment), neither of which a
            // path can contain; one trailing `/` is ignored; the slug is the last path
            // segment, whatever the host and prefix (`/2/problems/`, `/labs/1/problems/`),
            // or the whole path for a bare slug.
            let path = match type_uri.split(['?', '#']).next() {
                ::core::option::Option::Some(path) => path,
                ::core::option::Option::None => type_uri,
            };
            let path = match path.strip_suffix('/') {
                ::core::option::Option::Some(path) => path,
                ::core::option::Option::None => path,
            };
            let segment = match path.rsplit_once('/') {
                ::core::option::Option::Some((_, last)) => last,
                ::core::option::Option::None => path,
            };
            match segment {
                #(#segment_arms)*
                _ => Self::Unknown,
            }
        }
    };

    let slug_body = text_match(&variants, slug, quote! { Self::Unknown => "" });
    let retry_body = sparse_match(
        &variants,
        |row| {
            row.retry.map(|class| {
                let class = retry(class);
                quote! { ::core::option::Option::Some(#class) }
            })
        },
        quote! { ::core::option::Option::None },
    );
    let shared = accessors::shared(
        &variants,
        table,
        &Shared {
            what: "problem type",
            key: "slug",
            message: "title",
            unknown: quote! { Self::Unknown },
            unknown_message: "<unknown problem>",
            retry: retry_body,
            retry_doc: "The retry advice of this problem type; `None` for `about:blank` and \
                        `Unknown`: then the HTTP status decides.",
            status: true,
        },
    );

    quote! {
        #[doc = #DOC]
        #[derive(
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
            ::core::cmp::PartialOrd,
            ::core::cmp::Ord,
        )]
        #[non_exhaustive]
        pub enum Problem {
            #(
                #attrs
                #idents,
            )*
            /// A problem type the table does not list.
            Unknown,
        }

        #[automatically_derived]
        impl Problem {
            /// Every problem type the table lists, in table order (by slug).
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The problem type of a `type` member: `about:blank` (exactly), a type URI whose
            /// last path segment is a known slug (any host: `api.twitter.com/2/problems/...`,
            /// `api.x.com/2/problems/...`, `api.twitter.com/labs/1/problems/...`), or the bare
            /// slug. A `?query`, a `#fragment` and one trailing `/` are not part of the slug.
            /// Anything else is `Unknown`.
            pub fn from_type(type_uri: &str) -> Self {
                #from_type
            }

            /// The slug: the type URI's last path segment (`"about:blank"` as is); empty for
            /// `Unknown`.
            pub const fn slug(self) -> &'static str {
                #slug_body
            }

            #shared
        }

        #[automatically_derived]
        impl ::core::fmt::Display for Problem {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                if self.is_known() {
                    ::core::write!(f, "{} {}", self.slug(), self.message())
                } else {
                    f.write_str(self.message())
                }
            }
        }
    }
}
