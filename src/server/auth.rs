//! Users and their passwords: a users file of `name:role:hash` lines, the hash a salted Argon2id
//! (PHC string), the role `admin` (reads and writes) or `reader` (reads only).

use std::path::Path;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// A user logged on.
#[derive(Debug, Clone)]
pub struct User {
    /// The name (empty when the server asks for no authentication).
    pub name: String,
    /// Whether the user may only read.
    pub read_only: bool,
}

impl User {
    /// ` as NAME (read only)` for the log.
    pub fn describe(&self) -> String {
        match (self.name.is_empty(), self.read_only) {
            (true, _) => " (no authentication)".into(),
            (false, false) => format!(" as {}", self.name),
            (false, true) => format!(" as {} (read only)", self.name),
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    read_only: bool,
    hash: String,
}

/// The users of a server.
#[derive(Debug, Clone, Default)]
pub struct Users(Vec<Entry>);

impl Users {
    /// Reads a users file; a line that is not `name:role:hash` is an error naming it.
    pub fn load(path: &Path) -> Result<Users, String> {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read the users file {}: {e}", path.display()))?;
        let mut users = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(3, ':');
            let (Some(name), Some(role), Some(hash)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(format!("{}:{}: expected name:role:hash", path.display(), i + 1));
            };
            let read_only = match role {
                "admin" => false,
                "reader" => true,
                other => {
                    return Err(format!("{}:{}: the role `{other}` is not admin or reader", path.display(), i + 1))
                }
            };
            if PasswordHash::new(hash).is_err() {
                return Err(format!("{}:{}: the password hash is not a PHC string", path.display(), i + 1));
            }
            users.push(Entry { name: name.to_string(), read_only, hash: hash.to_string() });
        }
        Ok(Users(users))
    }

    /// The user with these credentials, if they are right. Unknown names cost a hash too, so
    /// the time taken does not tell which names exist.
    pub fn check(&self, name: &str, password: &str) -> Option<User> {
        let entry = self.0.iter().find(|e| e.name == name);
        let hash = entry.map_or(DECOY, |e| e.hash.as_str());
        let ok =
            PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok());
        entry.filter(|_| ok).map(|e| User { name: e.name.clone(), read_only: e.read_only })
    }
}

/// A hash of no one's password, checked for unknown names.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2lsa2dyYXBoZGVjb3k$Zm9yIHVua25vd24gbmFtZXMgb25seSBub3QgYSByZWFs";

/// Adds a user to a users file (made if missing), or replaces the password and role of one.
pub fn add_user(path: &Path, name: &str, password: &str, read_only: bool) -> Result<(), String> {
    if name.is_empty() || name.contains([':', '\n', '\r']) {
        return Err("a user name is not empty and has no `:` or line break".into());
    }
    if password.is_empty() {
        return Err("the password is empty".into());
    }
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| format!("cannot hash the password: {e}"))?
        .to_string();
    let old = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut lines: Vec<String> =
        old.lines().filter(|l| l.split(':').next() != Some(name)).map(str::to_string).collect();
    lines.push(format!("{name}:{}:{hash}", if read_only { "reader" } else { "admin" }));
    let text = lines.join("\n") + "\n";
    crate::file::write_atomic(path, text.as_bytes(), true)?;
    // Only the owner reads the hashes.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_added_logs_on_with_the_password_and_no_other() {
        let dir = std::env::temp_dir().join(format!("silkgraph-users-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("users");
        add_user(&path, "ana", "s3cret", false).unwrap();
        add_user(&path, "bo", "pw", true).unwrap();
        add_user(&path, "ana", "new", false).unwrap();
        let users = Users::load(&path).unwrap();
        assert!(users.check("ana", "s3cret").is_none(), "the old password was replaced");
        assert!(!users.check("ana", "new").unwrap().read_only);
        assert!(users.check("bo", "pw").unwrap().read_only);
        assert!(users.check("nobody", "pw").is_none());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("s3cret") && !text.contains(":new") && text.contains("$argon2id$"));
        std::fs::write(&path, "ana:root:x\n").unwrap();
        assert!(Users::load(&path).unwrap_err().contains(":1: the role `root`"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
