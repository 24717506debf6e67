//! `unmask user`, `unmask token` and `unmask audit`: manage the server's accounts and
//! API tokens, and read the audit log. Secrets (one-time passwords, tokens) are printed
//! once and stored only as hashes. Every change made here is itself audited, with the
//! operating-system user as the actor and `cli` as the source.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use unmask_server::accounts::{self, Role};
use unmask_server::audit;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a one-time password (there is no default password).
    Add {
        name: String,
        /// viewer (reads cases), analyst (works cases, ingests), admin (manages users).
        #[arg(long, default_value = "viewer")]
        role: String,
    },
    /// Replace a user's password with a new one-time password and end their sessions.
    Reset { name: String },
    /// Change a user's role (the last enabled admin keeps it).
    Role {
        name: String,
        /// viewer, analyst or admin.
        role: String,
    },
    /// Disable a user: their sessions end and their tokens are refused at once (the
    /// last enabled admin cannot be disabled).
    Disable { name: String },
    /// Enable a disabled user again.
    Enable { name: String },
    /// List users: role, created, last sign-in, state, live tokens.
    List,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue an API token for a user; it is printed once.
    Add {
        user: String,
        #[arg(long, default_value = "api")]
        label: String,
    },
    /// Revoke a token by id (see `unmask token list`).
    Revoke { id: i64 },
    /// List tokens (never their secrets).
    List,
}

#[derive(Args)]
pub struct AuditArgs {
    /// Entries at or after this time (RFC 3339 or a prefix such as 2026-11-25).
    #[arg(long)]
    since: Option<String>,
    /// Only this actor's entries.
    #[arg(long)]
    actor: Option<String>,
    #[arg(long, default_value_t = 100_000)]
    limit: usize,
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
}

/// The actor recorded for changes made from the command line.
pub fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".to_string());
    format!("cli:{user}")
}

pub fn user(data_dir: &Path, command: UserCommand) -> anyhow::Result<ExitCode> {
    let store = crate::open(data_dir)?;
    let conn = store.conn();
    match command {
        UserCommand::Add { name, role } => {
            let role = Role::parse(&role)?;
            let (user, password) = accounts::add_user(conn, &name, role)?;
            audit::append(
                conn,
                &cli_actor(),
                "user.add",
                &user.name,
                role.as_str(),
                "cli",
            )?;
            println!("created {} ({})", user.name, role.as_str());
            println!("one-time password: {password}");
            println!(
                "(shown once; `unmask user reset {}` issues a new one)",
                user.name
            );
        }
        UserCommand::Reset { name } => {
            let password = accounts::reset_password(conn, &name)?;
            audit::append(conn, &cli_actor(), "user.reset", &name, "", "cli")?;
            println!("one-time password for {name}: {password}");
        }
        UserCommand::Role { name, role } => {
            let role = Role::parse(&role)?;
            let before = accounts::set_role(conn, &name, role)?;
            audit::append(
                conn,
                &cli_actor(),
                "user.role",
                &format!("user:{name}"),
                &format!("{} -> {}", before.as_str(), role.as_str()),
                "cli",
            )?;
            println!("{name}: {} -> {}", before.as_str(), role.as_str());
        }
        UserCommand::Disable { name } => {
            accounts::set_disabled(conn, &name, true)?;
            audit::append(
                conn,
                &cli_actor(),
                "user.disable",
                &format!("user:{name}"),
                "",
                "cli",
            )?;
            println!("{name}: disabled (sessions ended, tokens refused)");
        }
        UserCommand::Enable { name } => {
            accounts::set_disabled(conn, &name, false)?;
            audit::append(
                conn,
                &cli_actor(),
                "user.enable",
                &format!("user:{name}"),
                "",
                "cli",
            )?;
            println!("{name}: enabled");
        }
        UserCommand::List => {
            for user in accounts::user_list(conn)? {
                println!(
                    "{:<24} {:<8} {:<8} created {}  last sign-in {}  tokens {}",
                    user.name,
                    user.role,
                    if user.disabled { "disabled" } else { "active" },
                    user.created_at,
                    user.last_sign_in.as_deref().unwrap_or("never"),
                    user.active_tokens
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn token(data_dir: &Path, command: TokenCommand) -> anyhow::Result<ExitCode> {
    let store = crate::open(data_dir)?;
    let conn = store.conn();
    match command {
        TokenCommand::Add { user, label } => {
            let (id, secret) = accounts::add_token(conn, &user, &label)?;
            audit::append(
                conn,
                &cli_actor(),
                "token.add",
                &format!("token:{id}"),
                &user,
                "cli",
            )?;
            println!("token {id} for {user}: {secret}");
            println!("(shown once; send it as `Authorization: Bearer <token>`)");
        }
        TokenCommand::Revoke { id } => {
            accounts::revoke_token(conn, id)?;
            audit::append(
                conn,
                &cli_actor(),
                "token.revoke",
                &format!("token:{id}"),
                "",
                "cli",
            )?;
            println!("revoked token {id}");
        }
        TokenCommand::List => {
            for token in accounts::tokens(conn)? {
                println!(
                    "{:>4}  {:<20} {:<16} {}  {}",
                    token.id,
                    token.user,
                    token.label,
                    token.created_at,
                    token
                        .revoked_at
                        .map_or("active".to_string(), |at| format!("revoked {at}"))
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn audit_log(data_dir: &Path, args: AuditArgs) -> anyhow::Result<ExitCode> {
    let store = crate::open(data_dir)?;
    let entries = audit::entries(
        store.conn(),
        args.since.as_deref(),
        args.actor.as_deref(),
        args.limit,
    )?;
    for entry in &entries {
        if args.json {
            println!("{}", serde_json::to_string(entry)?);
        } else {
            println!(
                "{}  {:<16} {:<22} {:<36} {}  [{}]",
                entry.at, entry.actor, entry.action, entry.target, entry.detail, entry.source
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `unmask report --format json|stix|ftm`: one export per case, audited.
pub fn export(
    store: &unmask_store::Store,
    details: &[unmask_report::CaseDetail],
    format: &str,
) -> anyhow::Result<String> {
    let mut out = String::new();
    for detail in details {
        let text = match format {
            "json" => serde_json::to_string_pretty(detail)? + "\n",
            "stix" => unmask_server::exports::stix_bundle(store, detail)? + "\n",
            "ftm" => unmask_server::exports::ftm_lines(store, detail)?,
            other => anyhow::bail!("unknown format {other:?}: html, pdf, json, stix or ftm"),
        };
        out.push_str(&text);
    }
    audit_exports(store, details, format)?;
    Ok(out)
}

/// Records an export of each case in the audit log.
pub fn audit_exports(
    store: &unmask_store::Store,
    details: &[unmask_report::CaseDetail],
    format: &str,
) -> anyhow::Result<()> {
    for detail in details {
        audit::append(
            store.conn(),
            &cli_actor(),
            &format!("export.{format}"),
            &format!("case:{}", detail.id),
            "",
            "cli",
        )?;
    }
    Ok(())
}
