//! Passwords in the OS keyring: Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows (through keyring-core and one store per platform). Where there is none (a headless
//! Linux without Secret Service), saving says so and Ferry asks for the password when it
//! connects instead.
//!
//! Keyring calls can wait on another process (D-Bus): the window makes them off its thread.

use std::sync::OnceLock;

use super::secret::Secret;

/// The keyring service name Ferry's entries are filed under.
const SERVICE: &str = "ferry";

#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretError {
    /// No keyring on this system (or it refused us): the password can't be stored.
    #[error("no keyring is available ({0}); Ferry will ask for the password when connecting")]
    Unavailable(String),
    #[error("the keyring refused: {0}")]
    Failed(String),
}

static STORE: OnceLock<Result<(), String>> = OnceLock::new();

/// Sets up the platform's keyring once; the answer is remembered.
pub fn init() -> Result<(), SecretError> {
    STORE
        .get_or_init(|| {
            if keyring_core::get_default_store().is_some() {
                return Ok(());
            }
            platform_store()
                .map(keyring_core::set_default_store)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(SecretError::Unavailable)
}

#[cfg(all(unix, not(target_os = "macos")))]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(windows)]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(unix, windows)))]
fn platform_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    Err(keyring_core::Error::NoDefaultStore)
}

fn entry(key: &str) -> Result<keyring_core::Entry, SecretError> {
    init()?;
    keyring_core::Entry::new(SERVICE, key).map_err(classify)
}

fn classify(error: keyring_core::Error) -> SecretError {
    match error {
        keyring_core::Error::NoDefaultStore | keyring_core::Error::NoStorageAccess(_) => {
            SecretError::Unavailable(error.to_string())
        }
        other => SecretError::Failed(other.to_string()),
    }
}

/// Stores the password for a site (by the site's id).
pub fn save_password(key: &str, password: &Secret) -> Result<(), SecretError> {
    entry(key)?
        .set_password(password.expose())
        .map_err(classify)
}

/// The stored password, or `None` when there is none.
pub fn load_password(key: &str) -> Result<Option<Secret>, SecretError> {
    match entry(key)?.get_password() {
        Ok(password) => Ok(Some(Secret::new(password))),
        Err(keyring_core::Error::NoEntry) => Ok(None),
        Err(e) => Err(classify(e)),
    }
}

pub fn forget_password(key: &str) -> Result<(), SecretError> {
    match entry(key)?.delete_credential() {
        Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
        Err(e) => Err(classify(e)),
    }
}

/// Puts an in-memory keyring in place of the OS one (tests, and nothing else).
/// Installed once per process: tests running side by side share it, so one test's window does
/// not wipe the passwords another just saved.
pub fn use_memory_keyring() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        if let Ok(store) = keyring_core::mock::Store::new() {
            keyring_core::set_default_store(store);
        }
        let _ = STORE.set(Ok(()));
    });
}
