//! Owner-only modes for the data directory and the files ironiam keeps in it.
//!
//! The database holds Argon2 hashes, password history and sealed secrets; with the
//! usual umask SQLite would create it (and its `-wal` and `-shm`, which take the
//! database's mode) as 0644 in a 0755 directory, readable by every local user. The
//! directory is made 0700 and every file ironiam writes there 0600, and a directory
//! or file found looser is tightened and reported, so the caller can warn.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files ironiam keeps in a data directory.
pub const DATA_FILES: &[&str] = &[
    super::DATABASE_FILE,
    "ironiam.sqlite3-wal",
    "ironiam.sqlite3-shm",
    "ironiam.sqlite3-journal",
    "master.key",
    "credentials",
    "audit.jsonl",
];

/// Creates `dir` as 0700 if missing, and makes it and ironiam's files in it
/// owner-only. Returns the paths whose modes were tightened.
///
/// # Errors
/// When the directory cannot be created or a mode cannot be changed.
pub fn secure_data_dir(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut tightened = Vec::new();
    create_dir(dir)?;
    if tighten(dir, 0o700)? {
        tightened.push(dir.to_owned());
    }
    for name in DATA_FILES {
        let path = dir.join(name);
        if path.is_file() && tighten(&path, 0o600)? {
            tightened.push(path);
        }
    }
    Ok(tightened)
}

/// Creates an empty owner-only file at `path` unless one exists, so that SQLite
/// opens it (and derives its journal's and WAL's modes from it) rather than creating
/// it with the process umask.
///
/// # Errors
/// When the file cannot be created.
pub fn precreate_private(path: &Path) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err),
    }
}

#[cfg(unix)]
fn create_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// Clears the group and other bits of `path` beyond `mode`; whether it changed.
#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> io::Result<bool> {
    use std::os::unix::fs::PermissionsExt as _;
    let current = fs::metadata(path)?.permissions().mode() & 0o7777;
    if current & 0o077 == 0 {
        return Ok(false);
    }
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(true)
}

#[cfg(not(unix))]
fn tighten(_: &Path, _: u32) -> io::Result<bool> {
    Ok(false)
}
