//! A small token printer for expansion snapshots: one item, field, arm or attribute per line,
//! braces indented, and the arguments of the rows' `__new(...)` constructors one per line.
//! Deterministic and independent of rustfmt's version.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Prints `tokens` with line breaks after `;`, after `,` directly inside braces, after
/// attributes, and around brace groups.
pub fn pretty(tokens: TokenStream) -> String {
    let mut printer = Printer::default();
    printer.stream(tokens, true);
    printer.out.trim_end().to_owned() + "\n"
}

#[derive(Default)]
struct Printer {
    out: String,
    indent: usize,
    line_start: bool,
    /// The previous token was a joint punctuation (`:` of `::`, `-` of `->`): no space.
    joint: bool,
}

impl Printer {
    fn newline(&mut self) {
        if !self.line_start {
            self.out.push('\n');
            self.line_start = true;
        }
    }

    fn word(&mut self, text: &str) {
        if self.line_start {
            self.out.push_str(&"    ".repeat(self.indent));
            self.line_start = false;
        } else if !self.out.is_empty() && !self.joint && !matches!(text, "," | ";") {
            self.out.push(' ');
        }
        self.joint = false;
        self.out.push_str(text);
    }

    fn stream(&mut self, tokens: TokenStream, in_braces: bool) {
        let mut tokens = tokens.into_iter().peekable();
        while let Some(token) = tokens.next() {
            match token {
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                    self.word("{");
                    self.newline();
                    self.indent += 1;
                    self.stream(group.stream(), true);
                    self.indent = self.indent.saturating_sub(1);
                    self.newline();
                    self.word("}");
                    let continues = matches!(
                        tokens.peek(),
                        Some(TokenTree::Punct(p)) if matches!(p.as_char(), ',' | ';' | '.' | '?')
                    );
                    if !continues {
                        self.newline();
                    }
                }
                TokenTree::Group(group)
                    if group.delimiter() == Delimiter::Parenthesis
                        && self.out.ends_with("__new") =>
                {
                    // A row constructor: one argument per line.
                    self.joint = true;
                    self.word("(");
                    self.newline();
                    self.indent += 1;
                    self.stream(group.stream(), true);
                    self.indent = self.indent.saturating_sub(1);
                    self.newline();
                    self.word(")");
                }
                TokenTree::Punct(punct) if punct.as_char() == '#' => {
                    // An attribute: `#` and its bracket group on their own line.
                    self.word("#");
                    if let Some(TokenTree::Group(group)) = tokens.next() {
                        self.out.push_str(&group.to_string());
                    }
                    self.newline();
                }
                TokenTree::Punct(punct) => {
                    let path_separator = punct.as_char() == ':' && self.out.ends_with(':');
                    let after_word = self
                        .out
                        .ends_with(|c: char| c.is_alphanumeric() || c == '_');
                    if punct.as_char() == ':' && punct.spacing() == Spacing::Joint && after_word {
                        // The first `:` of a path separator: `a::b`, not `a ::b`.
                        self.joint = true;
                    }
                    self.word(&punct.to_string());
                    self.joint = punct.spacing() == Spacing::Joint || path_separator;
                    if punct.as_char() == ';' || (punct.as_char() == ',' && in_braces) {
                        self.newline();
                    }
                }
                other => self.word(&other.to_string()),
            }
        }
    }
}
