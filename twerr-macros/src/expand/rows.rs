//! A validated row -> a `::twerr_core::table::Row` constant expression.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens, quote};

use crate::model::{History, Observed, Reach, Retired, RetryClass, Row, Table};
use crate::validate::names::check_name;

/// A row ready to expand: its variant ident (from a name that passed `check_name`).
pub struct Variant<'a> {
    pub ident: Ident,
    pub row: &'a Row,
}

/// The rows whose names are valid identifiers (validation already dropped the others; the
/// check here keeps `Ident::new` from ever seeing unchecked text).
pub fn variants(rows: &[Row]) -> Vec<Variant<'_>> {
    rows.iter()
        .filter(|row| check_name(&row.name).is_ok())
        .map(|row| Variant {
            ident: Ident::new(&row.name, Span::call_site()),
            row,
        })
        .collect()
}

fn none() -> TokenStream {
    quote! { ::core::option::Option::None }
}

fn some(value: TokenStream) -> TokenStream {
    quote! { ::core::option::Option::Some(#value) }
}

/// `Option<&'static str>` tokens.
fn optional_text(text: Option<&String>) -> TokenStream {
    text.map_or_else(none, |text| some(Literal::string(text).into_token_stream()))
}

/// `Option<u16>` tokens for an `http` reference.
fn optional_status<T>(http: Option<&(u16, T)>) -> TokenStream {
    http.map_or_else(none, |(n, _)| {
        some(Literal::u16_unsuffixed(*n).into_token_stream())
    })
}

/// `::twerr_core::Retry::X`
fn retry(class: RetryClass) -> TokenStream {
    let variant = Ident::new(class.variant(), Span::call_site());
    quote! { ::twerr_core::Retry::#variant }
}

/// `&Source` tokens for a `source` value: the `[[source]]` it names, with its fields, or a
/// citation known only by its text.
fn source(cited: &str, table: &Table) -> TokenStream {
    let Some(def) = table.source(cited) else {
        return quote! { &::twerr_core::table::Source::__text(#cited) };
    };
    let (id, title) = (&def.id, &def.title);
    let url = optional_text(def.url.as_ref());
    let commit = optional_text(def.commit.as_ref());
    let date = optional_text(def.date.as_ref());
    let source = quote! {
        ::twerr_core::table::Source::__new(
            ::core::option::Option::Some(#id), #title, #url, #commit, #date,
        )
    };
    match &def.unidentified {
        Some(why) => quote! { &#source.__unidentified(#why) },
        None => quote! { &#source },
    }
}

fn retired(retired: Option<&Retired>) -> TokenStream {
    retired.map_or_else(none, |Retired { date, note }| {
        some(quote! { &::twerr_core::table::Retired::__new(#date, #note) })
    })
}

fn observed(entries: &[Observed], table: &Table) -> TokenStream {
    let entries = entries.iter().map(|o| {
        let message = optional_text(o.message.as_ref());
        let http = optional_status(o.http.as_ref());
        let source = source(&o.source, table);
        quote! { ::twerr_core::table::Observed::__new(#message, #http, #source) }
    });
    quote! { &[#(#entries),*] }
}

fn history(entries: &[History], table: &Table) -> TokenStream {
    let entries = entries.iter().map(|h| {
        let message = optional_text(h.message.as_ref());
        let description = optional_text(h.description.as_ref());
        let source = source(&h.source, table);
        quote! { ::twerr_core::table::History::__new(#message, #description, #source) }
    });
    quote! { &[#(#entries),*] }
}

/// `::twerr_core::Reach::X`
fn reach(reach: Reach) -> TokenStream {
    let variant = Ident::new(reach.variant(), Span::call_site());
    quote! { ::twerr_core::Reach::#variant }
}

/// `::twerr_core::table::Row::__new(name, message, description, source, retry, http,
/// documented, retired, observed, history)`, then `.__reach(reach, writes_only)` on error rows.
pub fn row(row: &Row, table: &Table) -> TokenStream {
    let (name, message, description) = (&row.name, &row.message, &row.description);
    let source = source(&row.source, table);
    let retry = row.retry.map_or_else(none, |class| some(retry(class)));
    let http = optional_status(row.http.as_ref());
    let documented = row.documented;
    let retired = retired(row.retired.as_ref());
    let observed = observed(&row.observed, table);
    let history = history(&row.history, table);
    let reach = row.reach.map(|r| {
        let (r, writes_only) = (reach(r), row.writes_only);
        quote! { .__reach(#r, #writes_only) }
    });
    quote! {
        ::twerr_core::table::Row::__new(
            #name,
            #message,
            #description,
            #source,
            #retry,
            #http,
            #documented,
            #retired,
            #observed,
            #history,
        )
        #reach
    }
}
