//! HTML building blocks: escaping, the page layout, the style sheet. Every value that comes from
//! the registry or from a request goes through [`escape`].

use crate::access::User;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a value for a URL query.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A whole page: header with the user and the navigation, then `body`.
pub fn page(title: &str, user: Option<(&User, &str)>, body: &str) -> String {
    let nav = match user {
        Some((user, csrf)) => format!(
            r#"<nav aria-label="principal"><a href="/fila" accesskey="f">Fila</a> <a href="/pesquisa" accesskey="p">Pesquisa</a>{audit}
<span class="who">{name} · {profile}</span>
<form method="post" action="/sair" class="inline"><input type="hidden" name="csrf" value="{csrf}"><button type="submit">Sair</button></form></nav>"#,
            audit = if user.profile.decides() {
                r#" <a href="/auditoria">Auditoria</a>"#
            } else {
                ""
            },
            name = escape(&user.full_name),
            profile = escape(user.profile.label()),
            csrf = escape(csrf),
        ),
        None => String::new(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="pt-PT">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Único</title><link rel="stylesheet" href="/static/unico.css"></head>
<body><header><a href="/fila" class="brand">Único</a>{nav}</header>
<main id="conteudo">
<h1>{title}</h1>
{body}
</main></body></html>
"#,
        title = escape(title),
    )
}

/// A message box (`kind`: "erro" or "ok").
pub fn notice(kind: &str, message: &str) -> String {
    format!(
        r#"<p class="aviso {kind}" role="{role}">{}</p>"#,
        escape(message),
        role = if kind == "erro" { "alert" } else { "status" }
    )
}

/// The style sheet (served as `/static/unico.css`: no inline styles, so the CSP can forbid them).
pub const STYLE: &str = r#"
body { font-family: system-ui, "Segoe UI", Arial, sans-serif; margin: 0; color: #1b1b1b; background: #f6f7f9; }
header { background: #0b4f6c; color: #fff; padding: .5rem 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
header a { color: #fff; margin-right: .8rem; }
header .brand { font-weight: bold; font-size: 1.2rem; text-decoration: none; }
header .who { margin: 0 .8rem; opacity: .9; }
main { padding: 1rem 1.5rem; max-width: 80rem; }
table { border-collapse: collapse; background: #fff; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d0d5dd; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; }
tr.difere td { background: #fff4d6; }
tr.difere th::after { content: " ≠"; color: #a15c00; }
.aviso { padding: .6rem .8rem; border-radius: 4px; }
.aviso.erro { background: #fde8e8; border: 1px solid #d33; }
.aviso.ok { background: #e7f6ea; border: 1px solid #2a7a3b; }
form.inline { display: inline; }
fieldset { background: #fff; border: 1px solid #d0d5dd; margin: .8rem 0; }
button, input, select, textarea { font: inherit; }
button { padding: .3rem .8rem; }
a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #f0a202; outline-offset: 1px; }
.sugerido { font-weight: bold; }
.paginas a, .paginas span { margin-right: .6rem; }
svg text { font-size: 12px; font-family: inherit; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_urls() {
        assert_eq!(
            escape(r#"<b a="x">Conceição & 'Filho'"#),
            "&lt;b a=&quot;x&quot;&gt;Conceição &amp; &#39;Filho&#39;"
        );
        assert_eq!(url_encode("São João/1"), "S%C3%A3o%20Jo%C3%A3o%2F1");
    }
}
