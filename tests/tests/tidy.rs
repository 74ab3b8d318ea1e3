//! Tidy: the code base's own invariants, checked by `cargo test` (not only by CI scripts).
//! - dependency direction: the plugin SDK and the example plugins depend on nothing of the
//!   server, core never on the GraphQL or HTTP layer (ARCHITECTURE.md);
//! - core's modules import one way (no module imports a module that imports it back);
//! - every `ErrorCode` of the schema is in docs/api.md's table of error codes, and the table
//!   names no other;
//! - every `allow` of a lint gives its reason.
//!
//! That every migration file is listed is checked next to the list
//! (`mercator_core::migration::tests`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every package `pkg` depends on, directly or not, through normal (non-dev, non-build)
/// dependencies, on this platform (`cargo tree`, which needs no other platform's packages).
fn normal_dependencies(pkg: &str) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree", "-p", pkg, "-e", "normal", "--prefix", "none", "--locked",
        ])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree -p {pkg}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn dependencies_point_one_way() {
    let forbid = |pkg: &str, bad: &[&str]| {
        let d = normal_dependencies(pkg);
        assert!(d.len() > 1, "{pkg}: {d:?}");
        let broken: Vec<&&str> = bad.iter().filter(|b| d.contains(**b)).collect();
        assert!(
            broken.is_empty(),
            "dependency direction broken: {pkg} depends on {broken:?}"
        );
    };
    let server = [
        "mercator-core",
        "mercator-api",
        "sea-orm",
        "poem",
        "async-graphql",
        "tokio",
    ];
    forbid("mercator-plugin-sdk", &server);
    forbid(
        "mercator-core",
        &[
            "async-graphql",
            "poem",
            "async-graphql-poem",
            "mercator-api",
        ],
    );
    // The example plugins are what partners copy: the SDK only. Every member of
    // plugins/examples and plugins/fixtures is checked.
    let mut plugins = Vec::new();
    for dir in ["plugins/examples", "plugins/fixtures"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            let manifest = e.unwrap().path().join("Cargo.toml");
            if let Ok(text) = std::fs::read_to_string(&manifest) {
                let name = text
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("name = "))
                    .map(|n| n.trim_matches('"').to_owned())
                    .unwrap();
                plugins.push(name);
            }
        }
    }
    assert!(plugins.len() >= 5, "{plugins:?}");
    for p in &plugins {
        forbid(p, &server);
    }
}

#[test]
fn the_documented_error_codes_are_the_schemas() {
    let schema = std::fs::read_to_string(repo().join("schema.graphql")).unwrap();
    let start = schema.find("enum ErrorCode {").expect("enum ErrorCode");
    let body = &schema[start..];
    let body = &body[..body.find('}').unwrap()];
    let in_schema: BTreeSet<String> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .map(str::to_owned)
        .collect();
    assert!(in_schema.len() > 20, "{in_schema:?}");

    let api = std::fs::read_to_string(repo().join("docs/api.md")).unwrap();
    let section = api
        .split("\n## ")
        .find(|s| s.starts_with("Error codes"))
        .expect("docs/api.md has a section \"Error codes\"");
    let mut documented = BTreeSet::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let first = row.split('|').nth(1).unwrap();
        for code in first.split('/') {
            documented.insert(code.trim().trim_matches('`').to_owned());
        }
    }
    let missing: Vec<_> = in_schema.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&in_schema).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "docs/api.md's error codes differ from ErrorCode: not documented {missing:?}, not in the schema {unknown:?}"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_allowed_lint_says_why() {
    let mut files = Vec::new();
    for dir in ["core", "api", "plugins", "tests", "bench"] {
        rust_files(&repo().join(dir), &mut files);
    }
    assert!(files.len() > 50, "{}", files.len());
    let mut without = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (at, _) in text.match_indices("allow(") {
            let before = text[..at].trim_end_matches('!');
            // attributes only: outer and inner ones, and an allow inside cfg_attr
            if !(before.ends_with("#[") || before.ends_with("#![") || before.ends_with(", ")) {
                continue;
            }
            let rest = &text[at..];
            let mut depth = 0;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if !rest[..end].contains("reason") {
                let line = text[..at].lines().count();
                without.push(format!("{}:{line}", f.display()));
            }
        }
    }
    assert!(
        without.is_empty(),
        "an allow without `reason = \"…\"`: {without:#?}"
    );
}

