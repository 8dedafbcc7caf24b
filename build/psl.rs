//! Compiles the public suffix list into the compact table that `src/suffix_list.rs` searches (`PSL_TABLE`),
//! and proves at build time that the table gives exactly the answers of the `psl` crate it replaces at run time.
//!
//! `build/public_suffix_list.txt` is the rule list that `psl` (pinned in Cargo.toml) is generated from. The `psl`
//! crate compiles it into ~1.1 MB of wasm code (~300 KB gzip); this table is ~180 KB of text (~50 KB gzip). The
//! section (ICANN or private) of each rule is read from `psl` itself, and every rule, its neighbours and its
//! punycode form are looked up in both: any difference fails the build.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Node flags; the layout is shared with `src/host.rs`.
pub const RULE: u8 = 1;
pub const RULE_PRIVATE: u8 = 2;
pub const WILDCARD: u8 = 4;
pub const WILDCARD_PRIVATE: u8 = 8;
pub const EXCEPTION: u8 = 16;
pub const EXCEPTION_PRIVATE: u8 = 32;

fn flag_for(typ: Option<psl::Type>, icann: u8, private: u8) -> Result<u8, String> {
    match typ {
        Some(psl::Type::Icann) => Ok(icann),
        Some(psl::Type::Private) => Ok(icann | private),
        None => Err("psl does not know it".into()),
    }
}

/// The public suffix of `name` (no trailing dot) as the runtime lookup computes it from `nodes`: (length, private?)
/// or `None` for the implicit `*` rule. Mirrors `src/host.rs::public_suffix`; kept here to check the table.
fn lookup(nodes: &BTreeMap<String, u8>, name: &str) -> (usize, Option<bool>) {
    let mut best = (name.rsplit('.').next().map_or(0, str::len), None);
    let mut start = name.len();
    let mut parent: Option<u8> = None;
    loop {
        let label_start = name[..start].rfind('.').map_or(0, |i| i + 1);
        let suffix = &name[label_start..];
        // As in psl, a parent's wildcard covers a label only when the label is not a node of its own.
        let Some(&flags) = nodes.get(suffix) else {
            if let Some(p) = parent.filter(|p| p & WILDCARD != 0) {
                best = (suffix.len(), Some(p & WILDCARD_PRIVATE != 0));
            }
            break;
        };
        if flags & EXCEPTION != 0 {
            let parent_len = suffix.find('.').map_or(0, |i| suffix.len() - i - 1);
            return (parent_len, Some(flags & EXCEPTION_PRIVATE != 0));
        }
        if flags & RULE != 0 {
            best = (suffix.len(), Some(flags & RULE_PRIVATE != 0));
        }
        if label_start == 0 {
            break;
        }
        parent = Some(flags);
        start = label_start - 1;
    }
    best
}

fn reference(name: &str) -> (usize, Option<bool>) {
    match psl::suffix(name.as_bytes()) {
        Some(s) => (s.as_bytes().len(), s.typ().map(|t| t == psl::Type::Private)),
        None => (0, None),
    }
}

/// Generates the Rust source of the table, or the list of differences from `psl`.
pub fn generate(list: &str) -> Result<String, Vec<String>> {
    let mut errors = Vec::new();
    let mut nodes: BTreeMap<String, u8> = BTreeMap::new();
    for line in list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
    {
        let (base, kind) = if let Some(b) = line.strip_prefix("*.") {
            (b, WILDCARD)
        } else if let Some(b) = line.strip_prefix('!') {
            (b, EXCEPTION)
        } else {
            (line, RULE)
        };
        // psl answers for both the Unicode and the punycode spelling of a rule.
        let mut spellings = vec![base.to_string()];
        if !base.is_ascii() {
            match idna::domain_to_ascii(base) {
                Ok(ascii) => spellings.push(ascii),
                Err(e) => errors.push(format!("{line}: no punycode form: {e}")),
            }
        }
        for name in spellings {
            let flag = match kind {
                RULE => flag_for(
                    psl::suffix(name.as_bytes())
                        .filter(|s| s.as_bytes().len() == name.len())
                        .and_then(|s| s.typ()),
                    RULE,
                    RULE_PRIVATE,
                ),
                WILDCARD => {
                    let probe = format!("x0.{name}");
                    match psl::suffix(probe.as_bytes()) {
                        Some(s) if s.as_bytes().len() == probe.len() => {
                            flag_for(s.typ(), WILDCARD, WILDCARD_PRIVATE)
                        }
                        _ => Err("psl does not apply the wildcard".into()),
                    }
                }
                _ => flag_for(
                    psl::suffix(name.as_bytes()).and_then(|s| s.typ()),
                    EXCEPTION,
                    EXCEPTION_PRIVATE,
                ),
            };
            match flag {
                Ok(f) => {
                    *nodes.entry(name.clone()).or_default() |= f;
                    // Every shorter suffix is a node, so that the lookup can stop at the first missing one.
                    let mut rest = name.as_str();
                    while let Some(i) = rest.find('.') {
                        rest = &rest[i + 1..];
                        nodes.entry(rest.to_string()).or_default();
                    }
                }
                Err(e) => errors.push(format!("rule {line} ({name}): {e}")),
            }
        }
    }
    // Differential check: every node, one and two labels below it, and a sibling, against psl.
    for name in nodes.keys() {
        for probe in [
            name.clone(),
            format!("x0.{name}"),
            format!("www.x0.{name}"),
            format!("a.b.c.{name}"),
            format!("{name}.zz-unknown"),
        ] {
            let (ours, theirs) = (lookup(&nodes, &probe), reference(&probe));
            if ours != theirs {
                errors.push(format!(
                    "{probe}: table gives {ours:?}, psl gives {theirs:?}"
                ));
            }
        }
    }
    for probe in [
        "com",
        "example.com",
        "a.b.example.co.uk",
        "zz-unknown",
        "x.zz-unknown",
        "www.ck",
        "a.www.ck",
    ] {
        let (ours, theirs) = (lookup(&nodes, probe), reference(probe));
        if ours != theirs {
            errors.push(format!(
                "{probe}: table gives {ours:?}, psl gives {theirs:?}"
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // One line per node: the name, one flag byte (`@` + flags) and `\n`, sorted by the name's bytes read backwards,
    // so that the lines of one suffix (`….kawasaki.jp`) sit together and compress well.
    let mut sorted: Vec<(&String, &u8)> = nodes.iter().collect();
    sorted.sort_by(|a, b| a.0.bytes().rev().cmp(b.0.bytes().rev()));
    let mut blob = String::new();
    for (name, f) in &sorted {
        if name.contains('\n') || **f >= 64 {
            return Err(vec![format!("{name}: the table layout cannot hold it")]);
        }
        blob.push_str(name);
        blob.push(char::from(b'@' + **f));
        blob.push('\n');
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by build.rs (build/psl.rs) from build/public_suffix_list.txt. Do not edit."
    );
    let _ = writeln!(
        out,
        "/// {} nodes (every rule and every suffix of a rule): `name`, `@` + flags, `\\n`; sorted by reversed bytes.",
        sorted.len()
    );
    let _ = writeln!(out, "static PSL_TABLE: &str = {blob:?};");
    let _ = writeln!(out, "const PSL_NODE_COUNT: usize = {};", sorted.len());
    Ok(out)
}
