//! The validated table -> the generated types (`Status`, `Code`, `Problem`).
//!
//! The expansion is data: one `::twerr_core::__table_type!` invocation per table, listing each
//! variant with its rustdoc, its key and its row. twerr-core writes the enums, the lookups and
//! every accessor once, by hand (`twerr-core/src/table/types.rs`).
//!
//! Conventions of the generated code: absolute paths to everything outside the expansion, no
//! `unsafe`, no `Ident` from unchecked text.

mod docs;
#[cfg(test)]
mod pretty;
mod rows;
#[cfg(test)]
mod tests;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use crate::model::{Kind, Reach, RetryClass, RowKey, Table};
use rows::{row, variants};

/// The whole expansion. `include` is the table file's full path: including it makes cargo
/// rebuild the crate when the file changes.
pub fn expand(table: &Table, include: Option<&str>) -> TokenStream {
    let include = include.map(|path| {
        quote! {
            // Cargo rebuilds this crate when the table changes.
            const _: &str = ::core::include_str!(#path);
        }
    });
    let status = table_type(Kind::Status, table);
    let code = table_type(Kind::Code, table);
    let problem = table_type(Kind::Problem, table);
    quote! {
        #include
        #status
        #code
        #problem
    }
}

/// The two spelling functions of `twerr_core::Retry`, from twerr-table's one list.
pub fn retry_spellings() -> TokenStream {
    let path = quote! { ::twerr_core::Retry };
    spellings(
        &path,
        RetryClass::ALL.map(|class| (class.variant(), class.as_str())),
    )
}

/// The two spelling functions of `twerr_core::Reach`, from twerr-table's one list.
pub fn reach_spellings() -> TokenStream {
    let path = quote! { ::twerr_core::Reach };
    spellings(
        &path,
        Reach::ALL.map(|reach| (reach.variant(), reach.as_str())),
    )
}

/// `const fn spelling(T) -> &'static str` and `fn from_spelling(&str) -> Option<T>` for the
/// enum at `path`, from (variant, spelling) pairs.
fn spellings<const N: usize>(path: &TokenStream, pairs: [(&str, &str); N]) -> TokenStream {
    let pairs = pairs.map(|(variant, text)| {
        let variant = Ident::new(variant, proc_macro2::Span::call_site());
        (quote! { #path::#variant }, text)
    });
    let to_text = pairs
        .iter()
        .map(|(variant, text)| quote! { #variant => #text, });
    let from_text = pairs
        .iter()
        .map(|(variant, text)| quote! { #text => ::core::option::Option::Some(#variant), });
    quote! {
        const fn spelling(value: #path) -> &'static str {
            match value {
                #(#to_text)*
            }
        }

        fn from_spelling(text: &str) -> ::core::option::Option<#path> {
            match text {
                #(#from_text)*
                _ => ::core::option::Option::None,
            }
        }
    }
}

/// `::twerr_core::__table_type! { code Code(UnknownCode) { #[doc..] Name = 88 => Row, ... } }`.
fn table_type(kind: Kind, table: &Table) -> TokenStream {
    let head = match kind {
        Kind::Status => quote! { status Status(UnknownStatus) },
        Kind::Code => quote! { code Code(UnknownCode) },
        Kind::Problem => quote! { problem Problem },
    };
    let entries = variants(table.rows(kind)).into_iter().map(|variant| {
        let docs = docs::attributes(kind, variant.row, table);
        let ident: &Ident = &variant.ident;
        let key = match &variant.row.key {
            RowKey::Number(n) => Literal::u16_unsuffixed(*n),
            RowKey::Slug(slug) => Literal::string(slug),
        };
        let row = row(variant.row, table);
        quote! {
            #docs
            #ident = #key => #row,
        }
    });
    quote! {
        ::twerr_core::__table_type! {
            #head {
                #(#entries)*
            }
        }
    }
}
