//! `#[asym::clone]` on `proc_macro2` types: parse the stacked attributes, validate them against
//! the template catalog and the function's signature, and expand into one call to
//! `asym::__private::run` (or `run_async`).

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{
    Attribute, FnArg, Ident, Item, ItemFn, LitStr, Meta, Path, ReturnType, Safety, Token, Type,
    Visibility,
};

use crate::catalog::Catalog;

/// The keys an attribute takes after the template name.
const KEYS: &[&str] = &["seed", "mode", "crate"];

/// User attributes that belong on the generated test function rather than the user's body:
/// the test harness's own, docs, lint levels and conditional compilation. Lint levels on the
/// outer function also cover the inner one, which is nested in it.
const OUTER_ATTRS: &[&str] = &[
    "doc",
    "ignore",
    "should_panic",
    "allow",
    "expect",
    "warn",
    "deny",
    "forbid",
    "cfg",
    "cfg_attr",
];

/// What an expansion may consult besides its tokens.
pub(crate) struct Context {
    /// The templates to validate against; when empty, names are not checked.
    pub(crate) catalog: Catalog,
    /// The directory of the crate being compiled, against which seed paths resolve.
    pub(crate) manifest_dir: Option<PathBuf>,
}

impl Context {
    /// The catalog on disk and the crate cargo is compiling.
    fn from_env() -> Self {
        Self {
            catalog: Catalog::load(),
            manifest_dir: std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from),
        }
    }
}

/// Expands `#[asym::clone(args)] item` in the environment cargo gives the macro.
pub(crate) fn clone(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(args, item, &Context::from_env())
}

/// One attribute's arguments: `"template", seed = "...", mode = "...", crate = "..."`.
struct CloneArgs {
    template: LitStr,
    seed: Option<LitStr>,
    mode: Option<LitStr>,
    krate: Option<LitStr>,
}

impl CloneArgs {
    /// Parses one attribute's arguments; `cx` only improves the messages.
    fn parse(input: ParseStream<'_>, cx: &Context) -> syn::Result<Self> {
        let template = Self::parse_template(input, cx)?;
        let mut args = Self {
            template,
            seed: None,
            mode: None,
            krate: None,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            if input.peek(LitStr) {
                return Err(error_at(
                    input,
                    "only the template name is positional: name the other arguments, \
                     e.g. `seed = \"basic\"` or `mode = \"api\"`",
                ));
            }
            let key = input.call(Ident::parse_any).map_err(|e| {
                syn::Error::new(
                    e.span(),
                    format!("expected an argument name: one of {}", code_list(KEYS)),
                )
            })?;
            let name = key.unraw().to_string();
            let slot = match name.as_str() {
                "seed" => &mut args.seed,
                "mode" => &mut args.mode,
                "crate" => &mut args.krate,
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown argument `{name}`; valid arguments are {}{}",
                            code_list(KEYS),
                            did_you_mean(&name, KEYS.iter().copied(), "`")
                        ),
                    ));
                }
            };
            if slot.is_some() {
                return Err(syn::Error::new(
                    key.span(),
                    format!("`{name}` is given twice: give it once"),
                ));
            }
            let example = match name.as_str() {
                "seed" => "seed = \"basic\"",
                "mode" => "mode = \"api\"",
                _ => "crate = \"my_asym\"",
            };
            if !input.peek(Token![=]) {
                return Err(error_at(
                    input,
                    format!("expected `=` after `{name}`: write `{example}`"),
                ));
            }
            input.parse::<Token![=]>()?;
            if !input.peek(LitStr) {
                return Err(error_at(
                    input,
                    format!("`{name}` takes a string literal: write `{example}`"),
                ));
            }
            *slot = Some(input.parse()?);
        }
        Ok(args)
    }

    /// Parses the leading template name.
    fn parse_template(input: ParseStream<'_>, cx: &Context) -> syn::Result<LitStr> {
        if input.peek(LitStr) {
            return input.parse();
        }
        let known = known_templates(cx);
        if input.is_empty() {
            return Err(error_at(
                input,
                format!("missing the template name: write `#[asym::clone(\"slack\")]`{known}"),
            ));
        }
        if input.peek(Ident::peek_any) && input.peek2(Token![=]) {
            return Err(error_at(
                input,
                "the template name comes first, as a string literal: \
                 `#[asym::clone(\"slack\", seed = \"basic\")]`",
            ));
        }
        if input.peek(Ident::peek_any) {
            let ident = input.call(Ident::parse_any)?;
            return Err(syn::Error::new(
                ident.span(),
                format!("the template name is a string literal: write `\"{ident}\"`"),
            ));
        }
        Err(error_at(
            input,
            format!("expected the template name as a string literal, e.g. `\"slack\"`{known}"),
        ))
    }
}

