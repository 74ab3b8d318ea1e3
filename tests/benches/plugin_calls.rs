//! Per-call cost through the plugin ABI, with release builds of the example plugins.
//! Run with `scripts/bench-plugins` (it builds the plugins in release first).
//!
//! For each operation it reports the median over batches of:
//! - `abi call`: one call through the C ABI as the host makes it (encode the request, call,
//!   the plugin decodes, works, encodes, the host decodes the answer and frees the buffer);
//! - `messages only`: the same JSON encoding and decoding done in-process with no plugin
//!   (what the ABI adds besides the plugin's own work and the FFI call itself);
//! - `echo call`: a C plugin that does almost nothing, for the fixed cost of a call;
//! - `registry (async)`: the path core uses, which adds the move to the blocking pool.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::disallowed_methods,
    reason = "bench"
)]

use mercator_core::extension::loader::{self, PluginSpec};
use mercator_core::extension::messages::{
    InvoiceDocument, PromisingRequest, PromisingResponse, RenderInvoiceRequest,
};
use mercator_core::extension::registry::Registry;
use mercator_plugin_sdk::samples;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn release_dir() -> PathBuf {
    // target/release/deps/plugin_calls-… -> target/release
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

fn lib(name: &str) -> PathBuf {
    let p = release_dir().join(format!(
        "{}{name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    assert!(
        p.exists(),
        "{} missing: run scripts/bench-plugins",
        p.display()
    );
    p
}

fn spec(path: &Path) -> PluginSpec {
    PluginSpec {
        path: path.to_path_buf(),
        sha256: loader::sha256_hex(&std::fs::read(path).unwrap()),
        config: serde_json::json!({}),
    }
}

/// Median time per iteration over `batches` batches of `n`.
fn measure(name: &str, n: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..n {
        f();
    }
    let mut per: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed() / n
        })
        .collect();
    per.sort();
    let med = per[per.len() / 2];
    println!(
        "{name:<58} median {:>9.2} µs   (min {:.2}, max {:.2})",
        med.as_secs_f64() * 1e6,
        per[0].as_secs_f64() * 1e6,
        per[per.len() - 1].as_secs_f64() * 1e6
    );
    med
}

