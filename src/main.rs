use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::Duration;

use clap::{Parser, Subcommand};

use ferry::cli::{self, CliOptions, TransferOptions};
use ferry::engine::{ConflictPolicy, DataMode, Timeouts, TlsMode, TlsOptions, TransferType};
use ferry::protocol::listing::NameEncoding;
use ferry::store::StoreDirs;
use ferry::store::settings::{Settings, TransferSettings};

/// Ferry: a fast, safe FTP client. With no command it opens the window.
#[derive(Parser, Debug)]
#[command(name = "ferry", version = env!("FERRY_VERSION"), about)]
struct Args {
    /// Open the window on a built-in FTP server on 127.0.0.1 with sample files.
    #[arg(long)]
    demo: bool,

    /// Seconds to wait for a connection, the greeting, or any reply (default: the setting, 20).
    #[arg(long, global = true, value_name = "SECS")]
    timeout: Option<u64>,

    /// Use active mode (the server connects back) instead of passive.
    #[arg(long, global = true)]
    active: bool,

    /// Print the command/reply transcript on stderr.
    #[arg(short, long, global = true)]
    verbose: bool,

    /// TLS: auto (explicit TLS when the server offers it), off, explicit (required), implicit.
    #[arg(long, global = true, value_enum, default_value_t = TlsArg::Auto)]
    tls: TlsArg,

    /// Accept the server's certificate with this SHA-256 fingerprint (AB:CD:... or hex) even
    /// if it can't be verified; otherwise unverifiable certificates are refused.
    #[arg(long = "trust-fingerprint", global = true, value_name = "SHA256", value_parser = parse_fingerprint)]
    trust_fingerprint: Vec<ferry::engine::tls::Fingerprint>,

    /// How the server's file names are encoded: auto, utf-8, iso-8859-1, windows-1252,
    /// shift_jis, gbk, big5, euc-kr, koi8-r, ...
    #[arg(long, global = true, value_name = "NAME", default_value = "auto", value_parser = parse_encoding)]
    encoding: NameEncoding,

    /// An ftp:// address to open in the window.
    url: Option<String>,

    #[command(subcommand)]
    command: Option<CliCommand>,
}

#[derive(Subcommand, Debug)]
enum CliCommand {
    /// Print the server's greeting, login message, system type, features and current folder.
    Info {
        /// ftp://[user[:password]@]host[:port][/path]; the password may come from FERRY_PASSWORD.
        url: String,
    },
    /// Download a file, or a folder with -r. DEST is a folder to put it in, or the name to
    /// give it (default: the current folder); `-` writes the file to standard output.
    Get {
        #[command(flatten)]
        transfer: TransferArgs,
        /// ftp://[user@]host[:port]/path/to/file-or-folder
        url: String,
        dest: Option<std::path::PathBuf>,
    },
    /// Upload a file, or a folder with -r. A URL ending in / is the folder to put it in;
    /// otherwise it is the name to give it.
    Put {
        #[command(flatten)]
        transfer: TransferArgs,
        local: std::path::PathBuf,
        /// ftp://[user@]host[:port]/path/ or .../path/name
        url: String,
    },
    /// Synchronize a local folder with a remote one: the plan first (what moves, and why),
    /// then the plan carried out. Nothing changes with --dry-run.
    Sync {
        /// Which way files go: up (local → server), down, or both (the newer side wins; files
        /// changed on both sides since the last sync are left alone and listed).
        #[arg(long, value_enum, default_value_t = DirectionArg::Up)]
        direction: DirectionArg,
        /// Mirror: delete on the target what is gone from the source.
        #[arg(long)]
        delete: bool,
        /// How files of the same name are told apart.
        #[arg(long, value_enum, default_value_t = CompareArg::Time)]
        compare: CompareArg,
        /// Leave out names matching GLOB (`*.tmp`), folders with a trailing / (`node_modules/`),
        /// or paths from the top (`build/out.log`); may be given again.
        #[arg(long, value_name = "GLOB")]
        exclude: Vec<String>,
        /// Print the plan and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The plan as one JSON object per action (action, path, reason, is_dir, size).
        #[arg(long)]
        json: bool,
        /// Simultaneous transfers (1 to 10).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=10))]
        parallel: u16,
        /// The local folder.
        local: std::path::PathBuf,
        /// The server's folder: ftp://[user@]host[:port]/path/to/folder
        url: String,
    },
    /// Delete a file on the server (a folder with -r, with everything in it).
    Rm {
        /// Folders too, with everything in them.
        #[arg(short, long)]
        recursive: bool,
        /// ftp://[user@]host[:port]/path/to/file-or-folder
        url: String,
    },
    /// Create a folder on the server.
    Mkdir {
        /// ftp://[user@]host[:port]/path/to/new-folder
        url: String,
    },
    /// Rename or move a file or folder on the server. NEW is a name in the same folder, or a
    /// path (/a/b, or relative to the folder).
    Mv {
        /// ftp://[user@]host[:port]/path/to/file-or-folder
        url: String,
        new: String,
    },
    /// List a folder.
    Ls {
        /// One JSON object per entry (name, size, modified, is_dir, is_link, target, permissions, raw).
        #[arg(long)]
        json: bool,
        /// ftp://[user[:password]@]host[:port][/path]; the password may come from FERRY_PASSWORD.
        url: String,
    },
}