/// An error at the parser's position, without syn's "unexpected end of input" prefix.
fn error_at(input: ParseStream<'_>, message: impl std::fmt::Display) -> syn::Error {
    syn::Error::new(input.span(), message)
}

/// `; \`asym ls --templates\` lists them`, or nothing when no catalog was found.
fn known_templates(cx: &Context) -> String {
    if cx.catalog.is_empty() {
        String::new()
    } else {
        "; `asym ls --templates` lists the templates".to_owned()
    }
}

/// `did you mean "x"?` when one candidate is close, else `<noun>: "a", "b"`. Naming only the
/// close match keeps messages stable as templates and fixtures are added.
fn fix_hint<S: AsRef<str>>(wrong: &str, candidates: &[S], noun: &str) -> String {
    let suggestion = did_you_mean(wrong, candidates.iter().map(AsRef::as_ref), "\"");
    match suggestion
        .trim()
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
    {
        Some(close) => close.to_owned(),
        None => format!(
            "{noun}: {}",
            quoted_list(candidates.iter().map(AsRef::as_ref))
        ),
    }
}

/// Errors gathered across attributes and the signature, reported together.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(errors) => errors.combine(error),
            None => self.0 = Some(error),
        }
    }
}

/// Expands `#[asym::clone(args)] item` with `cx`.
pub(crate) fn expand(args: TokenStream, item: TokenStream, cx: &Context) -> TokenStream {
    let mut func = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(func)) => func,
        Ok(other) => {
            let error = syn::Error::new_spanned(
                other,
                "`#[asym::clone]` goes on a test function, e.g. \
                 `#[asym::clone(\"slack\")] async fn posts(slack: asym::Slack) { .. }`",
            )
            .into_compile_error();
            return quote!(#item #error);
        }
        Err(error) => {
            let error = error.into_compile_error();
            return quote!(#item #error);
        }
    };
    let mut errors = Errors::default();

    // The outermost attribute, then the ones stacked below it, in order.
    let mut clones: Vec<Option<CloneArgs>> = Vec::new();
    let first = Parser::parse2(|input: ParseStream<'_>| CloneArgs::parse(input, cx), args);
    let first_crate = first.as_ref().ok().and_then(|a| a.krate.clone());
    match first {
        Ok(args) => {
            validate(&args, cx, &mut errors);
            clones.push(Some(args));
        }
        Err(error) => {
            errors.push(error);
            clones.push(None);
        }
    }
    let krate = match &first_crate {
        Some(lit) => crate_path(lit).unwrap_or_else(|error| {
            errors.push(error);
            syn::parse_quote!(::asym)
        }),
        None => syn::parse_quote!(::asym),
    };

    let mut outer = Vec::new();
    let mut inner = Vec::new();
    for attr in std::mem::take(&mut func.attrs) {
        if is_clone_attr(attr.path(), &krate) {
            match stacked_args(&attr, cx) {
                Ok(args) => {
                    if let Some(lit) = &args.krate
                        && first_crate
                            .as_ref()
                            .is_none_or(|c| c.value() != lit.value())
                    {
                        errors.push(syn::Error::new(
                            lit.span(),
                            "`crate` applies to the whole test: set it once, \
                             on the first `#[asym::clone]` attribute",
                        ));
                    }
                    validate(&args, cx, &mut errors);
                    clones.push(Some(args));
                }
                Err(error) => {
                    errors.push(error);
                    clones.push(None);
                }
            }
        } else if is_test_attr(attr.path()) {
            errors.push(syn::Error::new_spanned(
                &attr,
                format!(
                    "remove `#[{}]`: `#[asym::clone]` already makes this function a test{}",
                    path_string(attr.path()),
                    if func.sig.asyncness.is_some() {
                        " and runs its async body"
                    } else {
                        ""
                    }
                ),
            ));
        } else if OUTER_ATTRS.iter().any(|name| attr.path().is_ident(name)) {
            outer.push(attr);
        } else {
            inner.push(attr);
        }
    }

    check_signature(&func, &clones, &krate, &cx.catalog, &mut errors);

    if let Some(error) = errors.0 {
        // Still emit the function so IDEs keep resolving and completing inside it.
        func.attrs = outer;
        func.attrs.extend(inner);
        let error = error.into_compile_error();
        return quote! {
            #[allow(dead_code)]
            #func
            #error
        };
    }
    // The macro, not the user, decides that handles arrive by value.
    func.attrs = vec![syn::parse_quote! {
        #[allow(
            clippy::needless_pass_by_value,
            reason = "`#[asym::clone]` passes each clone handle by value"
        )]
    }];
    func.attrs.extend(inner);
    let clones: Vec<CloneArgs> = clones.into_iter().flatten().collect();
    emit(func, &outer, &clones, &krate)
}

