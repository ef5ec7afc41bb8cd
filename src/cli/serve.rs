//! `silkgraph serve` and `silkgraph user add`: the command-line side of the Bolt server.

use std::io::{IsTerminal, Write};
use std::net::ToSocketAddrs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::{GraphSource, FAILED, OK, USAGE};
use crate::server;
use crate::session::{Session, Shared};

/// `silkgraph serve`'s options.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on; another address than this machine's needs --users or --no-auth
    #[arg(long, default_value = "127.0.0.1:7687", value_name = "HOST:PORT")]
    pub listen: String,
    /// Let in only the users of this file (made by `silkgraph user add`), with their passwords
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Let anyone in without a password, even on an address other machines reach
    #[arg(long, conflicts_with = "users")]
    pub no_auth: bool,
    /// TLS certificate chain (PEM), for bolt+s:// and neo4j+s://; needs --tls-key
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM); needs --tls-cert
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Most connections at once; more are refused with a transient error
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub max_connections: usize,
    /// Log every query (failed queries are always logged)
    #[arg(long)]
    pub log_queries: bool,
    /// Address and port of the browser app and the HTTP API (Neo4j's Query API); without it,
    /// 127.0.0.1:7474 when that port is free
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "no_http")]
    pub http: Option<String>,
    /// Serve no browser app or HTTP API
    #[arg(long)]
    pub no_http: bool,
    /// A directory of Markdown guides to show in the app beside the bundled ones
    #[arg(long, value_name = "DIR")]
    pub guides: Option<PathBuf>,
    /// Checkpoint the database in the background once its log passes this size
    #[arg(long, default_value = "64MiB", value_name = "SIZE")]
    pub checkpoint_after: String,
}

/// `silkgraph user ...`.
#[derive(Args, Debug, Clone)]
pub struct UserArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: UserAction,
}

/// What `silkgraph user` does.
#[derive(Subcommand, Debug, Clone)]
pub enum UserAction {
    /// Add a user (or set a user's password and role); the password is asked for, or read from
    /// standard input when it is not a terminal
    Add {
        /// The user's name
        name: String,
        /// The users file (made if it does not exist)
        #[arg(long, value_name = "FILE")]
        users: PathBuf,
        /// The user may only read
        #[arg(long)]
        reader: bool,
    },
}

/// `silkgraph user add NAME --users FILE [--reader]`.
pub fn user(args: &UserArgs) -> i32 {
    let UserAction::Add { name, users, reader } = &args.action;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: "));
        let again = rpassword::prompt_password("Again: ");
        match (first, again) {
            (Ok(a), Ok(b)) if a == b => a,
            (Ok(_), Ok(_)) => {
                eprintln!("error: the two passwords differ; nothing was changed");
                return FAILED;
            }
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("error: cannot read the password: {e}");
                return FAILED;
            }
        }
    } else {
        let mut line = String::new();
        if let Err(e) = std::io::stdin().read_line(&mut line) {
            eprintln!("error: cannot read the password from standard input: {e}");
            return FAILED;
        }
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    match server::auth::add_user(users, name, &password, *reader) {
        Ok(()) => {
            eprintln!(
                "{name} can log on ({}); {} holds the users",
                if *reader { "reads only" } else { "reads and writes" },
                users.display()
            );
            OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            FAILED
        }
    }
}

/// The name a served graph goes by: a database's file stem, a bundled graph's name.
fn served_name(src: &GraphSource) -> String {
    match &src.graph {
        _ if src.empty => "memory".into(),
        None => crate::graphs::BUNDLED[0].0.to_string(),
        Some(spec) => std::path::Path::new(spec)
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty() && *s != server::DEFAULT_DB)
            .unwrap_or("graph")
            .to_string(),
    }
}

