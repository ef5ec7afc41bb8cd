//! Writing files so that a crash never leaves one half written: the atomic replace every save,
//! export, snapshot and log header goes through.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{FileError, FileProblem};

/// Writes a file atomically: a temporary file in the same directory, synced, then moved into
/// place. Without `force` an existing file is an error (and is left alone, even when it
/// appears meanwhile).
///
/// Only a regular file is ever replaced: a symbolic link is followed (its target is replaced,
/// the link stays), a device or a pipe is written through as it is (`-o /dev/stdout` works, and
/// `/dev/null` stays a device), a directory is an error. A replaced file keeps its permissions,
/// and a read-only one is refused. An existing file not to be replaced is `FileProblem::Exists`.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<(), FileError> {
    let shown = path.display();
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !force {
            return Err(FileError::exists(path));
        }
        if meta.file_type().is_symlink() {
            let target = std::fs::canonicalize(path)
                .map_err(|e| unusable(path, format!("{shown}: a link that leads nowhere ({e})")))?;
            if target.as_path() == path {
                return Err(unusable(path, format!("{shown}: a link that leads to itself")));
            }
            return write_atomic(&target, bytes, force);
        }
        if meta.is_dir() {
            return Err(unusable(path, format!("{shown} is a directory")));
        }
        if !meta.is_file() {
            // A device or a pipe: what is written goes to it, nothing replaces it.
            let mut f =
                std::fs::OpenOptions::new().write(true).open(path).map_err(|e| FileError::io(path, "write", &e))?;
            return f.write_all(bytes).and_then(|()| f.flush()).map_err(|e| FileError::io(path, "write", &e));
        }
        if meta.permissions().readonly() {
            return Err(unusable(path, format!("{shown} is read-only; make it writable to replace it")));
        }
        return replace(path, bytes, force, Some(meta.permissions()));
    }
    replace(path, bytes, force, None)
}

/// [`write_atomic`] of a regular file, or a new one: a temporary file beside it, given the old
/// one's permissions, synced, and moved into place (a hard link when nothing may be replaced).
fn replace(path: &Path, bytes: &[u8], force: bool, keep: Option<std::fs::Permissions>) -> Result<(), FileError> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| unusable(path, format!("{shown}: not a file name")))?
        .to_string_lossy()
        .to_string();
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
    let result = (|| -> Result<(), FileError> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| FileError::io(&dir, "write in", &e))?;
        let write = |e: std::io::Error| FileError::io(path, "write", &e);
        f.write_all(bytes).map_err(write)?;
        if let Some(p) = &keep {
            f.set_permissions(p.clone()).map_err(write)?;
        }
        f.sync_all().map_err(write)?;
        drop(f);
        if force {
            std::fs::rename(&tmp, path).map_err(write)
        } else {
            // A hard link fails when the target exists, so nothing is ever replaced.
            match std::fs::hard_link(&tmp, path) {
                Ok(()) => {
                    let _ = std::fs::remove_file(&tmp);
                    Ok(())
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(FileError::exists(path)),
                // File systems without hard links: check, then rename.
                Err(_) if !path.exists() => std::fs::rename(&tmp, path).map_err(write),
                Err(_) => Err(FileError::exists(path)),
            }
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        sync_dir(path);
    }
    result
}

/// `path` is not a file that can be written here.
fn unusable(path: &Path, message: String) -> FileError {
    FileError::new(FileProblem::Unusable, path, message)
}

/// Makes a rename in `path`'s directory durable (where the platform allows).
pub fn sync_dir(path: &Path) {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
