//! The codebase's shape: the core's modules depend on each other in one direction only (no module uses one that uses
//! it back, directly or through others), every module says in its first line what it owns, and no source file of
//! the core or the shell grows beyond 900 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every `.rs` file under `src/`, with the top-level module it belongs to (`history/codec.rs` → `history`).
fn modules() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(ROOT).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(Path::new(ROOT).join("src"))
                    .unwrap_or(&path);
                let first = rel
                    .components()
                    .next()
                    .and_then(|c| c.as_os_str().to_str())
                    .unwrap_or_default()
                    .trim_end_matches(".rs")
                    .to_string();
                out.push((first, path));
            }
        }
    }
    out.sort();
    out
}

/// The top-level modules a source file uses through `crate::…` (and `super::…` never leaves its module here).
fn uses(text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    // Code only: comments may name any module.
    let text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.as_str();
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if known.contains(&name) {
            out.insert(name);
        }
        // `use crate::{a, b::c}`
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or_default();
            for item in group.split(',') {
                let name = item
                    .trim()
                    .split("::")
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if known.contains(&name) {
                    out.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn the_core_depends_in_one_direction() {
    let files = modules();
    let known: BTreeSet<String> = files
        .iter()
        .map(|(m, _)| m.clone())
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in &files {
        let text = fs::read_to_string(path).unwrap_or_default();
        let deps = graph.entry(module.clone()).or_default();
        for d in uses(&text, &known) {
            if &d != module {
                deps.insert(d);
            }
        }
    }
    // A module that reaches itself through its dependencies is a cycle.
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = graph[start].iter().collect();
        while let Some(m) = stack.pop() {
            assert_ne!(
                m, start,
                "{start} uses a module that uses {start} back (dependencies: {graph:?})"
            );
            if seen.insert(m.clone()) {
                stack.extend(graph.get(m).into_iter().flatten());
            }
        }
    }
    // The order lib.rs states is true: every module uses only modules declared before it.
    let lib = fs::read_to_string(Path::new(ROOT).join("src/lib.rs")).unwrap_or_default();
    let order: Vec<String> = lib
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("pub mod ")
                .or_else(|| l.trim().strip_prefix("mod "))
        })
        .map(|l| l.trim_end_matches(';').to_string())
        .collect();
    for (i, m) in order.iter().enumerate() {
        for d in graph.get(m).into_iter().flatten() {
            let at = order.iter().position(|o| o == d);
            assert!(
                at.is_some_and(|at| at < i),
                "{m} uses {d}, which src/lib.rs declares after it"
            );
        }
    }
    assert!(order.len() >= 15, "{order:?}");
}

#[test]
fn every_module_starts_with_what_it_owns() {
    for (_, path) in modules() {
        let text = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            text.starts_with("//!"),
            "{} does not start with a //! line",
            path.display()
        );
    }
}

#[test]
fn no_source_file_is_longer_than_900_lines() {
    let mut files: Vec<PathBuf> = modules().into_iter().map(|(_, p)| p).collect();
    let ext = Path::new(ROOT).join("extension");
    files.extend(
        fs::read_dir(&ext)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "js" || e == "html" || e == "css")
            }),
    );
    assert!(files.len() > 20);
    for path in files {
        let lines = fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .count();
        assert!(lines <= 900, "{} has {lines} lines", path.display());
    }
}
