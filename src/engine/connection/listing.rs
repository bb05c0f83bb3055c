//! Listings: MLSD when the server offers it, else LIST, parsed as the bytes arrive.

use chrono::{Local, Utc};
use tokio::io::{AsyncRead, AsyncReadExt};

use std::sync::mpsc as std_mpsc;

use super::Session;
use super::control::DataStart;
use crate::engine::api::event::{Event, LogKind};
use crate::engine::api::listing_chunk::{ChunkPool, ListingChunk};
use crate::engine::error::{FtpError, FtpResult};
use crate::protocol::command::CommandLine;
use crate::protocol::listing::{
    Listing, ListingContext, ListingFormat, ListingParser, unread_lines_shown,
};
use crate::protocol::path::RemotePath;

/// A listing bigger than this is refused rather than held in memory.
const MAX_LISTING_BYTES: usize = 512 * 1024 * 1024;

/// Where a listing's bytes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivery {
    /// Parsed here into the `Listing` returned.
    Parsed,
    /// To the face as they arrive (`Event::ListingBytes`).
    BytesToFace,
}

/// One listing as it was read.
struct ReadListing {
    /// Empty when its bytes went to the face.
    listing: Listing,
    bytes: usize,
    /// Empty, or its last byte a line end.
    ended_cleanly: bool,
}

impl Session {
    /// Lists the current folder with MLSD when the server offers it, otherwise LIST.
    ///
    /// A listing has no length: one cut short by a dropped data connection can end with a
    /// success reply, and would silently lose entries (a recursive download would miss files).
    /// Its tell is a last line with no line end; such a listing is taken again, and kept only
    /// when the second one ends the same way (a server that just omits the last line end).
    pub async fn list_current(&mut self) -> FtpResult<Listing> {
        self.list_current_as(Delivery::Parsed).await
    }

    /// [`Self::list_current`] for the face to show. With `EngineOptions::listing_bytes` its
    /// bytes go to the face as they arrive, and the listing returned is empty; the engine's own
    /// listings (a recursive transfer's, a sync's) are always parsed here.
    pub async fn list_current_for_face(&mut self) -> FtpResult<Listing> {
        let delivery = if self.control.sink().listing_bytes {
            Delivery::BytesToFace
        } else {
            Delivery::Parsed
        };
        self.list_current_as(delivery).await
    }

    async fn list_current_as(&mut self, delivery: Delivery) -> FtpResult<Listing> {
        let first = self.list_once(delivery).await?;
        // Bytes already handed to the face can't be taken back.
        if first.ended_cleanly || delivery == Delivery::BytesToFace {
            return Ok(self.finish_listing(first, delivery));
        }
        self.control.sink().log(
            LogKind::Status,
            "The listing ended in the middle of a line; listing again to be sure".to_owned(),
        );
        let second = self.list_once(delivery).await?;
        if second.ended_cleanly || second.bytes == first.bytes {
            return Ok(self.finish_listing(second, delivery));
        }
        Err(FtpError::Closed {
            doing: format!(
                "in the middle of the listing of {} (twice, at different places)",
                self.cwd.display()
            ),
        })
    }

    fn finish_listing(&self, read: ReadListing, delivery: Delivery) -> Listing {
        if delivery == Delivery::BytesToFace {
            self.control.sink().log(
                LogKind::Status,
                format!("Listed {}: {} bytes", self.cwd.display(), read.bytes),
            );
        } else {
            self.log_listing_summary(&read.listing);
        }
        read.listing
    }

    async fn list_once(&mut self, delivery: Delivery) -> FtpResult<ReadListing> {
        self.ensure_binary().await?;
        let (command, format) = if self.features.mlsd() {
            (CommandLine::bare("MLSD"), ListingFormat::Mlsd)
        } else {
            (CommandLine::bare("LIST"), ListingFormat::List)
        };
        let start = self.control.data_command(&command).await?;
        // Without an offset, "now" is taken to be the server's local time, as the client's.
        let now = if self.server_offset_minutes == 0 {
            Local::now().naive_local()
        } else {
            Utc::now().naive_utc()
        };
        let mut context = ListingContext::new(format, now)
            .with_encoding(self.encoding)
            .with_server_offset_minutes(self.server_offset_minutes);
        context.system = self.system.clone();
        // The face reads the bytes itself, or they are parsed as they arrive (a big folder is
        // read by the time its last bytes are).
        let sink = self.control.sink().clone();
        let mut parse = if delivery == Delivery::BytesToFace {
            sink.send(Event::ListingFormat(Box::new(context)));
            None
        } else {
            Some(ParseAlong::Here(Box::new(ListingParser::new(context))))
        };
        let mut bytes = 0;
        let mut last_byte = None;
        match start {
            DataStart::Done(_) => {}
            DataStart::Open(mut transfer) => {
                let idle = self.control.reply_timeout();
                let mut pool = ChunkPool::new();
                let read =
                    read_chunks(&mut transfer, idle, MAX_LISTING_BYTES, &mut pool, |chunk| {
                        bytes += chunk.len();
                        last_byte = chunk.last().copied().or(last_byte);
                        match &mut parse {
                            Some(parse) => parse.feed(chunk, bytes),
                            None => sink.send(Event::ListingBytes(chunk)),
                        }
                    })
                    .await;
                let finished = self.control.finish(transfer).await;
                read?;
                finished?;
            }
        }
        let listing = match parse {
            Some(parse) => parse.finish().await?,
            None => Listing::default(),
        };
        Ok(ReadListing {
            listing,
            bytes,
            ended_cleanly: last_byte.is_none_or(|b| b == b'\n'),
        })
    }

