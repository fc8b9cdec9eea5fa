//! The accessors every table type has, from `message` to `status`: one template for
//! `Status`, `Code` and `Problem`, so their docs and bodies cannot drift apart.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::rows::{
    StatusType, Variant, full_match, sparse_match, status, string, text_match,
};
use crate::model::{Retired, Table};

/// What tells one table type's shared accessors from another's.
pub struct Shared<'a> {
    /// The type in docs, singular: "status", "code", "problem type".
    pub what: &'a str,
    /// What Display writes before the message: "number" or "slug".
    pub key: &'a str,
    /// What the docs call a row's message: "text" or "title".
    pub message: &'a str,
    /// The pattern of the unknown variant: `Self::Unknown(_)` or `Self::Unknown`.
    pub unknown: TokenStream,
    /// `message()` of the unknown variant.
    pub unknown_message: &'a str,
    /// The body of `retry()`: how unknown values and rows without advice answer differs.
    pub retry: TokenStream,
    /// The doc of `retry()`.
    pub retry_doc: &'a str,
    /// Whether the type has `status()`: the HTTP status its rows come with (`Status` does not).
    pub status: bool,
}

/// The shared accessors, for the inside of the type's inherent impl.
pub fn shared(variants: &[Variant<'_>], table: &Table, shared: &Shared<'_>) -> TokenStream {
    let Shared {
        what,
        key,
        message,
        unknown,
        unknown_message,
        retry,
        retry_doc,
        status: has_status,
    } = shared;
    let message_doc = format!("The documented {message}, as Display shows it after the {key}.");
    let is_known_doc = format!("Whether the table lists this {what}.");
    let message = text_match(
        variants,
        |row| &row.message,
        quote! { #unknown => #unknown_message },
    );
    let description = text_match(variants, |row| &row.description, quote! { #unknown => "" });
    let name = text_match(variants, |row| &row.name, quote! { #unknown => "Unknown" });
    let source = text_match(variants, |row| &row.source, quote! { #unknown => "" });
    let documented = full_match(
        variants,
        |row| {
            let documented = row.documented;
            quote! { #documented }
        },
        quote! { #unknown => false },
    );
    let provenance = provenance(variants, table);
    let status_fn = has_status.then(|| {
        let doc = format!("The HTTP status the docs say this {what} comes with, if they say.");
        let body = sparse_match(
            variants,
            |row| {
                row.http
                    .as_ref()
                    .and_then(|(code, _)| status(table, *code, StatusType::Own))
            },
            quote! { ::core::option::Option::None },
        );
        quote! {
            #[doc = #doc]
            // The expansion's own `Status`, named bare on purpose: see `StatusType::Own`.
            pub const fn status(self) -> ::core::option::Option<Status> {
                #body
            }
        }
    });

    quote! {
        #[doc = #message_doc]
        pub const fn message(self) -> &'static str {
            #message
        }

        /// The documented description; empty for unknown values.
        pub const fn description(self) -> &'static str {
            #description
        }

        /// The variant name, e.g. for logs; `"Unknown"` for unknown values.
        pub const fn name(self) -> &'static str {
            #name
        }

        /// Where the row's text comes from: the doc page and its date, or a URL.
        pub const fn source(self) -> &'static str {
            #source
        }

        #[doc = #is_known_doc]
        pub const fn is_known(self) -> bool {
            !::core::matches!(self, #unknown)
        }

        /// Whether the docs list it (`false` for values seen only in real responses, and
        /// for unknown values).
        pub const fn documented(self) -> bool {
            #documented
        }

        #provenance

        #[doc = #retry_doc]
        pub const fn retry(self) -> ::core::option::Option<::twerr_core::Retry> {
            #retry
        }

        /// Whether retrying can succeed: the retry advice is `Backoff` or `AfterReset`.
        pub const fn is_retryable(self) -> bool {
            match self.retry() {
                ::core::option::Option::Some(retry) => retry.is_retryable(),
                ::core::option::Option::None => false,
            }
        }

        #status_fn
    }
}

/// `Option<&'static str>` tokens.
fn optional(text: Option<&String>) -> TokenStream {
    match text {
        Some(text) => {
            let text = string(text);
            quote! { ::core::option::Option::Some(#text) }
        }
        None => quote! { ::core::option::Option::None },
    }
}

/// The accessors for provenance: `retired`, `observed`, `history`.
fn provenance(variants: &[Variant<'_>], table: &Table) -> TokenStream {
    let none = quote! { ::core::option::Option::None };
    let empty = quote! { &[] };
    let retired = sparse_match(
        variants,
        |row| {
            row.retired.as_ref().map(|Retired { date, note }| {
                let (date, note) = (string(date), string(note));
                quote! {
                    ::core::option::Option::Some(&::twerr_core::row::Retired {
                        date: #date,
                        note: #note,
                    })
                }
            })
        },
        none.clone(),
    );
    let observed = sparse_match(
        variants,
        |row| {
            if row.observed.is_empty() {
                return None;
            }
            let entries = row.observed.iter().map(|o| {
                let message = optional(o.message.as_ref());
                let http = o
                    .http
                    .as_ref()
                    .and_then(|(code, _)| status(table, *code, StatusType::Core))
                    .unwrap_or_else(|| none.clone());
                let source = string(&o.source);
                quote! {
                    ::twerr_core::row::Observed { message: #message, http: #http, source: #source }
                }
            });
            Some(quote! { &[#(#entries),*] })
        },
        empty.clone(),
    );
    let history = sparse_match(
        variants,
        |row| {
            if row.history.is_empty() {
                return None;
            }
            let entries = row.history.iter().map(|h| {
                let message = optional(h.message.as_ref());
                let description = optional(h.description.as_ref());
                let source = string(&h.source);
                quote! {
                    ::twerr_core::row::History {
                        message: #message,
                        description: #description,
                        source: #source,
                    }
                }
            });
            Some(quote! { &[#(#entries),*] })
        },
        empty,
    );
    quote! {
        /// When the docs dropped this row: its date and what replaced it. `None` for current
        /// rows and unknown values.
        pub const fn retired(self) -> ::core::option::Option<&'static ::twerr_core::row::Retired> {
            #retired
        }

        /// What real responses said where it differs from the docs (message, HTTP status).
        pub const fn observed(self) -> &'static [::twerr_core::row::Observed] {
            #observed
        }

        /// Other doc versions' wording of this row.
        pub const fn history(self) -> &'static [::twerr_core::row::History] {
            #history
        }
    }
}
