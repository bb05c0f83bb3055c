//! A misbehaving FTP server of our own, for what real servers won't do on request: never greet,
//! hang up mid-login, send 421, send a huge or non-UTF-8 greeting, quote other reply codes inside
//! a multi-line reply. It answers one connection by a script and never waits longer than
//! `READ_LIMIT` for the client.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

const READ_LIMIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub enum Step {
    /// Send these bytes as they are.
    Send(Vec<u8>),
    /// Read one command line and check it starts with this (case-insensitive).
    Expect(&'static str),
    /// Read one command line, whatever it is, and send this reply.
    Reply(Vec<u8>),
    /// Close the connection.
    Close,
    /// Keep the connection open, silent, until the client goes away.
    Silence,
}

pub fn send(text: &str) -> Step {
    Step::Send(text.as_bytes().to_vec())
}

pub fn reply(text: &str) -> Step {
    Step::Reply(text.as_bytes().to_vec())
}

/// The replies of a plain successful login, after the greeting: USER, PASS, SYST, FEAT, then PWD
/// answered with `pwd_reply`.
pub fn login_steps(pwd_reply: &[u8]) -> Vec<Step> {
    vec![
        Step::Expect("USER"),
        send("331 Password please\r\n"),
        Step::Expect("PASS"),
        send("230 Welcome aboard\r\n"),
        Step::Expect("SYST"),
        send("215 UNIX Type: L8\r\n"),
        Step::Expect("FEAT"),
        send("211-Features:\r\n EPSV\r\n211 End\r\n"),
        Step::Expect("PWD"),
        Step::Send(pwd_reply.to_vec()),
    ]
}

pub struct ScriptedServer {
    pub port: u16,
    thread: Option<JoinHandle<Result<Vec<String>, String>>>,
}

impl ScriptedServer {
    pub fn start(script: Vec<Step>) -> Self {
        Self::start_each(vec![script])
    }

    /// One script per connection, in the order the connections come.
    pub fn start_each(scripts: Vec<Vec<Step>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let thread = std::thread::spawn(move || {
            let mut commands = Vec::new();
            for script in scripts {
                let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
                commands.extend(run(stream, script)?);
            }
            Ok(commands)
        });
        Self {
            port,
            thread: Some(thread),
        }
    }

    /// The commands the client sent, once the script has finished.
    pub fn finish(mut self) -> Vec<String> {
        let thread = self.thread.take().expect("thread");
        match thread.join() {
            Ok(Ok(commands)) => commands,
            Ok(Err(e)) => panic!("scripted server: {e}"),
            Err(_) => panic!("scripted server panicked"),
        }
    }
}

fn run(stream: TcpStream, script: Vec<Step>) -> Result<Vec<String>, String> {
    stream
        .set_read_timeout(Some(READ_LIMIT))
        .map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut commands = Vec::new();
    let mut read_command = |reader: &mut BufReader<TcpStream>| -> Result<String, String> {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => Err("the client closed the connection".into()),
            Ok(_) => {
                let line = line.trim_end().to_owned();
                commands.push(line.clone());
                Ok(line)
            }
            Err(e) => Err(format!("reading a command: {e}")),
        }
    };
    for step in script {
        match step {
            Step::Send(bytes) => writer.write_all(&bytes).map_err(|e| e.to_string())?,
            Step::Expect(prefix) => {
                let line = read_command(&mut reader)?;
                if !line.to_ascii_uppercase().starts_with(prefix) {
                    return Err(format!("expected {prefix}, got {line:?}"));
                }
            }
            Step::Reply(bytes) => {
                read_command(&mut reader)?;
                writer.write_all(&bytes).map_err(|e| e.to_string())?;
            }
            Step::Close => return Ok(commands),
            Step::Silence => {
                // Read (and drop) until the client hangs up or the read limit passes.
                while read_command(&mut reader).is_ok() {}
                return Ok(commands);
            }
        }
    }
    Ok(commands)
}
