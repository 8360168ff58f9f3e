//! E-mail delivery. Messages are first written to the `mail_outbox` table (in the same
//! transaction as the change they announce); a poller hands each due row to [`Mailer::send`]
//! and records the outcome, scheduling retries with [`backoff`]. Without an SMTP host
//! ([`Mailer::from_settings`] answers `None`) nothing is sent and the mail stays in the outbox,
//! where the programme office sees it.
//!
//! Subjects, display names and bodies are UTF-8 Chinese: lettre encodes the headers as RFC 2047
//! encoded words (`=?utf-8?b?…?=`) and the body is sent base64-encoded as
//! `text/plain; charset=utf-8`, so no server or client has to cope with 8-bit data.

use std::fmt;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType, MessageId};
use lettre::message::{Body, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailSettings;

/// The display name of every message's sender.
pub const FROM_NAME: &str = "专精特新产业学院平台";

/// How long one SMTP command may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends mail through the configured SMTP server. Cheap to clone; each [`Mailer::send`] opens
/// its own connection (the outbox is small and polled, so no pool is kept).
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .field("from", &self.from.email.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The mailer the settings describe, or `None` when no SMTP host is configured. A
    /// configuration that cannot work (unknown `tls` value, bad sender address, a password
    /// without a user name) is logged as an error and also gives `None`: mail then waits in
    /// the outbox instead of going out differently from what was configured.
    pub fn from_settings(settings: &MailSettings) -> Option<Mailer> {
        match Self::try_from_settings(settings) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "mail settings are invalid; mail stays in the outbox");
                None
            }
        }
    }

    /// Like [`Mailer::from_settings`], but says what is wrong with the settings (for a check
    /// at start-up). `Ok(None)`: no SMTP host, delivery is off.
    pub fn try_from_settings(s: &MailSettings) -> Result<Option<Mailer>, String> {
        let Some(host) = s
            .smtp_host
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        else {
            return Ok(None);
        };
        let tls = match s.tls.trim().to_ascii_lowercase().as_str() {
            "none" | "" => Tls::None,
            "starttls" => Tls::Required(tls_parameters(host)?),
            "tls" => Tls::Wrapper(tls_parameters(host)?),
            other => {
                return Err(format!(
                    "mail.tls = {other:?}: expected \"none\", \"starttls\" or \"tls\""
                ));
            }
        };
        let from_addr: Address = s
            .from
            .trim()
            .parse()
            .map_err(|e| format!("mail.from = {:?}: {e}", s.from))?;
        let plain = matches!(tls, Tls::None);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(s.smtp_port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        let username = s.username.as_deref().filter(|u| !u.is_empty());
        match (username, s.password.as_deref()) {
            (Some(u), p) => {
                if plain {
                    tracing::warn!(
                        "mail.username is set with mail.tls = \"none\": the password crosses the \
                         network in clear"
                    );
                }
                builder = builder.credentials(Credentials::new(
                    u.to_owned(),
                    p.unwrap_or_default().to_owned(),
                ));
            }
            (None, Some(p)) if !p.is_empty() => {
                return Err("mail.password is set but mail.username is not".into());
            }
            (None, _) => {}
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from: Mailbox::new(Some(FROM_NAME.to_owned()), from_addr),
            server: format!("{host}:{} ({})", s.smtp_port, s.tls.trim()),
        }))
    }

    /// Sends one plain-text message. `Err` carries a message worth storing in
    /// `mail_outbox.last_error` (for a refusal, the server's code and text).
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to_addr: Address = to
            .trim()
            .parse()
            .map_err(|e| format!("收件地址无效（{to}）：{e}"))?;
        let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
        let body = Body::new_with_encoding(body, ContentTransferEncoding::Base64)
            .map_err(|_| "邮件正文无法编码".to_owned())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to_addr))
            .subject(subject)
            .header(MessageId::from(format!(
                "<{:032x}@{}>",
                rand::random::<u128>(),
                self.from.email.domain()
            )))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("邮件无法生成：{e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("发送失败（{}）：{e}", self.server))
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, String> {
    TlsParameters::new(host.to_owned()).map_err(|e| format!("mail TLS for {host:?}: {e}"))
}

/// How long to wait before the next attempt, given how many attempts have failed so far
/// (counting the one that just did): 1 min, 5 min, 30 min, then every 2 h.
pub fn backoff(attempts: i32) -> chrono::Duration {
    match attempts {
        i32::MIN..=1 => chrono::Duration::minutes(1),
        2 => chrono::Duration::minutes(5),
        3 => chrono::Duration::minutes(30),
        _ => chrono::Duration::hours(2),
    }
}

/// One pass over the outbox: sends every mail that is due, then records each attempt — sent,
/// or the error and when to try again. Returns how many were sent.
pub async fn deliver_due(
    db: &chanjiao_store::Db,
    mailer: &Mailer,
) -> Result<usize, chanjiao_store::StoreError> {
    let mut sent = 0;
    for m in chanjiao_store::notifications::due_mail(db, 50).await? {
        let err = mailer.send(&m.to_addr, &m.subject, &m.body).await.err();
        match &err {
            Some(e) => tracing::warn!(mail = m.id, error = %e, "mail delivery failed"),
            None => sent += 1,
        }
        let next = chanjiao_store::now() + backoff(m.attempts + 1);
        chanjiao_store::notifications::mail_attempted(db, m.id, err.as_deref(), next).await?;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpListener;

    /// What the fake server was told in one session.
    #[derive(Debug, Default)]
    struct Session {
        mail_from: String,
        rcpt_to: Vec<String>,
        data: String,
    }

    /// A one-connection SMTP server on a free loopback port that speaks just enough of the
    /// protocol for lettre. With `refuse_rcpt`, every RCPT TO is answered 550.
    async fn fake_smtp(
        refuse_rcpt: bool,
    ) -> (u16, tokio::task::JoinHandle<std::io::Result<Session>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (stream, _) = listener.accept().await?;
            let (read, mut write) = stream.into_split();
            let mut read = BufReader::new(read);
            let mut s = Session::default();
            write.write_all(b"220 fake.test ESMTP\r\n").await?;
            let mut line = String::new();
            loop {
                line.clear();
                if read.read_line(&mut line).await? == 0 {
                    break;
                }
                let cmd = line.trim_end().to_owned();
                let upper = cmd.to_ascii_uppercase();
                let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                    b"250-fake.test\r\n250 8BITMIME\r\n"
                } else if upper.starts_with("MAIL FROM:") {
                    s.mail_from = cmd["MAIL FROM:".len()..].to_owned();
                    b"250 2.1.0 Ok\r\n"
                } else if upper.starts_with("RCPT TO:") {
                    if refuse_rcpt {
                        b"550 5.1.1 <nobody@example.cn>: Recipient address rejected\r\n"
                    } else {
                        s.rcpt_to.push(cmd["RCPT TO:".len()..].to_owned());
                        b"250 2.1.5 Ok\r\n"
                    }
                } else if upper == "DATA" {
                    write
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .await?;
                    loop {
                        line.clear();
                        if read.read_line(&mut line).await? == 0 {
                            return Ok(s);
                        }
                        if line == ".\r\n" {
                            break;
                        }
                        // Undo dot-stuffing.
                        s.data.push_str(line.strip_prefix('.').unwrap_or(&line));
                    }
                    b"250 2.0.0 Ok: queued\r\n"
                } else if upper == "QUIT" {
                    write.write_all(b"221 2.0.0 Bye\r\n").await?;
                    break;
                } else if upper == "RSET" || upper == "NOOP" {
                    b"250 2.0.0 Ok\r\n"
                } else {
                    b"502 5.5.2 Command not recognized\r\n"
                };
                write.write_all(reply).await?;
            }
            Ok(s)
        });
        (port, task)
    }

    fn settings(port: u16) -> MailSettings {
        MailSettings {
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: port,
            ..MailSettings::default()
        }
    }

    fn base64_decode(s: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0u32);
        for b in s.bytes() {
            let Some(v) = ALPHABET.iter().position(|&a| a == b) else {
                continue; // padding and line breaks
            };
            acc = (acc << 6) | v as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }

    /// The value of a header, unfolded, with its RFC 2047 `=?utf-8?b?…?=` words decoded.
    fn header(raw: &str, name: &str) -> Option<String> {
        let head = raw.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        let value = unfolded
            .split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))?[prefix.len()..]
            .trim()
            .to_owned();
        let mut bytes = Vec::new();
        let mut rest = value.as_str();
        while let Some(start) = rest.find("=?") {
            bytes.extend_from_slice(rest[..start].trim().as_bytes());
            let word = &rest[start + 2..];
            let end = word.find("?=").expect("encoded word is closed");
            let mut parts = word[..end].splitn(3, '?');
            let (charset, enc, text) = (parts.next()?, parts.next()?, parts.next()?);
            assert!(charset.eq_ignore_ascii_case("utf-8"), "{charset}");
            assert!(enc.eq_ignore_ascii_case("b"), "{enc}");
            bytes.extend(base64_decode(text));
            rest = &word[end + 2..];
        }
        bytes.extend_from_slice(rest.as_bytes());
        Some(String::from_utf8(bytes).expect("header decodes to UTF-8"))
    }

    #[tokio::test]
    async fn the_outbox_is_delivered_and_failures_are_retried_later() {
        let dir = tempfile::tempdir().unwrap();
        let db = chanjiao_store::Db::open_sqlite(&dir.path().join("t.db"))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        chanjiao_store::notifications::enqueue_mail(&mut tx, "a@example.cn", "立项通知", "内容")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Refused: kept, with the server's words and a later retry.
        let (port, server) = fake_smtp(true).await;
        let mailer = Mailer::from_settings(&settings(port)).unwrap();
        assert_eq!(deliver_due(&db, &mailer).await.unwrap(), 0);
        let _ = server.await;
        let page =
            chanjiao_store::notifications::outbox(&db, chanjiao_store::Paging::new(None, None))
                .await
                .unwrap();
        let m = &page.items[0];
        assert!(m.sent_at.is_none());
        assert_eq!(m.attempts, 1);
        assert!(
            m.last_error.as_deref().unwrap_or("").contains("550"),
            "{m:?}"
        );
        assert!(
            chanjiao_store::notifications::due_mail(&db, 10)
                .await
                .unwrap()
                .is_empty(),
            "not due again before its back-off"
        );
        // Due again (as after the back-off): delivered and marked sent.
        chanjiao_store::notifications::mail_attempted(&db, m.id, Some("x"), chanjiao_store::now())
            .await
            .unwrap();
        let (port, server) = fake_smtp(false).await;
        let mailer = Mailer::from_settings(&settings(port)).unwrap();
        assert_eq!(deliver_due(&db, &mailer).await.unwrap(), 1);
        let s = server.await.unwrap().unwrap();
        assert_eq!(s.rcpt_to, vec!["<a@example.cn>".to_owned()]);
        let page =
            chanjiao_store::notifications::outbox(&db, chanjiao_store::Paging::new(None, None))
                .await
                .unwrap();
        assert!(page.items[0].sent_at.is_some());
        assert!(page.items[0].last_error.is_none());
        assert!(
            chanjiao_store::notifications::due_mail(&db, 10)
                .await
                .unwrap()
                .is_empty()
        );
        db.close().await;
    }

    #[tokio::test]
    async fn delivers_chinese_subject_and_body_encoded() {
        let (port, server) = fake_smtp(false).await;
        let mailer = Mailer::from_settings(&settings(port)).expect("configured");
        let subject = "立项通知：您的申报已获批准（编号 ZJTX-2024-001）";
        let body =
            "张老师：\n\n您牵头申报的专精特新产业学院项目已立项。\n请登录平台查看立项通知书。";
        mailer
            .send("zhang.san@example.cn", subject, body)
            .await
            .expect("sent");
        let s = server.await.unwrap().unwrap();
        assert_eq!(s.mail_from, "<noreply@chanjiao.local>");
        assert_eq!(s.rcpt_to, vec!["<zhang.san@example.cn>".to_owned()]);
        let raw = &s.data;
        assert!(raw.is_ascii(), "headers and body are 7-bit: {raw}");
        assert!(raw.to_ascii_lowercase().contains("=?utf-8?b?"), "{raw}");
        assert_eq!(header(raw, "Subject").as_deref(), Some(subject));
        let from = header(raw, "From").unwrap();
        assert!(from.contains(FROM_NAME), "{from}");
        assert!(from.contains("<noreply@chanjiao.local>"), "{from}");
        assert_eq!(
            header(raw, "To").as_deref(),
            Some("zhang.san@example.cn"),
            "{raw}"
        );
        assert!(
            header(raw, "Message-ID")
                .unwrap()
                .ends_with("@chanjiao.local>")
        );
        let content_type = header(raw, "Content-Type").unwrap().to_ascii_lowercase();
        assert!(
            content_type.starts_with("text/plain; charset=utf-8"),
            "{content_type}"
        );
        assert_eq!(
            header(raw, "Content-Transfer-Encoding").as_deref(),
            Some("base64")
        );
        let encoded_body = raw.split_once("\r\n\r\n").unwrap().1;
        let decoded = String::from_utf8(base64_decode(encoded_body)).unwrap();
        assert_eq!(decoded, body.replace('\n', "\r\n"));
    }

    #[tokio::test]
    async fn refused_recipient_is_an_error_with_the_servers_words() {
        let (port, server) = fake_smtp(true).await;
        let mailer = Mailer::from_settings(&settings(port)).expect("configured");
        let err = mailer
            .send("nobody@example.cn", "测试", "正文")
            .await
            .expect_err("refused");
        assert!(err.contains("550"), "{err}");
        assert!(err.contains("Recipient address rejected"), "{err}");
        let s = server.await.unwrap().unwrap();
        assert!(s.data.is_empty(), "no message after a refused RCPT");
    }

    #[tokio::test]
    async fn unreachable_server_and_bad_address_are_errors() {
        // Bind then drop: the port is (almost certainly) closed.
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            l.local_addr().unwrap().port()
        };
        let mailer = Mailer::from_settings(&settings(port)).expect("configured");
        assert!(mailer.send("a@example.cn", "s", "b").await.is_err());
        let err = mailer.send("not an address", "s", "b").await.unwrap_err();
        assert!(err.starts_with("收件地址无效"), "{err}");
    }

    #[test]
    fn settings_decide_whether_and_how_mail_is_sent() {
        assert!(Mailer::from_settings(&MailSettings::default()).is_none());
        let blank = MailSettings {
            smtp_host: Some("  ".into()),
            ..MailSettings::default()
        };
        assert!(matches!(Mailer::try_from_settings(&blank), Ok(None)));
        for tls in ["none", "starttls", "tls", "STARTTLS"] {
            let s = MailSettings {
                tls: tls.into(),
                username: Some("u".into()),
                password: Some("p".into()),
                ..settings(587)
            };
            assert!(
                matches!(Mailer::try_from_settings(&s), Ok(Some(_))),
                "{tls}"
            );
        }
        let bad_tls = MailSettings {
            tls: "ssl".into(),
            ..settings(25)
        };
        assert!(
            Mailer::try_from_settings(&bad_tls)
                .unwrap_err()
                .contains("ssl")
        );
        assert!(Mailer::from_settings(&bad_tls).is_none());
        let bad_from = MailSettings {
            from: "平台".into(),
            ..settings(25)
        };
        assert!(Mailer::try_from_settings(&bad_from).is_err());
        let password_only = MailSettings {
            password: Some("p".into()),
            ..settings(25)
        };
        assert!(Mailer::try_from_settings(&password_only).is_err());
    }

    #[test]
    fn backoff_grows_then_caps() {
        let mins = |a| backoff(a).num_minutes();
        assert_eq!(mins(0), 1);
        assert_eq!(mins(1), 1);
        assert_eq!(mins(2), 5);
        assert_eq!(mins(3), 30);
        assert_eq!(mins(4), 120);
        assert_eq!(mins(50), 120);
        assert_eq!(mins(i32::MAX), 120);
    }
}
