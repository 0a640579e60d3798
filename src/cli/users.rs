//! `unico users add|list|disable|enable|passwd`: the people who use Único. Run by the server's
//! operator, audited under the operating-system account.

use std::io::Read;
use std::process::ExitCode;

use super::{system_actor, Context};
use crate::access::{hash_password, Profile, User};
use crate::error::UserError;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a user with a profile and the institutions they work on.
    Add(AddArgs),
    /// List the users.
    List,
    /// Disable a user: they can no longer do anything.
    Disable {
        /// Username.
        username: String,
    },
    /// Enable a disabled user again.
    Enable {
        /// Username.
        username: String,
    },
    /// Set a user's password (for the web UI), read from standard input.
    Passwd {
        /// Username.
        username: String,
    },
}

/// Add a user.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Username (login).
    username: String,
    /// Full name.
    #[arg(long)]
    name: String,
    /// Profile: supervisor, administrativo, consulta, contratualizacao, resolucao_duplicados
    /// (Manutenção Utente / Resolução de Duplicados), hospital_consulta, hospital_edicao,
    /// centro_suporte (national scope). Names as in WebRNU are accepted too.
    #[arg(long)]
    profile: String,
    /// Institution codes (health units), comma-separated or repeated. Not needed for
    /// centro_suporte.
    #[arg(long = "institution", value_delimiter = ',')]
    institutions: Vec<String>,
    /// Read a password from standard input (first line) and store its Argon2id hash.
    #[arg(long)]
    password_stdin: bool,
}

fn read_password() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let password = input.lines().next().unwrap_or_default().to_string();
    if password.chars().count() < 8 {
        return Err(UserError::Invalid("the password must have at least 8 characters".into()).into());
    }
    Ok(password)
}

pub(crate) fn run(context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    let mut store = context.data_dir.open_store()?;
    let operator = system_actor();
    let done = match command {
        Command::Add(args) => {
            let profile = Profile::parse(&args.profile).ok_or_else(|| {
                let known: Vec<&str> = Profile::ALL.iter().map(|p| p.code()).collect();
                UserError::Invalid(format!(
                    "unknown profile {:?}: one of {}",
                    args.profile,
                    known.join(", ")
                ))
            })?;
            let institutions: Vec<String> = args
                .institutions
                .iter()
                .map(|i| i.trim().to_string())
                .filter(|i| !i.is_empty())
                .collect();
            if institutions.is_empty() && !profile.national() {
                return Err(UserError::Invalid(format!(
                    "the profile {profile} works on institutions: give --institution CODE"
                ))
                .into());
            }
            let user = User {
                username: args.username.clone(),
                full_name: args.name,
                profile,
                institutions,
                disabled: false,
            };
            let hash = if args.password_stdin {
                Some(hash_password(&read_password()?)?)
            } else {
                None
            };
            store.add_user(&operator, &user, hash.as_deref())?;
            format!(
                "user {} added: {}, institutions {}",
                user.username,
                profile.code(),
                user.institutions.join(",")
            )
        }
        Command::List => {
            println!("{:<16} {:<44} {:<24} name", "username", "profile", "institutions");
            for user in store.users()? {
                println!(
                    "{:<16} {:<44} {:<24} {}{}",
                    user.username,
                    user.profile.label(),
                    if user.profile.national() {
                        "(todas)".to_string()
                    } else {
                        user.institutions.join(",")
                    },
                    user.full_name,
                    if user.disabled { "  [desativado]" } else { "" }
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        Command::Disable { username } => {
            store.set_user_disabled(&operator, &username, true)?;
            format!("user {username} disabled")
        }
        Command::Enable { username } => {
            store.set_user_disabled(&operator, &username, false)?;
            format!("user {username} enabled")
        }
        Command::Passwd { username } => {
            store.set_user_password(&operator, &username, &hash_password(&read_password()?)?)?;
            format!("user {username}: password set")
        }
    };
    if !context.quiet {
        println!("{done}");
    }
    Ok(ExitCode::SUCCESS)
}