/// The arguments of a stacked `#[asym::clone(...)]` attribute.
fn stacked_args(attr: &Attribute, cx: &Context) -> syn::Result<CloneArgs> {
    match &attr.meta {
        Meta::List(list) => {
            let span = list.delimiter.span().join();
            let args = list
                .parse_args_with(|input: ParseStream<'_>| CloneArgs::parse(input, cx))
                .map_err(|error| {
                    // An empty list reports at the end of input; point at the parentheses.
                    if list.tokens.is_empty() {
                        syn::Error::new(span, error.to_string())
                    } else {
                        error
                    }
                })?;
            Ok(args)
        }
        _ => Err(syn::Error::new_spanned(
            attr,
            format!(
                "missing the template name: write `#[asym::clone(\"slack\")]`{}",
                known_templates(cx)
            ),
        )),
    }
}

/// The path `crate = "..."` names, absolute unless it starts at `crate`, `self` or `super`.
fn crate_path(lit: &LitStr) -> syn::Result<Path> {
    let value = lit.value();
    let invalid = || {
        syn::Error::new(
            lit.span(),
            format!(
                "`crate = \"{value}\"` is not a path: name the asym dependency as your \
                 Cargo.toml renames it, e.g. `crate = \"my_asym\"`"
            ),
        )
    };
    let mut path = lit
        .parse_with(Path::parse_mod_style)
        .map_err(|_| invalid())?;
    let relative = path
        .segments
        .first()
        .is_some_and(|s| s.ident == "crate" || s.ident == "self" || s.ident == "super");
    if !relative {
        path.leading_colon = Some(Token![::](lit.span()));
    }
    Ok(path)
}

/// Whether an attribute is `#[asym::clone]` under one of the names it can be written with:
/// `clone`, `asym::clone`, or `<crate>::clone` for the `crate` override.
fn is_clone_attr(path: &Path, krate: &Path) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let Some((last, prefix)) = segments.split_last() else {
        return false;
    };
    if last != "clone" {
        return false;
    }
    let krate: Vec<String> = krate.segments.iter().map(|s| s.ident.to_string()).collect();
    prefix.is_empty() || prefix == ["asym"] || prefix == krate.as_slice()
}

/// Whether an attribute is `#[test]`, `#[tokio::test]` or another `*::test`.
fn is_test_attr(path: &Path) -> bool {
    path.segments.last().is_some_and(|s| s.ident == "test")
}

/// `a::b::c`, without the spaces of `to_token_stream().to_string()`.
fn path_string(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let joined = segments.join("::");
    if path.leading_colon.is_some() {
        format!("::{joined}")
    } else {
        joined
    }
}

/// Checks a template, its seed and its mode against the catalog and the user's crate.
fn validate(args: &CloneArgs, cx: &Context, errors: &mut Errors) {
    if cx.catalog.is_empty() {
        return;
    }
    let name = args.template.value();
    let Some(template) = cx.catalog.get(&name) else {
        errors.push(syn::Error::new(
            args.template.span(),
            format!(
                "unknown template \"{name}\"; {} (`asym ls --templates` lists them)",
                fix_hint(
                    &name,
                    &cx.catalog.names().collect::<Vec<_>>(),
                    "known templates"
                )
            ),
        ));
        return;
    };
    if let Some(seed) = &args.seed {
        let value = seed.value();
        if asym_contract::is_seed_file(&value) {
            if let Some(dir) = &cx.manifest_dir {
                let path = dir.join(&value);
                if !path.is_file() {
                    errors.push(syn::Error::new(
                        seed.span(),
                        format!(
                            "seed file `{}` does not exist: a seed ending in `.sql` or \
                             containing `/` is a path relative to the directory of this \
                             crate's Cargo.toml; fix the path, or name one of the \
                             template's fixtures instead",
                            path.display(),
                        ),
                    ));
                }
            }
        } else if let Some(fixtures) = &template.fixtures
            && !fixtures.contains(&value)
        {
            errors.push(syn::Error::new(
                seed.span(),
                format!(
                    "unknown fixture \"{value}\" for template \"{name}\"; {} (for your own SQL, \
                     give a path ending in `.sql`, relative to this crate's Cargo.toml)",
                    fix_hint(&value, fixtures, "its fixtures are")
                ),
            ));
        }
    }
    if let Some(mode) = &args.mode {
        let value = mode.value();
        if let Some(modes) = &template.modes
            && !modes.contains(&value)
        {
            errors.push(syn::Error::new(
                mode.span(),
                format!(
                    "unknown mode \"{value}\" for template \"{name}\"; {}",
                    fix_hint(&value, modes, "its modes are")
                ),
            ));
        }
    }
}

