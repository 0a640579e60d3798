//! Reading a service-desk message: an RFC 5322 e-mail (`.eml`: multipart, quoted-printable,
//! base64, UTF-8 / ISO-8859-1 / Windows-1252) or a plain-text file.
//!
//! The only user of `mail_parser`. Never fails and never panics: whatever the bytes, the result
//! is a [`Message`] (possibly with an empty subject and body), so that a damaged message gets a
//! `pending` or `wrong-category` answer rather than an error.

use mail_parser::MessageParser;

use crate::record::Date;

/// Messages longer than this are cut before parsing: a template request is a few hundred bytes,
/// and the cut bounds the time any input can take.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Bodies are read up to this many characters.
const MAX_BODY_CHARS: usize = 64 * 1024;

/// What a message says, as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// The subject, decoded (RFC 2047 words included).
    pub subject: String,
    /// The sender's address, when given.
    pub from: Option<String>,
    /// The day it was sent (`Date:` header), when given and valid.
    pub date: Option<Date>,
    /// The text body, decoded, with quoted earlier messages removed.
    pub body: String,
}

/// Reads a message from its bytes: an e-mail when it has e-mail headers, else plain text whose
/// first line may be `Assunto: …` (or `Subject: …`).
pub fn read_message(bytes: &[u8]) -> Message {
    let bytes = &bytes[..bytes.len().min(MAX_MESSAGE_BYTES)];
    if looks_like_email(bytes) {
        if let Some(message) = read_email(bytes) {
            return message;
        }
    }
    read_plain_text(bytes)
}

/// True when the first line is an RFC 5322 header (`Name: value`, a name of printable ASCII
/// without spaces) and a known header appears before the first empty line.
fn looks_like_email(bytes: &[u8]) -> bool {
    let head_end = find_blank_line(bytes).unwrap_or(bytes.len()).min(16 * 1024);
    let head = String::from_utf8_lossy(&bytes[..head_end]).to_ascii_lowercase();
    let first = head.lines().next().unwrap_or("");
    let first_is_header = first
        .split_once(':')
        .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()));
    first_is_header
        && head.lines().any(|line| {
            [
                "from:",
                "subject:",
                "date:",
                "mime-version:",
                "message-id:",
                "to:",
                "received:",
            ]
            .iter()
            .any(|h| line.starts_with(h))
        })
}

fn find_blank_line(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .into_iter()
        .chain(bytes.windows(4).position(|w| w == b"\r\n\r\n"))
        .min()
}

fn read_email(bytes: &[u8]) -> Option<Message> {
    let parsed = MessageParser::default().parse(bytes)?;
    let subject = parsed.subject().unwrap_or_default().to_string();
    let from = parsed
        .from()
        .and_then(|list| list.first())
        .and_then(|addr| addr.address())
        .map(str::to_string);
    let date = parsed.date().and_then(|d| {
        let year = i32::from(d.year);
        Date::new(year, d.month, d.day).filter(|_| (1900..=9999).contains(&year))
    });
    let mut body = String::new();
    for i in 0..parsed.text_body_count().min(8) {
        if let Some(text) = parsed.body_text(i) {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(&text);
        }
    }
    Some(Message {
        subject: one_line(&subject),
        from,
        date,
        body: without_quoted_messages(&body),
    })
}

fn read_plain_text(bytes: &[u8]) -> Message {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        // Not UTF-8: Portuguese mail clients and editors write Windows-1252 (a superset of the
        // printable ISO-8859-1).
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    let text = text.trim_start_matches('\u{feff}');
    let (first, after) = text.split_once('\n').unwrap_or((text, ""));
    let first = first.trim();
    let folded = crate::record::normalize::fold(first);
    let (subject, rest) = if folded.starts_with("assunto:") || folded.starts_with("subject:") {
        (first.split_once(':').map_or("", |(_, s)| s), after)
    } else {
        ("", text)
    };
    Message {
        subject: one_line(subject),
        from: None,
        date: None,
        body: without_quoted_messages(rest),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The body up to the first quoted earlier message (`> ` lines are dropped, and everything
/// from an "Original Message" or "Em …, … escreveu:" line on).
fn without_quoted_messages(body: &str) -> String {
    let mut out = String::new();
    for line in body.lines() {
        if out.len() > MAX_BODY_CHARS {
            break;
        }
        let trimmed = line.trim();
        let folded = crate::record::normalize::fold(trimmed);
        if folded.starts_with("-----original message")
            || folded.starts_with("----- mensagem original")
            || folded.starts_with("-----mensagem original")
            || (folded.starts_with("em ") && folded.ends_with("escreveu:"))
            || (folded.starts_with("on ") && folded.ends_with("wrote:"))
        {
            break;
        }
        if trimmed.starts_with('>') {
            continue;
        }
        out.push_str(line.trim_end_matches('\r'));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latin1_quoted_printable_email() {
        let raw = b"From: USF Ramalde <usf.ramalde@example.pt>\r\n\
Subject: =?ISO-8859-1?Q?WebRNU_=96_Resolu=E7=E3o_de_um_Utente_duplicado?=\r\n\
Date: Mon, 5 Jan 2026 10:00:00 +0000\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=windows-1252\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
N=BA de Utente: 123 456 789\r\n\
Nome Completo: Jo=E3o Concei=E7=E3o\r\n\
\r\n\
> citado: 999999999\r\n";
        let message = read_message(raw);
        assert_eq!(message.subject, "WebRNU – Resolução de um Utente duplicado");
        assert_eq!(message.from.as_deref(), Some("usf.ramalde@example.pt"));
        assert_eq!(message.date, Date::new(2026, 1, 5));
        assert!(message.body.contains("Nº de Utente: 123 456 789"), "{}", message.body);
        assert!(message.body.contains("João Conceição"), "{}", message.body);
        assert!(!message.body.contains("999999999"));
    }

    #[test]
    fn plain_text_with_a_subject_line() {
        let message = read_message("Assunto: WebRNU - Outras questões\nCorpo\n".as_bytes());
        assert_eq!(message.subject, "WebRNU - Outras questões");
        assert_eq!(message.body, "Corpo\n");
        let latin1 = read_message(b"Nome: Jo\xe3o\n");
        assert_eq!(latin1.body, "Nome: João\n");
        assert_eq!(read_message(b"").subject, "");
    }
}