/// The modules a crate's top-level modules use, test modules left out: module → modules it
/// names. Not followed: renamed paths (`use crate::graphql as g;`), and `//` inside a string
/// literal ends the line for this parser. A top-level module is a file or a folder under `root`; a use is a path through the
/// crate root (`crate_root`, such as `crate::` or `crate::graphql::`) or `super::` climbing back
/// to `root` (one `super::` from `root/x.rs` or `root/x/mod.rs`, two from `root/x/y.rs`).
fn module_graph(
    root: &Path,
    crate_root: &str,
) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    let mut graph: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for f in &files {
        let rel = f.strip_prefix(root).unwrap();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let top = parts[0].trim_end_matches(".rs").to_owned();
        if ["lib", "main", "mod"].contains(&top.as_str()) {
            continue;
        }
        // how deep the file's module sits below `root` (`x.rs`, `x/mod.rs`: 1; `x/y.rs`: 2)
        let level = parts.len() - usize::from(parts.last().is_some_and(|p| p == "mod.rs"));
        let to_root = "super::".repeat(level);
        let text = std::fs::read_to_string(f).unwrap();
        // test modules left out: the file up to the first `#[cfg(test)] mod`
        let text = text
            .match_indices("#[cfg(test)]")
            .find(|(at, m)| text[at + m.len()..].trim_start().starts_with("mod "))
            .map_or(text.as_str(), |(at, _)| &text[..at]);
        let uses = graph.entry(top.clone()).or_default();
        // a `use` that rustfmt spread over several lines, as one line
        let mut lines: Vec<String> = Vec::new();
        let mut open = false;
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            if open && let Some(last) = lines.last_mut() {
                last.push_str(code.trim());
            } else {
                lines.push(code.to_owned());
            }
            let t = code.trim_start();
            // `use`, and `pub use` with any visibility (`pub(crate)`, `pub(super)`, `pub(in …)`)
            let is_use = t.starts_with("use ")
                || (t.starts_with("pub")
                    && t.split_once(' ').is_some_and(|(v, rest)| {
                        !v.contains('{') && rest.trim_start().starts_with("use ")
                    }))
                || (t.starts_with("pub(in ") && t.contains(") use "));
            if is_use {
                open = true;
            }
            if code.contains(';') {
                open = false;
            }
        }
        // below the crate root (`graphql::` for the API): `crate::{graphql::x::…, …}` names x
        let below_root = crate_root.strip_prefix("crate::").unwrap_or_default();
        for code in &lines {
            if !below_root.is_empty() {
                for (at, _) in code.match_indices("crate::{") {
                    let group = &code[at + "crate::{".len()..];
                    for part in group.split(['}', ',']) {
                        if let Some(rest) = part.trim().strip_prefix(below_root) {
                            let name: String = rest
                                .trim_start_matches('{')
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect();
                            if !name.is_empty() && name != top {
                                uses.insert(name);
                            }
                        }
                    }
                }
            }
            for p in [crate_root, to_root.as_str()] {
                for (at, _) in code.match_indices(p) {
                    let before = code[..at].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                        continue;
                    }
                    let rest = &code[at + p.len()..];
                    if rest.starts_with("super::") {
                        continue;
                    }
                    // `crate::x::…`, or each first name of `crate::{x::…, y, …}`
                    let names: Vec<String> = match rest.strip_prefix('{') {
                        Some(group) => group
                            .split(['}', ','])
                            .map(|n| {
                                n.trim()
                                    .chars()
                                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                                    .collect()
                            })
                            .collect(),
                        None => vec![
                            rest.chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect(),
                        ],
                    };
                    for name in names {
                        if !name.is_empty() && name != top {
                            uses.insert(name);
                        }
                    }
                }
            }
        }
    }
    let names: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|u| names.contains(u));
    }
    graph
}

/// Pairs of modules that reach each other through their imports.
fn import_circles(root: &Path, crate_root: &str) -> Vec<(String, String)> {
    let graph = module_graph(root, crate_root);
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(m) = todo.pop() {
            for u in graph.get(&m).into_iter().flatten() {
                if seen.insert(u.clone()) {
                    todo.push(u.clone());
                }
            }
        }
        seen
    };
    let mut circles = Vec::new();
    for a in graph.keys() {
        for b in reach(a) {
            if a < &b && reach(&b).contains(a) {
                circles.push((a.clone(), b));
            }
        }
    }
    circles
}

/// No module of core imports a module that imports it back, directly or through others: the
/// areas form layers (ARCHITECTURE.md's code map).
#[test]
fn core_modules_import_one_way() {
    let circles = import_circles(&repo().join("core/src"), "crate::");
    assert!(
        circles.is_empty(),
        "modules that import each other: {circles:?}"
    );
}

/// The GraphQL modules import one way too: shared pieces (scalars, ids, errors, money,
/// connections, loaders) at the bottom, the areas above them, `node` and `roots` (which name
/// every area) on top.
#[test]
fn api_modules_import_one_way() {
    let circles = import_circles(&repo().join("api/src/graphql"), "crate::graphql::");
    assert!(
        circles.is_empty(),
        "modules that import each other: {circles:?}"
    );
}