    fn log_listing_summary(&self, listing: &Listing) {
        let sink = self.control.sink();
        let entries = listing.entries.len();
        sink.log(
            LogKind::Status,
            format!(
                "Listed {}: {entries} {}",
                self.cwd.display(),
                if entries == 1 { "entry" } else { "entries" }
            ),
        );
        let (shown, more) = unread_lines_shown(&listing.unparsed);
        for line in shown {
            sink.log(
                LogKind::Error,
                format!("Could not read listing line: {line}"),
            );
        }
        if more > 0 {
            sink.log(
                LogKind::Error,
                format!("... and {more} more unreadable lines"),
            );
        }
    }

    /// Lists a folder by path (for recursive transfers); the session stays in it. The path is
    /// one the server gave (or built from its names), so PWD isn't asked again: a walk through
    /// many folders saves a round trip per folder.
    pub async fn list_path(&mut self, path: &RemotePath) -> FtpResult<Listing> {
        if self.cwd != *path {
            self.control
                .expect_completion(&CommandLine::with_arg("CWD", path.as_bytes())?)
                .await?;
            self.cwd = path.clone();
        }
        self.list_current().await
    }
}

/// Where a listing is parsed while it arrives. Most folders are small and are parsed on the
/// session's task, between reads. A big one is handed to a thread of its own once
/// [`PARSE_BESIDE_FROM`] bytes have come, so that the data connection is read at the pace the
/// server sends instead of waiting for the parser after every read: on vsftpd's 100,000-entry
/// listing the parse was most of the time after the server's first byte (BENCHMARKS.md).
enum ParseAlong {
    /// Boxed: the parser, with what it keeps from line to line, is some 400 bytes.
    Here(Box<ListingParser>),
    Beside {
        chunks: std_mpsc::Sender<ListingChunk>,
        parsed: tokio::task::JoinHandle<ListingParser>,
    },
    /// Only while moving from one to the other.
    Moving,
}

/// How much of a listing arrives before it is parsed beside the reading (about 1,800 `ls -l`
/// lines: a thread's start costs tens of microseconds, the parse of this much about a
/// millisecond).
const PARSE_BESIDE_FROM: usize = 128 * 1024;

impl ParseAlong {
    /// Takes the next chunk; `arrived` counts the bytes so far, this chunk included.
    fn feed(&mut self, chunk: ListingChunk, arrived: usize) {
        if let ParseAlong::Here(parser) = self {
            if arrived < PARSE_BESIDE_FROM {
                parser.feed(&chunk);
                return;
            }
            let ParseAlong::Here(mut parser) = std::mem::replace(self, ParseAlong::Moving) else {
                return;
            };
            let (chunks, arriving) = std_mpsc::channel::<ListingChunk>();
            let parsed = tokio::task::spawn_blocking(move || {
                for chunk in arriving {
                    parser.feed(&chunk);
                }
                *parser
            });
            *self = ParseAlong::Beside { chunks, parsed };
        }
        if let ParseAlong::Beside { chunks, .. } = self {
            // A send fails only when the parser's thread has panicked; `finish` reports it.
            let _ = chunks.send(chunk);
        }
    }

    /// The whole listing.
    async fn finish(self) -> FtpResult<Listing> {
        let parser = match self {
            ParseAlong::Here(parser) => *parser,
            ParseAlong::Beside { chunks, parsed } => {
                drop(chunks);
                parsed
                    .await
                    .map_err(|e| FtpError::Protocol(format!("the listing's parser stopped: {e}")))?
            }
            ParseAlong::Moving => {
                return Err(FtpError::Protocol(
                    "the listing's parser was lost while moving to its thread".into(),
                ));
            }
        };
        Ok(parser.finish())
    }
}

/// Reads a data connection to its end, handing each chunk to `take` as it arrives, in the
/// buffers of `pool` (so a reader that keeps every buffer holds the reading up). Each read may
/// wait `idle` at most; more than `limit` bytes is an error, so an endless listing can't run
/// forever.
pub(crate) async fn read_chunks(
    stream: &mut (impl AsyncRead + Unpin),
    idle: std::time::Duration,
    limit: usize,
    pool: &mut ChunkPool,
    mut take: impl FnMut(ListingChunk),
) -> FtpResult<()> {
    let mut total = 0usize;
    loop {
        let mut buffer = pool.empty_buffer().await;
        match tokio::time::timeout(idle, stream.read_buf(&mut buffer)).await {
            Ok(Ok(0)) => return Ok(()),
            Ok(Ok(n)) => {
                total += n;
                if total > limit {
                    return Err(FtpError::Protocol(format!(
                        "the listing is larger than {} MiB; stopped reading",
                        limit / (1024 * 1024)
                    )));
                }
                take(pool.chunk(buffer));
            }
            Ok(Err(source)) => {
                return Err(FtpError::Io {
                    doing: "reading the data connection".into(),
                    source,
                });
            }
            Err(_) => {
                return Err(FtpError::Timeout {
                    doing: "waiting for data on the data connection".into(),
                    after: idle,
                });
            }
        }
    }
}
