//! `file:` URIs and paths. LSP names documents by URI; gatelint reads and shows paths.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The path a `file:` URI names; `None` for any other scheme (an `untitled:` buffer) or a
/// URI on another host.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let encoded = rest.split(['?', '#']).next().unwrap_or(rest);
    let decoded = percent_decode(encoded)?;
    Some(PathBuf::from(from_uri_path(&decoded)))
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    let text = to_uri_path(text);
    if !text.starts_with('/') {
        return None;
    }
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&format!("file://{encoded}")).ok()
}

/// `/C:/dir` → `C:/dir` on Windows, where a URI path puts a slash before the drive.
fn from_uri_path(path: &str) -> String {
    if cfg!(windows) {
        let bytes = path.as_bytes();
        if bytes.get(2) == Some(&b':') && bytes.get(1).is_some_and(u8::is_ascii_alphabetic) {
            return path.get(1..).unwrap_or(path).replace('/', "\\");
        }
    }
    path.to_owned()
}

fn to_uri_path(path: &str) -> String {
    if cfg!(windows) {
        let path = path.replace('\\', "/");
        if path.as_bytes().get(1) == Some(&b':') {
            return format!("/{path}");
        }
        return path;
    }
    path.to_owned()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn file_uris_round_trip_with_escapes() {
        let uri = Uri::from_str("file:///work/my%20api/caf%C3%A9.yaml").unwrap();
        let path = to_path(&uri).unwrap();
        if cfg!(unix) {
            assert_eq!(path, PathBuf::from("/work/my api/café.yaml"));
            assert_eq!(from_path(&path).unwrap(), uri);
        }
        assert!(to_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
        assert!(to_path(&Uri::from_str("file:///bad%FF").unwrap()).is_none());
        assert!(to_path(&Uri::from_str("https://example.com/a.yaml").unwrap()).is_none());
    }
}
