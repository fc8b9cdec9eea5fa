//! The validated table -> the generated types (`Status`, `Code`, `Problem`).
//!
//! Conventions of the generated code: absolute paths to everything outside the expansion,
//! `#[automatically_derived]` on impls, no `unsafe`, no `Ident` from unchecked text.

mod accessors;
mod docs;
mod numbered;
#[cfg(test)]
mod pretty;
mod problem;
mod rows;
#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Kind, Table};

/// The whole expansion. `include` is the table file's full path: including it makes cargo
/// rebuild the crate when the file changes.
pub fn expand(table: &Table, include: Option<&str>) -> TokenStream {
    let include = include.map(|path| {
        quote! {
            // Cargo rebuilds this crate when the table changes.
            const _: &str = ::core::include_str!(#path);
        }
    });
    let status = numbered::expand(Kind::Status, table);
    let code = numbered::expand(Kind::Code, table);
    let problem = problem::expand(table);
    quote! {
        #include
        #status
        #code
        #problem
    }
}
