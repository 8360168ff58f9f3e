//! The `chanjiao` binary: `serve`, `migrate`, `admin` (`init`, `create-user`, `grant-role`),
//! `demo`, `audit verify`, `export`, `review`.

mod admin;
mod demo;
mod review;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chanjiao_server::config::{Overrides, Settings};
use clap::{Args, Parser, Subcommand};

/// mimalloc, not the system allocator: typesetting a PDF and serving a request both make many
/// small, short-lived allocations (glibc malloc was ≈ 10 % of a render's CPU).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "chanjiao",
    version,
    about = "产教 Chanjiao — 专精特新产业学院管理平台"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes.
#[derive(Args, Clone)]
struct Global {
    /// Data directory (embedded database, files, chanjiao.toml).
    #[arg(long, global = true, env = "CHANJIAO_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); without it the embedded SQLite database is used.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Configuration file (default: <data-dir>/chanjiao.toml).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates first).
    Serve {
        /// Address to listen on.
        #[arg(long)]
        addr: Option<String>,
        /// Load the demo programme first.
        #[arg(long)]
        demo: bool,
    },
    /// Run database migrations and exit.
    Migrate,
    /// Load the demo programme and print its logins.
    Demo,
    /// Account administration.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Official documents.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Expert review: the assigner's benchmark.
    #[command(subcommand)]
    Review(review::ReviewCommand),
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The printed 申报书 of an application (latest submitted version, or the draft).
    Application {
        /// The application's id.
        id: i64,
        /// pdf or docx.
        #[arg(long, default_value = "pdf")]
        format: String,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// A submitted version (default: the latest).
        #[arg(long)]
        version: Option<i32>,
        /// The public address printed in the QR code's verification link.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        origin: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits non-zero naming the first bad entry.
    Verify,
}

fn settings(g: &Global, addr: Option<String>) -> Result<Settings> {
    let o = Overrides {
        addr,
        data_dir: g.data_dir.clone(),
        database_url: g.database_url.clone(),
    };
    Settings::load(g.config.as_deref(), &o).map_err(|e| anyhow::anyhow!("configuration: {e}"))
}

async fn open(s: &Settings) -> Result<chanjiao_store::Db> {
    s.open_db()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("opening the database")
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CHANJIAO_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve { addr, demo } => {
            let s = settings(&cli.global, addr)?;
            let db = open(&s).await?;
            if demo {
                demo::load(&db).await?;
            }
            let listener = tokio::net::TcpListener::bind(&s.addr)
                .await
                .with_context(|| format!("binding {}", s.addr))?;
            let local = listener.local_addr()?;
            tracing::info!(
                backend = db.backend(),
                "Chanjiao listening on http://{local}"
            );
            eprintln!(
                "Chanjiao (产教) is running at http://{local}  ({} database)",
                db.backend()
            );
            let state = chanjiao_server::AppState::new(db.clone(), s);
            chanjiao_server::serve_on(listener, state, shutdown_signal()).await?;
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let s = settings(&cli.global, None)?;
            let db = open(&s).await?;
            println!("migrations applied ({})", db.backend());
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let s = settings(&cli.global, None)?;
            let db = open(&s).await?;
            demo::load(&db).await?;
            chanjiao_store::audit::chain_pending(&db).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin(cmd) => {
            let s = settings(&cli.global, None)?;
            let db = open(&s).await?;
            let code = admin::run(&db, &s, cmd).await;
            chanjiao_store::audit::chain_pending(&db).await?;
            code
        }
        Command::Export(ExportCommand::Application {
            id,
            format,
            out,
            version,
            origin,
        }) => {
            let s = settings(&cli.global, None)?;
            let db = open(&s).await?;
            let format = chanjiao_server::print::Format::parse(&format)
                .context("--format must be pdf or docx")?;
            let printed =
                chanjiao_server::print::print_application(&db, id, version, format, &origin)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
            std::fs::write(&out, &printed.bytes)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "wrote {} ({} bytes, {})",
                out.display(),
                printed.bytes.len(),
                printed.filename
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Review(cmd) => review::run(cmd),
        Command::Audit(AuditCommand::Verify) => {
            let s = settings(&cli.global, None)?;
            let db = open(&s).await?;
            let v = chanjiao_store::audit::verify(&db).await?;
            if v.ok {
                println!("audit log intact: {} events verified", v.checked);
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "audit log BROKEN at event {}: {} ({} events verified before it)",
                    v.first_bad_id.unwrap_or_default(),
                    v.reason.unwrap_or_default(),
                    v.checked
                );
                Ok(ExitCode::from(2))
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
