//! What can go wrong talking to a server, worded for the person who reads it.

use std::net::SocketAddr;
use std::time::Duration;

use super::api::certificate::CertificateInfo;
use super::api::event::{Failure, FailureKind};
use crate::protocol::command::CommandError;
use crate::protocol::reply::Reply;

#[derive(Debug, thiserror::Error)]
pub enum FtpError {
    #[error("could not find the host {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("{addr} refused the connection (is an FTP server running there?)")]
    Refused { addr: SocketAddr },
    #[error("could not connect to {addr}: {source}")]
    Connect {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("could not open the data connection to {addr}: {reason}")]
    DataConnect { addr: SocketAddr, reason: String },
    #[error("timed out after {} s {doing}", .after.as_secs())]
    Timeout { doing: String, after: Duration },
    #[error("the server closed the connection {doing}")]
    Closed { doing: String },
    /// A negative reply (or an unexpected one): shown as the server worded it,
    /// e.g. `530 Login incorrect.`
    #[error("{0}")]
    Reply(Box<Reply>),
    /// A line that is not a reply (no code, a code out of range): that command fails, and the
    /// session goes on.
    #[error("the server's answer to {doing} is not an FTP reply")]
    BadReply { doing: String },
    #[error("{0}")]
    Protocol(String),
    /// Ferry did not send the command: it would have lost someone's bytes (a rename onto a name
    /// that is taken). The session goes on.
    #[error("{0}")]
    Declined(String),
    #[error("{doing}: {source}")]
    Io {
        doing: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Command(#[from] CommandError),
    /// The server's certificate could not be verified (or changed): the person decides.
    #[error("the server's certificate is not trusted: {}", .0.problem)]
    Untrusted(Box<CertificateInfo>),
}

impl FtpError {
    pub fn reply(reply: Reply) -> Self {
        Self::Reply(Box::new(reply))
    }

    pub fn reply_code(&self) -> Option<u16> {
        match self {
            Self::Reply(reply) => Some(reply.code),
            _ => None,
        }
    }

    /// After a fatal error the control connection is gone or out of step and must be dropped;
    /// after any other (a refused command), the session goes on.
    pub fn is_fatal(&self) -> bool {
        match self {
            Self::Reply(reply) => reply.code == 421,
            Self::Command(_)
            | Self::Declined(_)
            | Self::DataConnect { .. }
            | Self::BadReply { .. } => false,
            _ => true,
        }
    }

    /// The connection went away under a working session (the server's 421, a reset, a silent
    /// peer): logging in again is worth trying. Refusals and garbled replies are not that.
    pub fn is_connection_lost(&self) -> bool {
        match self {
            Self::Reply(reply) => reply.code == 421,
            Self::Closed { .. } | Self::Io { .. } | Self::Timeout { .. } => true,
            _ => false,
        }
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }
}

pub type FtpResult<T> = Result<T, FtpError>;

impl From<&FtpError> for Failure {
    fn from(error: &FtpError) -> Self {
        let kind = match error {
            FtpError::Resolve { .. } | FtpError::Refused { .. } | FtpError::Connect { .. } => {
                FailureKind::Connect
            }
            FtpError::Timeout { .. } => FailureKind::Timeout,
            FtpError::Reply(reply) if reply.code == 530 => FailureKind::Login,
            FtpError::Reply(reply) if reply.code != 421 => FailureKind::Remote,
            FtpError::Command(_) | FtpError::Declined(_) => FailureKind::Remote,
            FtpError::Untrusted(_) => FailureKind::Certificate,
            _ => FailureKind::Protocol,
        };
        Self {
            kind,
            message: error.to_string(),
            code: error.reply_code(),
            certificate: match error {
                FtpError::Untrusted(info) => Some(info.clone()),
                _ => None,
            },
        }
    }
}
