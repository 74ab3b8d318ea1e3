//! The load scripts' own checks: `bench/customers.lua` (which `scripts/load` and
//! `scripts/bench-orders` run under wrk) counts failed answers. It printed `non200=0` against a
//! server answering 501 to everything, because wrk keeps each thread's counters in a Lua state
//! its summary cannot see. Here wrk runs it against tiny servers that fail in each way.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering every request with `status` and `body`,
/// for as long as the test runs.
fn answering(status: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream, status, body));
        }
    });
    format!("http://{addr}/graphql")
}

fn serve(stream: TcpStream, status: &str, body: &str) {
    let mut out = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut request_body = vec![0u8; length];
        if reader.read_exact(&mut request_body).is_err() {
            return;
        }
        let answer = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if out.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// wrk with the load script against `url` for a second: its RESULT fields.
fn load(url: &str) -> std::collections::HashMap<String, f64> {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("wrk")
        .args(["-t2", "-c4", "-d1s", "-s", "bench/customers.lua", url])
        .current_dir(&repo)
        .env("MERCATOR_LOAD_TOKEN", "mrc_test")
        .output()
        .expect("wrk (scripts/test installs it)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT line: {text}"));
    line.split_whitespace()
        .skip(1)
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.parse().unwrap()))
        .collect()
}

#[test]
fn the_load_script_counts_every_failed_answer() {
    let r = load(&answering("501 Not Implemented", "{}"));
    assert!(r["requests"] > 0.0, "{r:?}");
    assert_eq!(r["non200"], r["requests"], "every 501 counted: {r:?}");

    let r = load(&answering(
        "200 OK",
        r#"{"data":null,"errors":[{"message":"no"}]}"#,
    ));
    assert!(r["requests"] > 0.0, "{r:?}");
    assert_eq!(
        r["gql_errors"], r["requests"],
        "every GraphQL error counted: {r:?}"
    );
    assert_eq!(r["non200"], 0.0, "{r:?}");

    let r = load(&answering("200 OK", r#"{"data":{"customers":null}}"#));
    assert!(r["requests"] > 0.0, "{r:?}");
    assert_eq!(
        (r["non200"], r["gql_errors"], r["socket_errors"]),
        (0.0, 0.0, 0.0),
        "{r:?}"
    );
}