/// Checks that the function can be a test taking one handle per attribute, in order.
fn check_signature(
    func: &ItemFn,
    clones: &[Option<CloneArgs>],
    krate: &Path,
    catalog: &Catalog,
    errors: &mut Errors,
) {
    let sig = &func.sig;
    if let Some(receiver) = sig.receiver() {
        errors.push(syn::Error::new_spanned(
            receiver,
            "a test can't take `self`: make it a free function whose arguments are clone \
             handles, e.g. `fn posts(slack: asym::Slack)`",
        ));
        return;
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "a test can't be generic: remove the type parameters and give each argument a \
             handle type such as `asym::Slack` or `asym::AnyClone`",
        ));
    } else if let Some(where_clause) = &sig.generics.where_clause {
        errors.push(syn::Error::new_spanned(
            where_clause,
            "a test can't have a `where` clause: remove it and give each argument a handle \
             type such as `asym::Slack` or `asym::AnyClone`",
        ));
    }
    if let Safety::Unsafe(unsafety) = &sig.safety {
        errors.push(syn::Error::new_spanned(
            unsafety,
            "a test can't be an `unsafe fn`: remove `unsafe` and use `unsafe` blocks inside",
        ));
    }
    let count = clones.len();
    let arity = sig.inputs.len();
    let attributes = if count == 1 {
        "1 `#[asym::clone]` attribute".to_owned()
    } else {
        format!("{count} `#[asym::clone]` attributes")
    };
    if arity == 0 {
        errors.push(syn::Error::new(
            sig.paren_token.span.join(),
            format!(
                "this test has {attributes} but takes no argument: add one argument per \
                 attribute to receive its clone, e.g. `slack: asym::Slack`"
            ),
        ));
    } else if arity != count {
        errors.push(syn::Error::new_spanned(
            &sig.inputs,
            format!(
                "this test has {attributes} but takes {arity} argument{}: the n-th \
                 attribute's clone goes to the n-th argument, so {}",
                if arity == 1 { "" } else { "s" },
                if arity > count {
                    "add an attribute for each extra argument or remove the argument"
                } else {
                    "add an argument for each attribute or remove the attribute"
                }
            ),
        ));
    }
    for (n, (arg, args)) in sig.inputs.iter().zip(clones).enumerate() {
        let (FnArg::Typed(arg), Some(args)) = (arg, args) else {
            continue;
        };
        check_handle(&arg.ty, n, args, (krate, catalog), errors);
    }
}

/// Checks that an argument's type can receive the clone of its attribute. A typed handle is
/// named after its template's `displayName` (`asym::GitHub` for `"github"`).
fn check_handle(
    ty: &Type,
    n: usize,
    args: &CloneArgs,
    (krate, catalog): (&Path, &Catalog),
    errors: &mut Errors,
) {
    let template = args.template.value();
    match ty {
        Type::ImplTrait(_) => errors.push(syn::Error::new_spanned(
            ty,
            "an `impl Trait` argument makes the test generic: name a handle type such as \
             `asym::Slack` or `asym::AnyClone`",
        )),
        Type::Path(path) if path.qself.is_none() => {
            let Some((handle, handle_template, prefix)) = handle_of(&path.path, krate, catalog)
            else {
                return;
            };
            if handle_template == template {
                return;
            }
            // Suggest the path as written, else through the crate (the bare name may not be
            // imported).
            let at = if prefix.is_empty() {
                let krate = path_string(krate);
                format!("{}::", krate.trim_start_matches("::"))
            } else {
                prefix.clone()
            };
            let fix = match catalog.get(&template).and_then(|t| t.handle.as_deref()) {
                Some(right) => format!("`{at}{right}` or the generic `{at}AnyClone`"),
                None => format!("the generic `{at}AnyClone`"),
            };
            errors.push(syn::Error::new_spanned(
                ty,
                format!(
                    "`{prefix}{handle}` is the handle of \"{handle_template}\" clones, but \
                     argument {} receives the \"{template}\" clone of attribute {} (the n-th \
                     `#[asym::clone]` goes to the n-th argument): use {fix}, or reorder the \
                     attributes",
                    n + 1,
                    n + 1
                ),
            ));
        }
        _ => {}
    }
}

