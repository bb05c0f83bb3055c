//! The listing parser's tests that span formats: real captures, every format FileZilla's own
//! parser test covers, and hostile input. (Each format's own unit tests sit in its file.)

mod corpus;
mod detection;
mod format_case;
mod hostile;
mod other_formats;
mod unix_formats;
