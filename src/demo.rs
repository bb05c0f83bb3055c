//! A real FTP server (libunftp) on 127.0.0.1 for `ferry --demo` and for the tests: a random free
//! port, a folder of our choosing, and either one user/password or anonymous access.

use std::fmt;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use libunftp::ServerBuilder;
use tokio::net::TcpListener;
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, Principal};
use unftp_sbe_fs::Filesystem;

/// Who may log in.
#[derive(Clone)]
pub struct Account {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Account({:?}, ****)", self.user)
    }
}

#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub root: PathBuf,
    pub account: Option<Account>,
    /// Accepts `anonymous` (and `ftp`) with any password.
    pub allow_anonymous: bool,
    pub greeting: &'static str,
    /// PEM certificate chain and private key: the server then offers explicit TLS (AUTH TLS).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Seconds a session may sit without a command before the server closes it (libunftp's
    /// default, 600 s, when `None`).
    pub idle_timeout_secs: Option<u64>,
}

impl ServerOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            account: None,
            allow_anonymous: true,
            greeting: "Ferry demo server (libunftp) on 127.0.0.1",
            tls: None,
            idle_timeout_secs: None,
        }
    }

    pub fn with_account(mut self, user: &str, password: &str) -> Self {
        self.account = Some(Account {
            user: user.to_owned(),
            password: password.to_owned(),
        });
        self
    }
}

#[derive(Debug)]
struct LoginCheck {
    account: Option<Account>,
    allow_anonymous: bool,
}

#[async_trait::async_trait]
impl Authenticator for LoginCheck {
    async fn authenticate(
        &self,
        username: &str,
        creds: &Credentials,
    ) -> Result<Principal, AuthenticationError> {
        let anonymous =
            username.eq_ignore_ascii_case("anonymous") || username.eq_ignore_ascii_case("ftp");
        let accepted = if anonymous {
            self.allow_anonymous
        } else {
            match (&self.account, &creds.password) {
                (Some(account), Some(password)) => {
                    if account.user != username {
                        return Err(AuthenticationError::BadUser);
                    }
                    account.password == *password
                }
                _ => false,
            }
        };
        if accepted {
            Ok(Principal {
                username: username.to_owned(),
            })
        } else {
            Err(AuthenticationError::BadPassword)
        }
    }
}

/// A running server. Dropping it stops the server.
pub struct DemoServer {
    addr: SocketAddr,
    runtime: Option<tokio::runtime::Runtime>,
}

impl DemoServer {
    pub fn start(options: ServerOptions) -> std::io::Result<Self> {
        let root = options.root.canonicalize()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ferry-demo-server")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let check = Arc::new(LoginCheck {
            account: options.account.clone(),
            allow_anonymous: options.allow_anonymous,
        });
        let greeting = options.greeting;
        let tls = options.tls.clone();
        let idle_timeout_secs = options.idle_timeout_secs;
        runtime.spawn(async move {
            // A bounded accept loop would end the demo early; this one ends with the runtime.
            while let Ok((stream, _)) = listener.accept().await {
                let root = root.clone();
                let storage = move || {
                    Filesystem::new(root.clone())
                        .unwrap_or_else(|e| panic!("demo root {} is gone: {e}", root.display()))
                };
                let mut builder =
                    ServerBuilder::with_authenticator(Box::new(storage), check.clone())
                        .greeting(greeting)
                        .passive_host(std::net::Ipv4Addr::LOCALHOST)
                        .active_passive_mode(
                            libunftp::options::ActivePassiveMode::ActiveAndPassive,
                        );
                if let Some(secs) = idle_timeout_secs {
                    builder = builder.idle_session_timeout(secs);
                }
                if let Some((certificate, key)) = &tls {
                    builder = builder.ftps(certificate.clone(), key.clone());
                }
                let server = builder.build();
                match server {
                    Ok(server) => {
                        tokio::spawn(async move {
                            let _ = server.service(stream).await;
                        });
                    }
                    Err(e) => tracing::error!("demo server: {e}"),
                }
            }
        });
        Ok(Self {
            addr,
            runtime: Some(runtime),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Fills `dir` with the sample tree the demo shows: nested folders, a few MB of files, a UTF-8
/// name, names with spaces, and a hidden file.
pub fn create_sample_tree(dir: &Path) -> std::io::Result<()> {
    let text_files: [(&str, &str); 7] = [
        (
            "welcome.txt",
            "Welcome to Ferry's demo server.\nDouble-click a folder to open it.\n",
        ),
        ("Documents/readme.txt", "Sample documents.\n"),
        (
            "Documents/notes.md",
            "# Notes\n\n- FTP, but fast and safe.\n",
        ),
        (
            "Documents/Reports/2025/summary.csv",
            "month,files\njan,12\nfeb,30\n",
        ),
        (
            "My Projects/site/index.html",
            "<!doctype html><title>Hello</title><p>Hello from Ferry.</p>\n",
        ),
        ("Music/Ünïcödé – 日本語.txt", "A name in UTF-8.\n"),
        (".hidden-settings", "hidden=true\n"),
    ];
    for (name, text) in text_files {
        write_file(&dir.join(name), text.as_bytes())?;
    }
    let binary_files: [(&str, usize); 6] = [
        ("Documents/Reports/annual report 2025.pdf", 180 * 1024),
        ("Photos/holiday-01.jpg", 420 * 1024),
        ("Photos/holiday-02.jpg", 380 * 1024),
        ("Photos/Old Albums/scan 1998.png", 260 * 1024),
        ("Software/ferry-demo-installer.bin", 2 * 1024 * 1024),
        ("My Projects/site/logo.png", 24 * 1024),
    ];
    for (index, (name, size)) in binary_files.into_iter().enumerate() {
        write_file(
            &dir.join(name),
            &pseudo_random_bytes(size, index as u64 + 1),
        )?;
    }
    std::fs::create_dir_all(dir.join("Empty folder"))?;
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)
}

/// Reproducible filler bytes (xorshift), so sample files don't compress to nothing.
pub fn pseudo_random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// What `ferry --demo` runs: the sample tree in a temporary folder, served on 127.0.0.1. Both go
/// away when this is dropped.
pub struct DemoSession {
    pub server: DemoServer,
    pub user: &'static str,
    pub password: &'static str,
    folder: tempfile::TempDir,
}

impl DemoSession {
    pub const USER: &'static str = "demo";
    pub const PASSWORD: &'static str = "demo";

    pub fn start() -> std::io::Result<Self> {
        let folder = tempfile::Builder::new().prefix("ferry-demo-").tempdir()?;
        create_sample_tree(folder.path())?;
        let server = DemoServer::start(
            ServerOptions::new(folder.path()).with_account(Self::USER, Self::PASSWORD),
        )?;
        Ok(Self {
            server,
            user: Self::USER,
            password: Self::PASSWORD,
            folder,
        })
    }

    pub fn folder(&self) -> &Path {
        self.folder.path()
    }
}