fn main() {
    let mut reg = Registry::builtin();
    for l in ["mercator_example_workday", "mercator_example_facturx"] {
        reg.add_plugin(loader::load(&spec(&lib(l)), Default::default()).unwrap())
            .unwrap();
    }
    let echo_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/abi_fixture.c");
    let dir = tempfile::tempdir().unwrap();
    let echo = dir.path().join("libecho.so");
    let ok = std::process::Command::new("cc")
        .args(["-std=c11", "-O2", "-shared", "-fPIC", "-I"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/sdk/include"))
        .arg("-o")
        .arg(&echo)
        .arg(&echo_src)
        .status()
        .unwrap();
    assert!(ok.success());
    reg.add_plugin(loader::load(&spec(&echo), Default::default()).unwrap())
        .unwrap();

    println!(
        "plugin ABI {}.{}, release build\n",
        loader::HOST_ABI.0,
        loader::HOST_ABI.1
    );

    // A small promising request: one line.
    let small = samples::promising_request("WORKDAY_CUTOFF", 1);
    let calc = reg.calculator("WORKDAY_CUTOFF").unwrap().imp.clone();
    let r = calc.promise(&small).unwrap();
    assert_eq!(r.lines.len(), 1);
    println!(
        "small promising request ({} bytes of JSON)",
        serde_json::to_vec(&small).unwrap().len()
    );
    let p_abi = measure("  abi call (WORKDAY_CUTOFF, 1 line)", 20_000, || {
        std::hint::black_box(calc.promise(&small).unwrap());
    });
    let resp = serde_json::to_vec(&r).unwrap();
    let p_msg = measure(
        "  messages only (encode + decode request and answer)",
        20_000,
        || {
            let mut b = Vec::with_capacity(16 * 1024);
            serde_json::to_writer(&mut b, &small).unwrap();
            let q: PromisingRequest =
                serde_json::from_str(std::str::from_utf8(&b).unwrap()).unwrap();
            let a = serde_json::to_vec(&r).unwrap();
            let back: PromisingResponse =
                serde_json::from_str(std::str::from_utf8(&resp).unwrap()).unwrap();
            std::hint::black_box((q, a, back));
        },
    );
    let echo_req = samples::promising_request("ECHO_C", 1);
    let echo_calc = reg.calculator("ECHO_C").unwrap().imp.clone();
    let p_echo = measure("  echo call (C plugin, 1 line)", 20_000, || {
        std::hint::black_box(echo_calc.promise(&echo_req).unwrap());
    });

    // A 50-line invoice rendered as Factur-X CII XML.
    let invoice = samples::invoice(50);
    let req = RenderInvoiceRequest {
        v: 1,
        format: "FACTURX_EN16931".into(),
        invoice,
    };
    let fmt = reg.invoice_format("FACTURX_EN16931").unwrap().imp.clone();
    let xml = fmt.render(&req).unwrap();
    println!(
        "\n50-line invoice ({} bytes of JSON in, {} bytes of XML out)",
        serde_json::to_vec(&req).unwrap().len(),
        xml.len()
    );
    let i_abi = measure("  abi call (FACTURX_EN16931, 50 lines)", 2_000, || {
        std::hint::black_box(fmt.render(&req).unwrap());
    });
    let i_msg = measure(
        "  messages only (encode + decode the invoice, copy the XML)",
        2_000,
        || {
            let mut b = Vec::with_capacity(16 * 1024);
            serde_json::to_writer(&mut b, &req).unwrap();
            let q: RenderInvoiceRequest =
                serde_json::from_str(std::str::from_utf8(&b).unwrap()).unwrap();
            std::hint::black_box((q, xml.to_vec()));
        },
    );
    let encoded = serde_json::to_vec(&req).unwrap();
    measure("    of which: encode the request (host)", 2_000, || {
        let mut b = Vec::with_capacity(16 * 1024);
        serde_json::to_writer(&mut b, &req).unwrap();
        std::hint::black_box(b);
    });
    measure(
        "    (decoding with from_slice instead, for comparison)",
        2_000,
        || {
            let q: RenderInvoiceRequest = serde_json::from_slice(&encoded).unwrap();
            std::hint::black_box(q);
        },
    );
    measure(
        "    of which: decode the request (one UTF-8 check, then from &str)",
        2_000,
        || {
            let t = std::str::from_utf8(&encoded).unwrap();
            let q: RenderInvoiceRequest = serde_json::from_str(t).unwrap();
            std::hint::black_box(q);
        },
    );
    measure(
        "    of which: copy the 57 KB answer out of the plugin's buffer",
        2_000,
        || {
            std::hint::black_box(xml.to_vec());
        },
    );
    let inv_only: &InvoiceDocument = &req.invoice;
    std::hint::black_box(inv_only);

    // The async path core uses: the registry moves plugin calls to the blocking pool.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let reg = std::sync::Arc::new(reg);
    println!();
    let r2 = reg.clone();
    let p_async = measure(
        "  registry (async, blocking pool): promising, 1 line",
        5_000,
        || {
            let r = r2.clone();
            let s = small.clone();
            rt.block_on(async move { std::hint::black_box(r.promise(s).await.unwrap()) });
        },
    );

    println!(
        "\nRESULT promising_abi_us={:.2} promising_messages_us={:.2} echo_us={:.2} invoice50_abi_us={:.2} invoice50_messages_us={:.2} promising_async_us={:.2}",
        p_abi.as_secs_f64() * 1e6,
        p_msg.as_secs_f64() * 1e6,
        p_echo.as_secs_f64() * 1e6,
        i_abi.as_secs_f64() * 1e6,
        i_msg.as_secs_f64() * 1e6,
        p_async.as_secs_f64() * 1e6
    );
}