/// The typed handle a path names syntactically (`Slack`, `asym::Slack`, `<crate>::Slack`): its
/// name, its template's and the prefix it was written with; `AnyClone` is left out since it
/// fits every template.
fn handle_of<'c>(
    path: &Path,
    krate: &Path,
    catalog: &'c Catalog,
) -> Option<(&'c str, &'c str, String)> {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let (last, prefix) = segments.split_last()?;
    let krate: Vec<String> = krate.segments.iter().map(|s| s.ident.to_string()).collect();
    if !(prefix.is_empty() || prefix == ["asym"] || prefix == krate.as_slice()) {
        return None;
    }
    let template = catalog.by_handle(last)?;
    let written = if prefix.is_empty() {
        String::new()
    } else {
        format!("{}::", prefix.join("::"))
    };
    Some((template.handle.as_deref()?, &template.name, written))
}

/// The test function: the user's function nested in a `#[test]` that calls the runtime.
fn emit(func: ItemFn, outer: &[Attribute], clones: &[CloneArgs], krate: &Path) -> TokenStream {
    let mut func = func;
    let vis = std::mem::replace(&mut func.vis, Visibility::Inherited);
    let ident = &func.sig.ident;
    let runner = if func.sig.asyncness.is_some() {
        quote!(run_async)
    } else {
        quote!(run)
    };
    let requests = clones.iter().map(|clone| {
        let template = &clone.template;
        let seed = option(clone.seed.as_ref());
        let mode = option(clone.mode.as_ref());
        quote! {
            #krate::__private::Request {
                template: #template,
                seed: #seed,
                mode: #mode,
            }
        }
    });
    let handles = Ident::new("clones", Span::call_site());
    let args = func.sig.inputs.iter().map(|arg| match arg {
        FnArg::Typed(arg) => {
            let ty = &arg.ty;
            // A type that is not a handle is reported at the user's type.
            quote_spanned!(ty.span()=> #handles.next::<#ty>())
        }
        FnArg::Receiver(receiver) => receiver.to_token_stream(),
    });
    let name = quote!(::core::concat!(
        ::core::module_path!(),
        "::",
        ::core::stringify!(#ident)
    ));
    let manifest_dir = quote!(::core::env!("CARGO_MANIFEST_DIR"));
    let body = quote!(|mut #handles| #ident(#(#args),*));
    // The call carries the return type's span, so a return type that is neither `()` nor
    // `Result<(), E: Debug>` is reported there rather than at the attribute.
    let span = match &func.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => Span::call_site(),
    };
    let runner_path: TokenStream = quote!(#krate::__private::#runner)
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect();
    let should_panic = option(should_panic(outer).as_ref());
    let test = quote! {
        #krate::__private::Test {
            name: #name,
            manifest_dir: #manifest_dir,
            should_panic: #should_panic,
        }
    };
    let call = quote_spanned! {span=>
        #runner_path(#test, &[#(#requests),*], #body)
    };
    quote! {
        #[::core::prelude::v1::test]
        #(#outer)*
        #vis fn #ident() {
            #func
            #call
        }
    }
}

/// The `expected` text of a `#[should_panic]` among `attrs` (empty for any panic).
fn should_panic(attrs: &[Attribute]) -> Option<LitStr> {
    let attr = attrs.iter().find(|a| a.path().is_ident("should_panic"))?;
    let any = LitStr::new("", attr.span());
    match &attr.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }),
            ..
        }) => Some(text.clone()),
        syn::Meta::List(_) => {
            let mut expected = None;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("expected") {
                    expected = Some(meta.value()?.parse::<LitStr>()?);
                }
                Ok(())
            });
            Some(expected.unwrap_or(any))
        }
        _ => Some(any),
    }
}

/// `Some("lit")` or `None`, by absolute path.
fn option(lit: Option<&LitStr>) -> TokenStream {
    match lit {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    }
}

/// `"a", "b"`, or `(none)`.
fn quoted_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let items: Vec<String> = items
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect();
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