#[derive(clap::Args, Debug)]
struct TransferArgs {
    /// Whole folders, with everything in them.
    #[arg(short, long)]
    recursive: bool,
    /// Simultaneous transfers (1 to 10).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=10))]
    parallel: u16,
    /// When the target exists. The default refuses to overwrite (and says so); `ask` asks on
    /// the terminal, or reads one answer per line from standard input (o, n, d, r, c, s; a
    /// trailing ! applies it to the rest).
    #[arg(long, value_enum, default_value_t = OnConflict::Refuse)]
    on_conflict: OnConflict,
    /// How bytes travel: binary (unchanged, the default), ascii (line endings converted), or
    /// auto (ASCII for the text extensions listed in the settings).
    #[arg(long = "type", value_enum, default_value_t = TypeArg::Binary)]
    transfer_type: TypeArg,
    /// The same as --type ascii.
    #[arg(long, conflicts_with_all = ["binary", "transfer_type"])]
    ascii: bool,
    /// The same as --type binary.
    #[arg(long, conflicts_with = "transfer_type")]
    binary: bool,
    /// Keep the queue in FILE while it runs: if the run is killed, the same command with the
    /// same FILE continues it, on the bytes already transferred.
    #[arg(long, value_name = "FILE")]
    queue_file: Option<std::path::PathBuf>,
    /// Download each large file over N connections from its first byte, each fetching its own
    /// part (1 = off), like `lftp pget -n N`. Without it, up to the `segments` setting (4) join
    /// a download of at least `segment_threshold_mib` (64 MiB) once it turns out to be slow.
    /// Needs a server that offers REST STREAM.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=10))]
    segments: Option<u16>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum DirectionArg {
    Up,
    Down,
    Both,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum CompareArg {
    Time,
    Size,
    Checksum,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum TypeArg {
    Auto,
    Binary,
    Ascii,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum TlsArg {
    Auto,
    Off,
    Explicit,
    Implicit,
}

fn parse_fingerprint(text: &str) -> Result<ferry::engine::tls::Fingerprint, String> {
    ferry::engine::tls::parse_fingerprint(text).ok_or_else(|| {
        "a SHA-256 fingerprint is 32 bytes in hex, like AB:CD:... (64 hex digits)".to_owned()
    })
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum OnConflict {
    Ask,
    Refuse,
    Overwrite,
    Newer,
    SizeDiffers,
    Resume,
    Rename,
    Skip,
}

impl From<OnConflict> for ConflictPolicy {
    fn from(choice: OnConflict) -> Self {
        match choice {
            OnConflict::Ask => ConflictPolicy::Ask,
            OnConflict::Refuse => ConflictPolicy::Refuse,
            OnConflict::Overwrite => ConflictPolicy::Overwrite,
            OnConflict::Newer => ConflictPolicy::OverwriteIfNewer,
            OnConflict::SizeDiffers => ConflictPolicy::OverwriteIfSizeDiffers,
            OnConflict::Resume => ConflictPolicy::Resume,
            OnConflict::Rename => ConflictPolicy::Rename,
            OnConflict::Skip => ConflictPolicy::Skip,
        }
    }
}

impl TransferArgs {
    fn options(&self, settings: &Settings) -> TransferOptions {
        let transfer_type = match (self.ascii, self.transfer_type) {
            (true, _) | (false, TypeArg::Ascii) => TransferType::Ascii,
            (false, TypeArg::Binary) => TransferType::Binary,
            (false, TypeArg::Auto) => TransferType::Auto,
        };
        TransferOptions {
            recursive: self.recursive,
            parallel: usize::from(self.parallel),
            on_conflict: self.on_conflict.into(),
            transfer_type,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            queue_file: self.queue_file.clone(),
            settings: TransferSettings {
                segments: self
                    .segments
                    .map_or(settings.transfers.segments, usize::from),
                segments_from_start: self.segments.is_some(),
                ..settings.transfers.clone()
            },
        }
    }
}

/// Turns transparent huge pages off for this process. mimalloc asks the kernel for huge pages
/// (`madvise(MADV_HUGEPAGE)`), and where the kernel then compacts memory to find them (the
/// common `defrag = madvise` setting) with a page cache full of earlier downloads, the
/// allocations of a 1 GiB download spent seconds in the kernel: the suite saw the same binary
/// take 0.65 s or 2.2 s (2.4 s of CPU), bimodally, while curl and lftp (glibc's malloc, no huge
/// pages) never did. Without huge pages it takes 0.5-0.65 s with 0.4-0.5 s of CPU, every run.
/// (mimalloc's own `allow_thp` option does the same, but is read before `main` runs.) Programs
/// Ferry starts (Open with the default application) inherit the setting.
///
/// It runs before `main`, before anything allocates ([`HUGE_PAGES_OFF_FIRST`]): the runtime's
/// first allocations touch mimalloc's first pages, and as huge pages those cost up to 10-14 ms
/// of a start on the benchmark machine when its memory was cold (`strace -r`: two 5-6 ms
/// faults right after mimalloc's `madvise(MADV_HUGEPAGE)`).
#[cfg(target_os = "linux")]
extern "C" fn allocator_without_huge_pages() {
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Where the loader finds [`allocator_without_huge_pages`] to run before `main` (the priority
/// the standard library's own early initialisation uses, ahead of any constructor without one).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00099")]
static HUGE_PAGES_OFF_FIRST: extern "C" fn() = allocator_without_huge_pages;

fn main() -> ExitCode {
    // rustls-platform-verifier logs every refused certificate as an error; Ferry reports those
    // itself (trust dialog, CLI message), so by default its lines would only repeat them.
    let filter =
        std::env::var("FERRY_LOG").unwrap_or_else(|_| "error,rustls_platform_verifier=off".into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let dirs = StoreDirs::locate();
    let settings = match dirs.as_ref().map(|d| Settings::load(&d.config)) {
        Some(Ok(settings)) => settings,
        Some(Err(e)) => {
            eprintln!("ferry: {e}; using the default settings");
            Settings::default()
        }
        None => Settings::default(),
    };
    let mut timeouts = Timeouts::from_settings(&settings);
    if let Some(secs) = args.timeout {
        timeouts.connect = Duration::from_secs(secs.max(1));
        timeouts.command = Duration::from_secs(secs.max(1));
    }
    let options = CliOptions {
        timeouts,
        data_mode: if args.active {
            DataMode::Active
        } else {
            DataMode::Auto
        },
        verbose: args.verbose,
        encoding: args.encoding,
        tls: TlsOptions {
            mode: match args.tls {
                TlsArg::Auto => TlsMode::IfAvailable,
                TlsArg::Off => TlsMode::Plain,
                TlsArg::Explicit => TlsMode::Explicit,
                TlsArg::Implicit => TlsMode::Implicit,
            },
            versions: Default::default(),
            trusted: args.trust_fingerprint.clone(),
        },
    };
    let status = match args.command {
        Some(CliCommand::Info { url }) => cli::finish(cli::info(&url, &options)),
        Some(CliCommand::Ls { json, url }) => cli::finish(cli::ls(&url, json, &options)),
        Some(CliCommand::Rm { recursive, url }) => cli::finish(cli::rm(&url, recursive, &options)),
        Some(CliCommand::Mkdir { url }) => cli::finish(cli::mkdir(&url, &options)),
        Some(CliCommand::Mv { url, new }) => cli::finish(cli::mv(&url, &new, &options)),
        Some(CliCommand::Get {
            transfer,
            url,
            dest,
        }) => cli::finish(cli::get(
            &url,
            dest.as_deref(),
            &transfer.options(&settings),
            &options,
        )),
        Some(CliCommand::Put {
            transfer,
            local,
            url,
        }) => cli::finish(cli::put(
            &local,
            &url,
            &transfer.options(&settings),
            &options,
        )),
        Some(CliCommand::Sync {
            direction,
            delete,
            compare,
            exclude,
            dry_run,
            json,
            parallel,
            local,
            url,
        }) => {
            use ferry::engine::sync::plan::{CompareBy, SyncDirection, SyncOptions};
            let args = cli::SyncArgs {
                local,
                url,
                options: SyncOptions {
                    direction: match direction {
                        DirectionArg::Up => SyncDirection::Up,
                        DirectionArg::Down => SyncDirection::Down,
                        DirectionArg::Both => SyncDirection::Both,
                    },
                    delete,
                    compare: match compare {
                        CompareArg::Time => CompareBy::Time,
                        CompareArg::Size => CompareBy::Size,
                        CompareArg::Checksum => CompareBy::Checksum,
                    },
                },
                exclude,
                dry_run,
                json,
                state_dir: dirs.as_ref().map(|d| d.data.clone()),
                settings: TransferSettings {
                    parallel: usize::from(parallel),
                    ..settings.transfers.clone()
                },
            };
            cli::finish(cli::sync(&args, &options))
        }
        None => {
            return ferry::ui::run_app(ferry::ui::Launch {
                demo: args.demo,
                url: args.url,
                settings,
                data_mode: options.data_mode,
                dirs,
            });
        }
    };
    exit_after_command(status)
}

/// Ends the process once a command is done, with its output flushed, and without the tidying
/// of an ordinary exit: there, mimalloc hands the process's memory back to the kernel page by
/// page just before the kernel takes all of it at once (some 75 `madvise` calls and half a
/// millisecond after a 100,000-entry `ferry ls`, strace). Nothing else is left to run: the
/// command has closed its files, the engine's threads are ended by any exit, and the standard
/// error is unbuffered.
fn exit_after_command(status: u8) -> ExitCode {
    use std::io::Write;
    let flushed = std::io::stdout().flush().is_ok();
    #[cfg(target_os = "linux")]
    if flushed {
        // SAFETY: `_exit` ends the process at once and touches no memory of ours; the one
        // buffer that needs writing out (the standard output's) was flushed above.
        unsafe { libc::_exit(i32::from(status)) }
    }
    // A failed flush (a closed pipe) goes the ordinary way, which reports nothing either.
    let _ = flushed;
    ExitCode::from(status)
}

fn parse_encoding(name: &str) -> Result<NameEncoding, String> {
    NameEncoding::from_label(name).ok_or_else(|| {
        let known: Vec<&str> = NameEncoding::ALL.iter().map(|e| e.label()).collect();
        format!("unknown encoding {name:?}; one of: {}", known.join(", "))
    })
}
