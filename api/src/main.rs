//! The `mercator` binary.

use clap::Parser;

/// The server allocates many small, short-lived objects per request (rows, values, response
/// nodes); mimalloc measured faster than glibc malloc under load here (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = mercator_api::cli::Cli::parse();
    match mercator_api::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