/// The browser's listener: `--http`'s address (an error if it cannot be had), else
/// 127.0.0.1:7474 when free (a note when not), none with `--no-http`.
fn http_listener(args: &ServeArgs, users: bool) -> Result<Option<std::net::TcpListener>, i32> {
    if args.no_http {
        return Ok(None);
    }
    let Some(spec) = &args.http else {
        return Ok(match std::net::TcpListener::bind("127.0.0.1:7474") {
            Ok(l) => Some(l),
            Err(e) => {
                eprintln!(
                    "note: no browser app: 127.0.0.1:7474 is not free ({e}); give --http HOST:PORT for another port"
                );
                None
            }
        });
    };
    let addr = match spec.to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(a)) => a,
        Ok(None) | Err(_) => {
            eprintln!("error: --http {spec}: not an address and port (such as 127.0.0.1:7474)");
            return Err(USAGE);
        }
    };
    if !server::is_loopback(&addr) && !users && !args.no_auth {
        eprintln!(
            "error: --http {addr} lets other machines in: give --users FILE (see silkgraph user add) or, to let anyone in, --no-auth"
        );
        return Err(USAGE);
    }
    std::net::TcpListener::bind(addr).map(Some).map_err(|e| {
        eprintln!("error: cannot listen on {addr} for the browser: {e}");
        FAILED
    })
}

/// `silkgraph serve`: serves the session's graph until SIGTERM or Ctrl-C.
pub fn serve(mut session: Session, src: &GraphSource, args: &ServeArgs) -> i32 {
    let addr = match args.listen.to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(a)) => a,
        Ok(None) | Err(_) => {
            eprintln!("error: --listen {}: not an address and port (such as 127.0.0.1:7687)", args.listen);
            return USAGE;
        }
    };
    if !server::is_loopback(&addr) && args.users.is_none() && !args.no_auth {
        eprintln!(
            "error: --listen {addr} lets other machines in: give --users FILE (see silkgraph user add) or, to let anyone in, --no-auth"
        );
        return USAGE;
    }
    let users = match &args.users {
        Some(p) => match server::auth::Users::load(p) {
            Ok(u) => Some(u),
            Err(e) => {
                eprintln!("error: {e}");
                return FAILED;
            }
        },
        None => None,
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => match server::tls_config(c, k) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("error: {e}");
                return FAILED;
            }
        },
        _ => None,
    };
    let mut db = session.db.take();
    match crate::exec::parse_bytes(&args.checkpoint_after) {
        Some(bytes) => {
            if let Some(db) = db.as_mut() {
                db.checkpoint_after(bytes);
            }
        }
        None => {
            eprintln!("error: --checkpoint-after takes a size such as 64MiB, not `{}`", args.checkpoint_after);
            return FAILED;
        }
    }
    // A graph that is not a database has nowhere to keep writes: it is served read-only, except
    // an empty one (`--empty`), which is a scratch graph in memory.
    let read_only = src.read_only || (db.is_none() && !src.empty);
    let name = served_name(src);
    // Clients share the graph through copies of it: its relationships are decoded once, now.
    if let Err(e) = session.graph.decode_all() {
        eprintln!("error: {e}");
        return FAILED;
    }
    let shared = Shared::new(std::mem::take(&mut session.graph), db, read_only);
    let listener = match std::net::TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return FAILED;
        }
    };
    let http = match http_listener(args, users.is_some()) {
        Ok(h) => h,
        Err(code) => return code,
    };
    if let Some(dir) = &args.guides {
        if !dir.is_dir() {
            eprintln!("error: --guides {}: not a directory", dir.display());
            return USAGE;
        }
        crate::web::guides::add_dir(dir.clone());
    }
    let local = listener.local_addr().unwrap_or(addr);
    let s = if tls.is_some() { "+s" } else { "" };
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "silkgraph serve: bolt{s}://{local} (or neo4j{s}://{local}), database `{name}` (also `neo4j`){}{}",
        if read_only { ", read-only" } else { "" },
        if users.is_some() { ", users from the users file" } else { ", no authentication" },
    );
    if let Some(h) = &http {
        if let Ok(a) = h.local_addr() {
            let _ = writeln!(
                out,
                "silkgraph serve: the browser at http{s}://{a}/ (Neo4j's Query API: POST /db/{name}/query/v2)"
            );
        }
    }
    let _ = out.flush();
    if !read_only && src.empty {
        eprintln!("note: the graph is in memory: what clients write is gone when the server stops");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let opts = server::Options {
        name,
        users,
        tls,
        max_connections: args.max_connections.max(1),
        log_queries: args.log_queries,
        limits: session.control.limits,
        timeout: session.timeout,
        import_dir: session.control.import_dir.clone(),
        http: http.map(|l| (l, crate::web::serve_connection as server::HttpHandler)),
    };
    match server::serve(listener, shared, opts, stop) {
        Ok(()) => {
            eprintln!("silkgraph serve: stopped");
            OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            FAILED
        }
    }
}
