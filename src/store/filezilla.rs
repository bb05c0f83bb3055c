//! FileZilla's Site Manager file (`sitemanager.xml`): import (folders, sites, protocols, and the
//! base64 passwords, which go to the keyring, never to Ferry's files) and export (without
//! passwords).

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::secret::Secret;
use super::settings::DataMode;
use super::sites::{Logon, Protocol, Site, SiteFolder};
use crate::protocol::listing::NameEncoding;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not a FileZilla site manager file: {0}")]
    Invalid(String),
}

/// What an import found.
#[derive(Debug, Default)]
pub struct Imported {
    pub sites: SiteFolder,
    /// Passwords by site id, for the keyring.
    pub passwords: Vec<(String, Secret)>,
    /// Sites left out (SFTP, which Ferry doesn't speak), by name.
    pub skipped: Vec<String>,
}

/// One `<Server>` as read, before it becomes a site.
#[derive(Default)]
struct Fields {
    host: String,
    port: Option<u16>,
    protocol: Option<u32>,
    user: String,
    password: Option<String>,
    password_base64: bool,
    logon: Option<u32>,
    pasv: String,
    encoding: String,
    custom_encoding: String,
    timezone: Option<i32>,
    comments: String,
    local_dir: String,
    remote_dir: String,
    name: String,
    connections: Option<usize>,
}