/// `` `a`, `b` and `c` ``.
fn code_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// ` (did you mean "x"?)` for the closest candidate within a small edit distance.
fn did_you_mean<S: AsRef<str>>(
    wrong: &str,
    candidates: impl IntoIterator<Item = S>,
    quote: &str,
) -> String {
    let candidates: Vec<S> = candidates.into_iter().collect();
    match asym_contract::closest(wrong, candidates.iter().map(AsRef::as_ref)) {
        Some(c) => format!(" (did you mean {quote}{c}{quote}?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Template;

    fn context() -> Context {
        Context {
            catalog: Catalog::new(vec![
                Template {
                    name: "slack".to_owned(),
                    modes: Some(vec!["api".to_owned(), "web".to_owned()]),
                    fixtures: Some(vec!["basic".to_owned(), "empty".to_owned()]),
                    handle: Some("Slack".to_owned()),
                },
                Template {
                    name: "stripe".to_owned(),
                    modes: Some(vec!["api".to_owned()]),
                    fixtures: Some(vec!["basic".to_owned()]),
                    handle: Some("Stripe".to_owned()),
                },
            ]),
            manifest_dir: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
        }
    }

    fn run(args: TokenStream, item: TokenStream) -> TokenStream {
        expand(args, item, &context())
    }

    /// The `compile_error!` messages of an expansion, after checking the user's function
    /// is still there without its `#[asym::clone]` attributes.
    fn errors(args: TokenStream, item: TokenStream) -> Vec<String> {
        let out = run(args, item);
        let file: syn::File = syn::parse2(out.clone()).expect("expansion parses");
        let func = file
            .items
            .iter()
            .find_map(|item| match item {
                Item::Fn(func) => Some(func),
                _ => None,
            })
            .unwrap_or_else(|| panic!("the user's function is emitted: {out}"));
        assert!(
            !func.attrs.iter().any(|a| a.path().is_ident("test")),
            "no #[test] on an erroneous expansion: {out}"
        );
        assert!(
            !out.to_string().contains("asym :: clone"),
            "clone attributes are stripped: {out}"
        );
        let messages: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Macro(m) if m.mac.path.segments.last()?.ident == "compile_error" => {
                    Some(m.mac.parse_body::<LitStr>().expect("message").value())
                }
                _ => None,
            })
            .collect();
        assert!(!messages.is_empty(), "expected errors: {out}");
        messages
    }

    fn error(args: TokenStream, item: TokenStream) -> String {
        let mut messages = errors(args, item);
        assert_eq!(messages.len(), 1, "{messages:?}");
        messages.remove(0)
    }

    #[test]
    fn expands_an_async_test_with_stacked_clones() {
        let out = run(
            quote!("slack", seed = "basic"),
            quote! {
                /// Pays.
                #[asym::clone("stripe", mode = "api")]
                #[ignore]
                #[should_panic(expected = "declined")]
                async fn pays(slack: asym::Slack, stripe: asym::Stripe) -> Result<(), MyErr> {
                    body()
                }
            },
        );
        let expected = quote! {
            #[::core::prelude::v1::test]
            #[doc = r" Pays."]
            #[ignore]
            #[should_panic(expected = "declined")]
            fn pays() {
                #[allow(
                    clippy::needless_pass_by_value,
                    reason = "`#[asym::clone]` passes each clone handle by value"
                )]
                async fn pays(slack: asym::Slack, stripe: asym::Stripe) -> Result<(), MyErr> {
                    body()
                }
                ::asym::__private::run_async(
                    ::asym::__private::Test {
                        name: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(pays)),
                        manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
                        should_panic: ::core::option::Option::Some("declined"),
                    },
                    &[
                        ::asym::__private::Request {
                            template: "slack",
                            seed: ::core::option::Option::Some("basic"),
                            mode: ::core::option::Option::None,
                        },
                        ::asym::__private::Request {
                            template: "stripe",
                            seed: ::core::option::Option::None,
                            mode: ::core::option::Option::Some("api"),
                        }
                    ],
                    |mut clones| pays(clones.next::<asym::Slack>(), clones.next::<asym::Stripe>())
                )
            }
        };
        assert_eq!(out.to_string(), expected.to_string());
    }

    #[test]
    fn a_plain_fn_runs_with_run() {
        let out = run(
            quote!("slack"),
            quote!(
                fn reads(slack: asym::AnyClone) {}
            ),
        );
        let expected = quote! {
            #[::core::prelude::v1::test]
            fn reads() {
                #[allow(
                    clippy::needless_pass_by_value,
                    reason = "`#[asym::clone]` passes each clone handle by value"
                )]
                fn reads(slack: asym::AnyClone) {}
                ::asym::__private::run(
                    ::asym::__private::Test {
                        name: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(reads)),
                        manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
                        should_panic: ::core::option::Option::None,
                    },
                    &[::asym::__private::Request {
                        template: "slack",
                        seed: ::core::option::Option::None,
                        mode: ::core::option::Option::None,
                    }],
                    |mut clones| reads(clones.next::<asym::AnyClone>())
                )
            }
        };
        assert_eq!(out.to_string(), expected.to_string());
    }

    #[test]
    fn crate_override_replaces_the_runtime_path_and_names_stacked_attributes() {
        let out = run(
            quote!("slack", crate = "my_asym"),
            quote! {
                #[my_asym::clone("stripe")]
                #[clone("slack", seed = "empty")]
                async fn t(a: my_asym::Slack, b: my_asym::Stripe, c: Clone) {}
            },
        )
        .to_string();
        assert!(
            out.contains(":: my_asym :: __private :: run_async"),
            "{out}"
        );
        assert!(!out.contains(":: asym ::"), "{out}");
        assert_eq!(out.matches(":: my_asym :: __private :: Request").count(), 3);
        assert!(!out.contains("clone (\"stripe\")"), "{out}");
    }

    #[test]
    fn stacked_attributes_keep_their_order_and_other_attributes_their_place() {
        let out = run(
            quote!("stripe"),
            quote! {
                #[allow(clippy::too_many_lines)]
                #[::asym::clone("slack", seed = "basic")]
                #[tracing::instrument]
                pub async fn t(stripe: asym::Stripe, slack: asym::Slack) {}
            },
        );
        let file: syn::File = syn::parse2(out).expect("parses");
        let Item::Fn(outer) = &file.items[0] else {
            panic!("a function")
        };
        assert!(matches!(outer.vis, Visibility::Public(_)));
        let outer_attrs: Vec<String> = outer.attrs.iter().map(|a| path_string(a.path())).collect();
        assert_eq!(outer_attrs, ["::core::prelude::v1::test", "allow"]);
        let syn::Stmt::Item(Item::Fn(inner)) = &outer.block.stmts[0] else {
            panic!("the user's function first")
        };
        assert!(matches!(inner.vis, Visibility::Inherited));
        let inner_attrs: Vec<String> = inner.attrs.iter().map(|a| path_string(a.path())).collect();
        assert_eq!(inner_attrs, ["allow", "tracing::instrument"]);
        let call = outer.block.stmts[1].to_token_stream().to_string();
        let stripe = call.find("\"stripe\"").expect("stripe request");
        let slack = call.find("\"slack\"").expect("slack request");
        assert!(stripe < slack, "{call}");
    }

    #[test]
    fn seeds_may_be_paths_relative_to_the_crate() {
        let out = run(
            quote!("slack", seed = "../templates/slack/seeds/basic.sql"),
            quote!(
                fn t(s: asym::Slack) {}
            ),
        )
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(
            out.contains("\"../templates/slack/seeds/basic.sql\""),
            "{out}"
        );
    }

    #[test]
    fn an_unknown_catalog_validates_no_names() {
        let cx = Context {
            catalog: Catalog::default(),
            manifest_dir: None,
        };
        let out = expand(
            quote!("jira", seed = "big", mode = "web"),
            quote!(
                fn t(j: asym::AnyClone) {}
            ),
            &cx,
        )
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
    }

    /// Asserts that `args` on `item` is refused with one message starting with `start`, and
    /// returns the message.
    #[track_caller]
    fn refused(args: TokenStream, item: TokenStream, start: &str) -> String {
        let message = error(args, item);
        assert!(message.starts_with(start), "{message}");
        message
    }

    #[test]
    fn missing_or_malformed_template_names() {
        let item = quote!(
            fn t(s: asym::Slack) {}
        );
        let message = refused(quote!(), item.clone(), "missing the template name");
        assert!(message.contains("`asym ls --templates`"), "{message}");
        let message = refused(
            quote!(slack),
            item.clone(),
            "the template name is a string literal",
        );
        assert!(message.contains("write `\"slack\"`"), "{message}");
        refused(
            quote!(seed = "basic"),
            item.clone(),
            "the template name comes first",
        );
        refused(quote!(42), item, "expected the template name");
    }

    #[test]
    fn unknown_templates_fixtures_and_modes_name_the_known_ones() {
        let any = quote!(
            fn t(s: asym::AnyClone) {}
        );
        let message = error(quote!("slak"), any.clone());
        assert_eq!(
            message,
            "unknown template \"slak\"; did you mean \"slack\"? (`asym ls --templates` lists them)"
        );
        let far = error(quote!("zendesk"), any);
        assert!(
            far.contains("known templates: \"slack\", \"stripe\""),
            "{far}"
        );
        let slack = quote!(
            fn t(s: asym::Slack) {}
        );
        refused(
            quote!("slack", seed = "basc"),
            slack.clone(),
            "unknown fixture \"basc\" for template \"slack\"; did you mean \"basic\"?",
        );
        let resolved = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds/nope.sql");
        refused(
            quote!("slack", seed = "seeds/nope.sql"),
            slack,
            &format!("seed file `{}` does not exist", resolved.display()),
        );
        let message = error(
            quote!("stripe", mode = "ap"),
            quote!(
                fn t(s: asym::Stripe) {}
            ),
        );
        assert_eq!(
            message,
            "unknown mode \"ap\" for template \"stripe\"; did you mean \"api\"?"
        );
    }

    #[test]
    fn unknown_and_duplicate_keys() {
        let item = quote!(
            fn t(s: asym::Slack) {}
        );
        let message = error(quote!("slack", sed = "basic"), item.clone());
        assert_eq!(
            message,
            "unknown argument `sed`; valid arguments are `seed`, `mode` and `crate` \
             (did you mean `seed`?)"
        );
        let message = error(
            quote!("slack", seed = "basic", seed = "empty"),
            item.clone(),
        );
        assert_eq!(message, "`seed` is given twice: give it once");
        refused(
            quote!("slack", "basic"),
            item.clone(),
            "only the template name is positional",
        );
        let message = error(quote!("slack", seed), item.clone());
        assert!(message.contains("write `seed = \"basic\"`"), "{message}");
        let message = error(quote!("slack", mode = api), item);
        assert!(message.contains("takes a string literal"), "{message}");
    }

    #[test]
    fn crate_must_be_a_path_and_set_once() {
        let message = error(
            quote!("slack", crate = "not a path"),
            quote!(
                fn t(s: asym::Slack) {}
            ),
        );
        assert!(message.contains("is not a path"), "{message}");
        let message = error(
            quote!("slack"),
            quote! {
                #[asym::clone("stripe", crate = "other")]
                fn t(s: asym::Slack, t: asym::Stripe) {}
            },
        );
        assert!(message.contains("set it once"), "{message}");
    }

    #[test]
    fn argument_count_must_match_the_attributes() {
        for (item, start) in [
            (
                quote!(
                    fn t() {}
                ),
                "this test has 1 `#[asym::clone]` attribute but takes no argument",
            ),
            (
                quote!(
                    fn t(a: asym::Slack, b: asym::Stripe) {}
                ),
                "this test has 1 `#[asym::clone]` attribute but takes 2 arguments",
            ),
            (
                quote! {
                    #[asym::clone("stripe")]
                    fn t(a: asym::Slack) {}
                },
                "this test has 2 `#[asym::clone]` attributes but takes 1 argument:",
            ),
        ] {
            refused(quote!("slack"), item, start);
        }
    }

    #[test]
    fn handle_types_must_match_their_template() {
        let message = refused(
            quote!("slack"),
            quote! {
                #[asym::clone("stripe")]
                fn t(a: asym::Stripe, b: asym::AnyClone) {}
            },
            "`asym::Stripe` is the handle of \"stripe\" clones, but argument 1 receives the \
             \"slack\" clone of attribute 1",
        );
        assert!(
            message.contains("use `asym::Slack` or the generic `asym::AnyClone`"),
            "{message}"
        );
        let messages = errors(
            quote!("slack"),
            quote! {
                #[asym::clone("stripe")]
                fn t(a: asym::Stripe, b: Slack) {}
            },
        );
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[1].starts_with("`Slack` is the handle of \"slack\""),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("use `asym::Stripe` or the generic `asym::AnyClone`"),
            "{messages:?}"
        );
        // Other paths and `Clone` are left to the type checker.
        let out = run(
            quote!("slack"),
            quote!(
                fn t(a: my::Stripe) {}
            ),
        )
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn test_attributes_must_go() {
        for attr in [
            quote!(#[test]),
            quote!(#[tokio::test]),
            quote!(#[::core::prelude::v1::test]),
        ] {
            let message = refused(
                quote!("slack"),
                quote! {
                    #attr
                    async fn t(a: asym::Slack) {}
                },
                "remove `#[",
            );
            assert!(
                message.contains("already makes this function a test"),
                "{message}"
            );
        }
    }

    #[test]
    fn non_test_shapes_are_rejected() {
        for (item, start) in [
            (
                quote!(
                    fn t<T>(a: T) {}
                ),
                "a test can't be generic",
            ),
            (
                quote!(
                    fn t(&self) {}
                ),
                "a test can't take `self`",
            ),
            (
                quote!(
                    fn t(a: impl Sized) {}
                ),
                "an `impl Trait` argument",
            ),
            (
                quote!(
                    unsafe fn t(a: asym::Slack) {}
                ),
                "a test can't be an `unsafe fn`",
            ),
        ] {
            refused(quote!("slack"), item, start);
        }
        let out = run(
            quote!("slack"),
            quote!(
                struct S;
            ),
        )
        .to_string();
        assert!(out.starts_with("struct S ;"), "{out}");
        assert!(out.contains("goes on a test function"), "{out}");
    }

    #[test]
    fn errors_of_all_attributes_are_reported_together() {
        let messages = errors(
            quote!("slak"),
            quote! {
                #[asym::clone("stripe", mode = "web")]
                #[asym::clone]
                fn t(a: asym::AnyClone) {}
            },
        );
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].starts_with("unknown template \"slak\""));
        assert!(messages[1].starts_with("unknown mode \"web\""));
        assert!(messages[2].starts_with("missing the template name"));
        assert!(messages[3].starts_with("this test has 3"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("xyz", ["slack"], "\""), "");
        assert_eq!(code_list(&["a"]), "`a`");
        assert_eq!(quoted_list(Vec::<String>::new()), "(none)");
    }
}
