//! `Status` and `Code`: numbered enums with an `Unknown(UnknownX)` variant.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::expand::accessors::{self, Shared};
use crate::expand::docs;
use crate::expand::rows::{full_match, retry, variants};
use crate::model::{Kind, Row, RowKey, Table};

/// The fixed texts of one numbered type.
struct Names {
    ty: &'static str,
    unknown: &'static str,
    what: &'static str,
    unknown_message: &'static str,
    doc: &'static str,
    unknown_doc: &'static str,
}

const STATUS: Names = Names {
    ty: "Status",
    unknown: "UnknownStatus",
    what: "status",
    unknown_message: "<unknown status>",
    doc: "An HTTP status of a Twitter/X API response: one variant per `[[status]]` row of \
          `error-table.toml`, with the row's text, source and retry advice in its docs.\n\n\
          Any number converts: [`Status::from_u16`] never fails, and a status the table does \
          not list becomes [`Status::Unknown`], keeping its number \
          (`Status::from_u16(n).as_u16() == n` for every `u16`). Statuses are ordered by \
          number. HTTP statuses and v1.1 error codes share numbers without sharing meaning, \
          hence the separate [`Code`] type.",
    unknown_doc: "A status the table does not list, with its number. Its retry advice is the \
                  class default of [`Retry::for_status_class`](::twerr_core::Retry::for_status_class).",
};

const CODE: Names = Names {
    ty: "Code",
    unknown: "UnknownCode",
    what: "code",
    unknown_message: "<unknown code>",
    doc: "A v1.1 numeric error code (the `code` of `{\"errors\":[{\"code\":88,\"message\":...}]}`): \
          one variant per `[[code]]` row of `error-table.toml`, with the row's text, HTTP \
          correspondence, source and retry advice in its docs.\n\n\
          Any number converts: [`Code::from_u16`] never fails, and a code the table does not \
          list becomes [`Code::Unknown`], keeping its number \
          (`Code::from_u16(n).as_u16() == n` for every `u16`). Codes are ordered by number. \
          Code 415 arrives with HTTP 403 and has nothing to do with HTTP 415: codes and \
          statuses are separate types.",
    unknown_doc: "A code the table does not list, with its number. It has no retry advice of \
                  its own: use the HTTP status's.",
};

fn ident(text: &str) -> Ident {
    Ident::new(text, Span::call_site())
}

fn number(row: &Row) -> TokenStream {
    match row.key {
        RowKey::Number(n) => {
            let n = Literal::u16_unsuffixed(n);
            quote! { #n }
        }
        // Validation gives numbered tables number keys only; a slug here would be a bug, and a
        // compile error is the safe outcome.
        RowKey::Slug(_) => quote! { ::core::compile_error!("internal: slug in a numbered table") },
    }
}

/// The enum, its unknown type and all impls for `Status` or `Code`.
pub fn expand(kind: Kind, table: &Table) -> TokenStream {
    let names = if kind == Kind::Status { &STATUS } else { &CODE };
    let variants = variants(table.rows(kind));
    let ty = ident(names.ty);
    let unknown = ident(names.unknown);
    let (what, unknown_message) = (names.what, names.unknown_message);
    let (doc, unknown_doc) = (names.doc, names.unknown_doc);
    let unknown_get_doc = format!("The {what} number.");
    let unknown_type_doc = format!(
        "The number of a {what} the table does not list, inside [`{}::Unknown`]. Its field \
         is private: a number the table lists always converts to its named variant.",
        names.ty
    );

    let idents: Vec<&Ident> = variants.iter().map(|v| &v.ident).collect();
    let attrs = variants
        .iter()
        .map(|v| docs::attributes(kind, v.row, table));
    let numbers: Vec<TokenStream> = variants.iter().map(|v| number(v.row)).collect();

    let from_u16 = if variants.is_empty() {
        quote! { Self::Unknown(#unknown(n)) }
    } else {
        quote! {
            match n {
                #(#numbers => Self::#idents,)*
                _ => Self::Unknown(#unknown(n)),
            }
        }
    };
    let as_u16 = full_match(
        &variants,
        number,
        quote! { Self::Unknown(unknown) => unknown.0 },
    );
    let unknown_retry = if kind == Kind::Status {
        quote! { Self::Unknown(unknown) => ::twerr_core::Retry::for_status_class(unknown.0) }
    } else {
        quote! { Self::Unknown(_) => ::core::option::Option::None }
    };
    let retry_body = full_match(
        &variants,
        |row| match row.retry {
            Some(class) => {
                let class = retry(class);
                quote! { ::core::option::Option::Some(#class) }
            }
            None => quote! { ::core::option::Option::None },
        },
        unknown_retry,
    );
    let retry_doc = if kind == Kind::Status {
        "The retry advice of this status: the table's for listed statuses (`None` below 400), \
         the class default of [`Retry::for_status_class`](::twerr_core::Retry::for_status_class) \
         for others."
    } else {
        "The retry advice of this code: `Some` for every listed code, `None` for unknown codes \
         (then the HTTP status decides)."
    };
    let shared = accessors::shared(
        &variants,
        table,
        &Shared {
            what,
            key: "number",
            message: "text",
            unknown: quote! { Self::Unknown(_) },
            unknown_message,
            retry: retry_body,
            retry_doc,
            status: kind == Kind::Code,
        },
    );
    let all_doc = format!("Every {what} the table lists, in table order (by number).");

    quote! {
        #[doc = #doc]
        #[derive(
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
        )]
        #[non_exhaustive]
        pub enum #ty {
            #(
                #attrs
                #idents,
            )*
            #[doc = #unknown_doc]
            Unknown(#unknown),
        }

        #[doc = #unknown_type_doc]
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
        pub struct #unknown(u16);

        #[automatically_derived]
        impl #unknown {
            #[doc = #unknown_get_doc]
            pub const fn get(self) -> u16 {
                self.0
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #unknown {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        #[automatically_derived]
        impl #ty {
            #[doc = #all_doc]
            pub const ALL: &'static [Self] = &[#(Self::#idents),*];

            /// The value for a number; never fails: numbers the table does not list give
            /// `Unknown`.
            pub const fn from_u16(n: u16) -> Self {
                #from_u16
            }

            /// The number (`from_u16(n).as_u16() == n` for every `n`).
            pub const fn as_u16(self) -> u16 {
                #as_u16
            }

            #shared
        }

        #[automatically_derived]
        impl ::core::cmp::PartialOrd for #ty {
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(::core::cmp::Ord::cmp(self, other))
            }
        }

        #[automatically_derived]
        impl ::core::cmp::Ord for #ty {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                ::core::cmp::Ord::cmp(&self.as_u16(), &other.as_u16())
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<u16> for #ty {
            fn from(n: u16) -> Self {
                Self::from_u16(n)
            }
        }

        #[automatically_derived]
        impl ::core::convert::From<#ty> for u16 {
            fn from(value: #ty) -> Self {
                value.as_u16()
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "{} {}", self.as_u16(), self.message())
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #ty {
            type Err = ::twerr_core::ParseError;

            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
                match text.parse::<u16>() {
                    ::core::result::Result::Ok(n) if digits => ::core::result::Result::Ok(Self::from_u16(n)),
                    _ => ::core::result::Result::Err(::twerr_core::ParseError::new(#what, text)),
                }
            }
        }
    }
}
