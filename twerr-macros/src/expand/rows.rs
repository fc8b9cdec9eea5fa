//! Helpers shared by the expansions: variant idents and per-variant `match` arms.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::model::{RetryClass, Row, Table};
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

/// A string literal.
pub fn string(text: &str) -> Literal {
    Literal::string(text)
}

/// `match self { Self::A => a, ..., <unknown arm> }` with one arm per variant.
pub fn full_match<F>(variants: &[Variant<'_>], value: F, unknown: TokenStream) -> TokenStream
where
    F: Fn(&Row) -> TokenStream,
{
    let arms = variants.iter().map(|v| {
        let ident = &v.ident;
        let value = value(v.row);
        quote! { Self::#ident => #value, }
    });
    quote! {
        match self {
            #(#arms)*
            #unknown
        }
    }
}

/// `match self { Self::A => "a", ..., <unknown arm> }` for a text field of the rows.
pub fn text_match(
    variants: &[Variant<'_>],
    get: fn(&Row) -> &str,
    unknown: TokenStream,
) -> TokenStream {
    full_match(
        variants,
        |row| {
            let text = string(get(row));
            quote! { #text }
        },
        unknown,
    )
}

/// `match self { Self::A => a, _ => default }` with arms only for the rows that have a value;
/// just `default` when none has.
pub fn sparse_match<F>(variants: &[Variant<'_>], value: F, default: TokenStream) -> TokenStream
where
    F: Fn(&Row) -> Option<TokenStream>,
{
    let arms: Vec<TokenStream> = variants
        .iter()
        .filter_map(|v| {
            let ident = &v.ident;
            value(v.row).map(|value| quote! { Self::#ident => #value, })
        })
        .collect();
    if arms.is_empty() {
        return default;
    }
    quote! {
        match self {
            #(#arms)*
            _ => #default,
        }
    }
}

/// `::twerr_core::Retry::X`
pub fn retry(class: RetryClass) -> TokenStream {
    let variant = Ident::new(class.variant(), Span::call_site());
    quote! { ::twerr_core::Retry::#variant }
}

/// Which `Status` type a generated status value has.
#[derive(Clone, Copy)]
pub enum StatusType {
    /// The `Status` this expansion defines, for `Code::status()` and `Problem::status()`.
    ///
    /// Named bare, the one exception to "absolute paths" in the generated code. The `http`
    /// numbers were checked against this table's `[[status]]` rows, so the value must be this
    /// expansion's type: inside twerr-core that is `::twerr_core::Status`, but an expansion
    /// in another crate (the UI tests) defines its own `Status`, which that path would miss,
    /// and whose variants twerr-core's table may lack. No absolute path names "the type this
    /// expansion defined": `crate::Status` holds only at the crate root and `self::Status`
    /// fails in a block (items there are not in `self`). A bare name resolves where the
    /// expansion's items are, and nothing can shadow it: a `use` of another `Status` there
    /// would collide with the generated enum, and a glob import yields to it.
    Own,
    /// `::twerr_core::Status`: the type of `twerr_core::row::Observed::http`. Those values
    /// can only be built inside twerr-core (the type is `#[non_exhaustive]`), where it is the
    /// expansion's own `Status` (through `extern crate self as twerr_core`).
    Core,
}

/// `Some(Status::X)` for a status the expansion defines, naming `Status` as `ty` says.
pub fn status(table: &Table, code: u16, ty: StatusType) -> Option<TokenStream> {
    let name = table.status_name(code)?;
    if check_name(name).is_err() {
        return None;
    }
    let ident = Ident::new(name, Span::call_site());
    let path = match ty {
        StatusType::Own => quote! { Status },
        StatusType::Core => quote! { ::twerr_core::Status },
    };
    Some(quote! { ::core::option::Option::Some(#path::#ident) })
}
