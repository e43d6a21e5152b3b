use crate::diagnostic::{Edit, Finding, Fix};
use crate::model::{Notation, Workspace};

use super::fixes;
use super::rule::{Rule, rule_meta};
use super::settings::Settings;

pub struct InsecureTransport;

impl Rule for InsecureTransport {
    rule_meta!("insecure-transport", Warning);

    fn check(&self, workspace: &Workspace, _settings: &Settings, findings: &mut Vec<Finding>) {
        for api in &workspace.apis {
            for server in &api.servers {
                let Some(host) = plain_text_host(&server.url) else {
                    continue;
                };
                if is_local(host) {
                    continue;
                }
                findings.push(
                    Finding::new(
                        self.meta(),
                        server.origin.clone(),
                        format!("{} is served over plain text at `{}`", api.display, server.url),
                    )
                    .label("not encrypted")
                    .subject(format!("{} {}", api.name, server.url))
                    .fix(encrypt(&server.origin))
                    .help("serve the API over https (wss for WebSocket) only: credentials and tokens sent over plain text can be read and replayed"),
                );
            }
        }
        for domain in &workspace.domain_names {
            for (when, policy) in domain.security_policy.cases() {
                if !policy.eq_ignore_ascii_case("TLS_1_0") {
                    continue;
                }
                let at = domain
                    .security_policy_origin
                    .clone()
                    .unwrap_or_else(|| domain.origin.clone());
                findings.push(
                    Finding::new(
                        self.meta(),
                        at,
                        format!("the custom domain {} accepts TLS 1.0{when}", domain.name),
                    )
                    .label("TLS 1.0 and 1.1 are deprecated (RFC 8996)")
                    .related(domain.origin.clone(), "the domain name")
                    .subject(domain.name.clone())
                    .help(match domain.notation {
                        Notation::Terraform => "set `security_policy = \"TLS_1_2\"`",
                        Notation::ServerlessFramework => "set `securityPolicy: tls_1_2`",
                        Notation::Gateway => "set `SecurityPolicy: TLS_1_2`",
                    }),
                );
            }
        }
    }
}

/// The host of an `http://` or `ws://` URL, `None` for anything else.
fn plain_text_host(url: &str) -> Option<&str> {
    let lower = url.get(..7).unwrap_or("").to_ascii_lowercase();
    let rest = if lower == "http://" {
        url.get(7..)?
    } else if lower.starts_with("ws://") {
        url.get(5..)?
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    Some(if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    })
}

fn is_local(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
}

/// An OpenAPI 3 server `url` written as a literal `http://` (or `ws://`) URL moves to `https://`
/// (`wss://`): unsafe, as the server must then answer on TLS.
fn encrypt(at: &crate::syntax::Loc) -> Option<Fix> {
    let (span, text) = fixes::literal_value(at, &["url"])?;
    let scheme = text.split_once("://")?.0;
    let secure = match scheme.to_ascii_lowercase().as_str() {
        "http" => "https",
        "ws" => "wss",
        _ => return None,
    };
    let scheme_span =
        crate::syntax::Span::new(span.start as usize, span.start as usize + scheme.len());
    Some(Fix::unsafe_(
        format!("serve over {secure}"),
        vec![Edit::replace(
            crate::syntax::Loc::new(&at.file, scheme_span),
            secure,
        )],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            plain_text_host("http://api.example.com/v1"),
            Some("api.example.com")
        );
        assert_eq!(plain_text_host("HTTP://x:8080"), Some("x"));
        assert_eq!(plain_text_host("http://[::1]:80/"), Some("::1"));
        assert_eq!(plain_text_host("https://x"), None);
        assert_eq!(plain_text_host("/relative"), None);
        assert!(is_local("localhost") && is_local("127.0.0.1") && !is_local("example.com"));
    }
}
