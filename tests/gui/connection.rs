//! The connection bar.

use egui_kittest::kittest::Queryable;

use crate::support::{PASSWORD, TestServer, USER};
use crate::window::*;

/// Issue 12, item 6: an address typed a key at a time (not pasted) is read once it is complete:
/// the scheme is not eaten, the port is the one typed, and an old password is not kept.
#[test]
fn a_typed_url_fills_the_form_once_complete() {
    let server = TestServer::start();
    let mut window = Window::open();
    window.type_into("Password:", "an old password");
    let url = format!("ftp://{USER}:{PASSWORD}@127.0.0.1:{}/Photos", server.port());
    window.type_slowly("Host:", &url);
    window.harness.get_by_label("Connect").click();
    wait_for_row(&mut window, "holiday-01.jpg", true);
    assert!(window.has_label("Current folder: /Photos"));
    let port = window.harness.get_by_label("Port:").value();
    assert_eq!(port.as_deref(), Some(server.port().to_string().as_str()));
    let host = window.harness.get_by_label("Host:").value();
    assert_eq!(host.as_deref(), Some("127.0.0.1"));
}
