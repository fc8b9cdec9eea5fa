//! The macro's arguments: `path = "file.toml"` or `source = r#"...toml..."#`.

use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

/// Where the table comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableSource {
    /// A file, relative to the invoking crate's directory (`CARGO_MANIFEST_DIR`).
    Path(String),
    /// The table's text itself.
    Inline(String),
}

/// The parsed arguments and the span every table diagnostic points at.
#[derive(Clone, Debug)]
pub struct Input {
    pub source: TableSource,
    pub span: Span,
}

const USAGE: &str =
    "expected `path = \"error-table.toml\"` (relative to the crate) or `source = r#\"...\"#`";

/// Parses the arguments; a trailing comma is allowed.
pub fn parse(tokens: TokenStream) -> syn::Result<Input> {
    parse_args.parse2(tokens)
}

fn parse_args(stream: ParseStream<'_>) -> syn::Result<Input> {
    if stream.is_empty() {
        return Err(stream.error(USAGE));
    }
    let key: Ident = stream
        .parse()
        .map_err(|e| syn::Error::new(e.span(), USAGE))?;
    let _: Token![=] = stream
        .parse()
        .map_err(|e| syn::Error::new(e.span(), USAGE))?;
    let value: LitStr = stream.parse().map_err(|e| {
        syn::Error::new(e.span(), format!("`{key}` takes a string literal; {USAGE}"))
    })?;
    if stream.peek(Token![,]) {
        let _: Token![,] = stream.parse()?;
    }
    if !stream.is_empty() {
        return Err(stream.error(format!("unexpected tokens after `{key} = ...`; {USAGE}")));
    }
    let source = if key == "path" {
        TableSource::Path(value.value())
    } else if key == "source" {
        TableSource::Inline(value.value())
    } else {
        return Err(syn::Error::new(
            key.span(),
            format!("unknown argument `{key}`; {USAGE}"),
        ));
    };
    Ok(Input {
        source,
        span: value.span(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn accepts_a_path_or_inline_source() {
        let input = parse(quote!(path = "error-table.toml")).map(|i| i.source);
        assert_eq!(
            input.ok(),
            Some(TableSource::Path("error-table.toml".into()))
        );
        let input = parse(quote!(source = r#"[[code]]"#,)).map(|i| i.source);
        assert_eq!(input.ok(), Some(TableSource::Inline("[[code]]".into())));
    }

    #[test]
    fn rejects_anything_else_with_the_usage() {
        for tokens in [
            quote!(),
            quote!(file = "x.toml"),
            quote!(path = 5),
            quote!(path = "a" "b"),
            quote!(path "a"),
        ] {
            let err = parse(tokens.clone()).err().map(|e| e.to_string());
            let err = err.unwrap_or_default();
            assert!(err.contains("expected `path = "), "{tokens}: {err}");
        }
    }
}
