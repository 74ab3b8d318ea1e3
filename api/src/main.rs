//! The `mercator` binary.

use clap::Parser;
use std::time::Duration;

/// The server allocates many small, short-lived objects per request (rows, values, response
/// nodes); mimalloc measured faster than glibc malloc under load here (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = mercator_api::cli::Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(mercator_api::cli::run(cli));
    // A plugin call that never returned still holds a blocking thread; dropping the runtime
    // would wait for it for ever. The server has already drained its requests (within
    // http.shutdown_grace_seconds), so give the rest a moment and go.
    rt.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