pub fn import(xml: &str) -> Result<Imported, ImportError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(false);
    let mut imported = Imported::default();
    // The folders open around the current position; the root is at the bottom.
    let mut folders = vec![SiteFolder::default()];
    let mut folder_named = vec![true];
    let mut server: Option<Fields> = None;
    // The element whose text is being read, and the text so far (entities come separately).
    let mut field: Option<String> = None;
    let mut text = String::new();
    let mut seen_servers = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            ImportError::Invalid(format!("{e} at byte {}", reader.buffer_position()))
        })?;
        match event {
            Event::Start(start) => {
                let tag = start.name().as_ref().to_owned();
                // Text before a child element is a folder's name.
                name_folder(&mut folders, &mut folder_named, &text, server.is_none());
                match tag.as_str() {
                    "Servers" => seen_servers = true,
                    "Folder" if server.is_none() => {
                        folders.push(SiteFolder::default());
                        folder_named.push(false);
                    }
                    "Server" => server = Some(Fields::default()),
                    _ if server.is_some() => {
                        if tag == "Pass"
                            && let Some(fields) = &mut server
                        {
                            fields.password_base64 = start
                                .attributes()
                                .flatten()
                                .any(|a| a.key.as_ref() == "encoding" && a.value == "base64");
                        }
                        field = Some(tag);
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Text(content) => text.push_str(&content.xml10_content()),
            Event::GeneralRef(reference) => {
                if let Some(c) = resolve_entity(&reference.xml10_content()) {
                    text.push(c);
                }
            }
            Event::End(end) => {
                let tag = end.name().as_ref().to_owned();
                match (&mut server, &field) {
                    (Some(fields), Some(name)) if *name == tag => {
                        set_field(fields, name, std::mem::take(&mut text));
                        field = None;
                    }
                    _ => {}
                }
                match tag.as_str() {
                    "Server" => {
                        if let (Some(fields), Some(folder)) = (server.take(), folders.last_mut()) {
                            match to_site(fields) {
                                Ok((site, password)) => {
                                    if let Some(password) = password {
                                        imported.passwords.push((site.id.clone(), password));
                                    }
                                    folder.sites.push(site);
                                }
                                Err(name) => imported.skipped.push(name),
                            }
                        }
                    }
                    "Folder" if server.is_none() && folders.len() > 1 => {
                        name_folder(&mut folders, &mut folder_named, &text, true);
                        folder_named.pop();
                        if let Some(done) = folders.pop()
                            && let Some(parent) = folders.last_mut()
                        {
                            parent.folders.push(done);
                        }
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_servers {
        return Err(ImportError::Invalid("it has no <Servers> element".into()));
    }
    imported.sites = folders.swap_remove(0);
    Ok(imported)
}

/// Gives the innermost open folder its name from the text read so far, once.
fn name_folder(folders: &mut [SiteFolder], named: &mut [bool], text: &str, outside_server: bool) {
    if !outside_server {
        return;
    }
    if let (Some(folder), Some(done)) = (folders.last_mut(), named.last_mut())
        && !*done
        && !text.trim().is_empty()
    {
        folder.name = text.trim().to_owned();
        *done = true;
    }
}

/// `amp`, `lt`, `#233`, `#xE9`: the character an XML reference stands for.
fn resolve_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number
                .strip_prefix('x')
                .or_else(|| number.strip_prefix('X'))
            {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

fn set_field(fields: &mut Fields, name: &str, value: String) {
    match name {
        "Host" => fields.host = value,
        "Port" => fields.port = value.trim().parse().ok(),
        "Protocol" => fields.protocol = value.trim().parse().ok(),
        "User" => fields.user = value,
        "Pass" => fields.password = Some(value),
        "Logontype" => fields.logon = value.trim().parse().ok(),
        "PasvMode" => fields.pasv = value,
        "EncodingType" => fields.encoding = value,
        "CustomEncoding" => fields.custom_encoding = value,
        "TimezoneOffset" => fields.timezone = value.trim().parse().ok(),
        "Comments" => fields.comments = value,
        "LocalDir" => fields.local_dir = value,
        "RemoteDir" => fields.remote_dir = value,
        "Name" => fields.name = value,
        "MaximumMultipleConnections" => fields.connections = value.trim().parse().ok(),
        _ => {}
    }
}

/// A `<Server>` as a site (and its password); `Err(name)` for what Ferry can't use (SFTP).
fn to_site(fields: Fields) -> Result<(Site, Option<Secret>), String> {
    let name = if fields.name.trim().is_empty() {
        fields.host.clone()
    } else {
        fields.name.clone()
    };
    // FileZilla: 0 FTP (TLS if available), 1 SFTP, 3 implicit FTPS, 4 explicit FTPS, 6 plain FTP.
    let (protocol, tls_if_available) = match fields.protocol.unwrap_or(0) {
        0 => (Protocol::Ftp, true),
        3 => (Protocol::FtpsImplicit, false),
        4 => (Protocol::FtpsExplicit, false),
        6 => (Protocol::Ftp, false),
        _ => return Err(name),
    };
    let logon = match fields.logon.unwrap_or(1) {
        0 => Logon::Anonymous,
        1 => Logon::Normal,
        _ => Logon::AskPassword,
    };
    let password = fields
        .password
        .filter(|_| logon == Logon::Normal)
        .and_then(|p| {
            if fields.password_base64 {
                decode_base64(&p)
            } else {
                Some(p)
            }
        })
        .filter(|p| !p.is_empty())
        .map(Secret::new);
    let encoding = match fields.encoding.as_str() {
        "UTF-8" => NameEncoding::Utf8,
        "Custom" => NameEncoding::from_label(&fields.custom_encoding).unwrap_or_default(),
        _ => NameEncoding::Auto,
    };
    let site = Site {
        name,
        port: fields.port.unwrap_or(protocol.default_port()),
        host: fields.host,
        protocol,
        tls_if_available,
        logon,
        user: fields.user,
        transfer_mode: match fields.pasv.as_str() {
            "MODE_ACTIVE" => DataMode::Active,
            "MODE_PASSIVE" => DataMode::Passive,
            _ => DataMode::Auto,
        },
        encoding,
        server_offset_minutes: fields.timezone.unwrap_or(0),
        remote_dir: decode_remote_dir(&fields.remote_dir),
        local_dir: fields.local_dir,
        parallel: fields.connections.unwrap_or(0),
        comments: fields.comments,
        ..Site::default()
    };
    Ok((site, password))
}

/// FileZilla's server path form: `1 0 4 home 3 bob` is `/home/bob` (type, prefix length and
/// prefix, then each segment as its length and itself).
pub fn decode_remote_dir(encoded: &str) -> String {
    let mut rest = encoded.trim();
    let next_number = |rest: &mut &str| -> Option<usize> {
        let (number, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        let value = number.parse().ok()?;
        *rest = tail;
        Some(value)
    };
    let (Some(_kind), Some(prefix_len)) = (next_number(&mut rest), next_number(&mut rest)) else {
        return String::new();
    };
    let mut path = String::new();
    if prefix_len > 0 {
        let prefix: String = rest.chars().take(prefix_len).collect();
        rest = rest.get(prefix.len()..).unwrap_or("").trim_start();
        path.push_str(&prefix);
    }
    while let Some(len) = next_number(&mut rest) {
        let segment: String = rest.chars().take(len).collect();
        rest = rest.get(segment.len()..).unwrap_or("").trim_start();
        path.push('/');
        path.push_str(&segment);
    }
    if path.is_empty() && !encoded.trim().is_empty() {
        "/".into()
    } else {
        path
    }
}

fn encode_remote_dir(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let mut out = String::from("1 0");
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push_str(&format!(" {} {segment}", segment.chars().count()));
    }
    out
}

fn decode_base64(text: &str) -> Option<String> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text
        .trim()
        .bytes()
        .filter(|b| *b != b'=' && !b.is_ascii_whitespace())
    {
        let value = ALPHABET.iter().position(|&a| a == byte)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    String::from_utf8(out).ok()
}

/// The sites as a FileZilla `sitemanager.xml`, without passwords.
pub fn export(sites: &SiteFolder) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3 version=\"3\" platform=\"*nix\">\n  <Servers>\n",
    );
    write_folder(&mut xml, sites, 2);
    xml.push_str("  </Servers>\n</FileZilla3>\n");
    xml
}

fn write_folder(xml: &mut String, folder: &SiteFolder, depth: usize) {
    let pad = "  ".repeat(depth);
    for sub in &folder.folders {
        xml.push_str(&format!(
            "{pad}<Folder expanded=\"1\">{}\n",
            escape(&sub.name)
        ));
        write_folder(xml, sub, depth + 1);
        xml.push_str(&format!("{pad}</Folder>\n"));
    }
    for site in &folder.sites {
        let protocol = match (site.protocol, site.tls_if_available) {
            (Protocol::Ftp, true) => 0,
            (Protocol::Ftp, false) => 6,
            (Protocol::FtpsImplicit, _) => 3,
            (Protocol::FtpsExplicit, _) => 4,
        };
        let logon = match site.logon {
            Logon::Anonymous => 0,
            Logon::Normal => 1,
            Logon::AskPassword => 2,
        };
        let pasv = match site.transfer_mode {
            DataMode::Auto => "MODE_DEFAULT",
            DataMode::Passive => "MODE_PASSIVE",
            DataMode::Active => "MODE_ACTIVE",
        };
        let (encoding, custom) = match site.encoding {
            NameEncoding::Auto => ("Auto", ""),
            NameEncoding::Utf8 => ("UTF-8", ""),
            other => ("Custom", other.label()),
        };
        let inner = "  ".repeat(depth + 1);
        xml.push_str(&format!("{pad}<Server>\n"));
        for (tag, value) in [
            ("Host", site.host.clone()),
            ("Port", site.port.to_string()),
            ("Protocol", protocol.to_string()),
            ("Type", "0".into()),
            ("User", site.user.clone()),
            ("Logontype", logon.to_string()),
            ("TimezoneOffset", site.server_offset_minutes.to_string()),
            ("PasvMode", pasv.into()),
            ("MaximumMultipleConnections", site.parallel.to_string()),
            ("EncodingType", encoding.into()),
            ("CustomEncoding", custom.into()),
            ("Comments", site.comments.clone()),
            ("LocalDir", site.local_dir.clone()),
            ("RemoteDir", encode_remote_dir(&site.remote_dir)),
            ("Name", site.name.clone()),
        ] {
            xml.push_str(&format!("{inner}<{tag}>{}</{tag}>\n", escape(&value)));
        }
        xml.push_str(&format!("{pad}</Server>\n"));
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.66.4" platform="*nix">
  <Servers>
    <Server>
      <Host>ftp.example.com</Host>
      <Port>21</Port>
      <Protocol>0</Protocol>
      <Type>0</Type>
      <User>alice</User>
      <Pass encoding="base64">czNjcmV0ICYgbW9yZQ==</Pass>
      <Logontype>1</Logontype>
      <PasvMode>MODE_ACTIVE</PasvMode>
      <EncodingType>Custom</EncodingType>
      <CustomEncoding>ISO-8859-1</CustomEncoding>
      <RemoteDir>1 0 4 home 5 alice</RemoteDir>
      <Comments>main &amp; only</Comments>
      <Name>Example</Name>
    </Server>
    <Folder expanded="1">Work
      <Server>
        <Host>secure.example.com</Host>
        <Port>990</Port>
        <Protocol>3</Protocol>
        <User>bob</User>
        <Logontype>2</Logontype>
        <Name>Secure</Name>
      </Server>
      <Folder expanded="0">Old
        <Server>
          <Host>sftp.example.com</Host>
          <Protocol>1</Protocol>
          <Name>Not FTP</Name>
        </Server>
      </Folder>
    </Folder>
  </Servers>
</FileZilla3>
"#;

    #[test]
    fn imports_folders_sites_and_passwords() {
        let imported = import(SAMPLE).unwrap();
        let example = &imported.sites.sites[0];
        assert_eq!(example.name, "Example");
        assert_eq!(
            (example.host.as_str(), example.port),
            ("ftp.example.com", 21)
        );
        assert_eq!(example.protocol, Protocol::Ftp);
        assert!(example.tls_if_available);
        assert_eq!(example.transfer_mode, DataMode::Active);
        assert_eq!(example.encoding, NameEncoding::Latin1);
        assert_eq!(example.remote_dir, "/home/alice");
        assert_eq!(example.comments, "main & only");
        assert_eq!(imported.passwords.len(), 1);
        assert_eq!(imported.passwords[0].0, example.id);
        assert_eq!(imported.passwords[0].1.expose(), "s3cret & more");
        let work = &imported.sites.folders[0];
        assert_eq!(work.name, "Work");
        assert_eq!(work.sites[0].protocol, Protocol::FtpsImplicit);
        assert_eq!(work.sites[0].logon, Logon::AskPassword);
        assert_eq!(work.folders[0].name, "Old");
        assert!(work.folders[0].sites.is_empty());
        assert_eq!(imported.skipped, vec!["Not FTP"]);
    }

    #[test]
    fn export_has_no_passwords_and_imports_back() {
        let imported = import(SAMPLE).unwrap();
        let xml = export(&imported.sites);
        assert!(!xml.contains("Pass"), "{xml}");
        assert!(!xml.contains("s3cret"));
        let again = import(&xml).unwrap();
        let (a, b) = (&imported.sites.sites[0], &again.sites.sites[0]);
        assert_eq!(
            (&a.name, &a.host, a.port, a.protocol, a.transfer_mode),
            (&b.name, &b.host, b.port, b.protocol, b.transfer_mode)
        );
        assert_eq!(b.remote_dir, "/home/alice");
        assert_eq!(again.sites.folders[0].name, "Work");
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(import("<html><body>hi</body></html>").is_err());
        assert!(import("not xml at all <<<").is_err());
    }

    #[test]
    fn remote_dir_round_trip() {
        assert_eq!(decode_remote_dir("1 0 4 home 3 b b"), "/home/b b");
        assert_eq!(decode_remote_dir(&encode_remote_dir("/a b/c")), "/a b/c");
        assert_eq!(decode_remote_dir(""), "");
        assert_eq!(decode_remote_dir("garbage"), "");
    }
}
