//! `unico serve`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use super::Context;
use crate::web::{bind, ServeOptions};

/// Start the review web application on this machine.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080", env = "UNICO_ADDRESS")]
    address: String,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, default_value_t = 30)]
    idle_minutes: u64,
    /// Worker threads.
    #[arg(long, default_value_t = 4)]
    workers: usize,
}

pub(crate) fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let options = ServeOptions {
        address: args.address,
        idle_timeout: Duration::from_secs(args.idle_minutes.max(1) * 60),
        workers: args.workers,
    };
    let server = bind(context.data_dir.clone(), context.settings.clone(), &options)?;
    let address = server
        .local_address()
        .map_or(options.address.clone(), |a| a.to_string());
    let loopback = server.local_address().is_some_and(|a| a.ip().is_loopback());
    if !loopback {
        eprintln!(
            "aviso: {address} é acessível na rede e o Único não cifra a ligação (HTTP): ponha à frente um proxy com TLS"
        );
    }
    // The first line says where to connect (tests and scripts read it).
    println!("Único a servir em http://{address}/ (Ctrl+C para terminar)");
    std::io::stdout().flush()?;
    server.run()?;
    Ok(ExitCode::SUCCESS)
}
