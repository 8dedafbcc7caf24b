//! The `whither` command line: classify hosts, report on HAR recordings, and inspect the database — on the same
//! core as the extension.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use whither::{attribution, db, entity, har, ip, jurisdiction, request, rules, stats};

const USAGE: &str = "\
whither — which companies receive a page's requests, who controls them, and under which jurisdiction

USAGE:
  whither classify [HOST_OR_URL…]        one JSON line per input (stdin, one per line, when none is given)
  whither ip [ADDRESS…]                  one JSON line per IP address: scope, country, AS number and network (stdin,
                                         one per line, when none is given)
  whither ip --info                      the bundled IP data: date, sources, size
  whither ip --write-table FILE          writes the bundled IP table (the extension's pkg/whither_ip.bin)
  whither report FILE.har [--format json|text]
                                         the report of the first page of a HAR recording
  whither db stats                       entities, domains, entities per country, fill rate of every field
  whither db check                       validates the database (the build already did: prints its size)
  whither db show ID                     one entity: record, chain, references
  whither jurisdiction CC                a country's memberships, EU adequacy and laws
  whither coverage FILE.tsv [--top N]    prevalence-weighted coverage of a domain<TAB>prevalence list
  whither request COMPANY_ID [--law gdpr|uk-gdpr|ccpa|pipl|lgpd|generic] [--lang en|de|zh_CN]
                  [--format json|text] [--home CC] [--california] [--today YYYY-MM-DD]
                                         the data-access request to the company's privacy contact (docs/requests.md);
                                         an unknown company or law exits with status 2
  whither block [--jurisdiction CC,…] [--group NAME,…] [--company ID,…] [--category NAME,…]
                [--trust-site DOMAIN,…] [--format dnr|hosts|adblock]
                                         exactly the blocking rules the extension installs for these choices
                                         (groups: outside-eea, no-adequacy, five-eyes, fourteen-eyes); an unknown
                                         code, id, group or category is an error (exit status 2)
  whither help | --help | --version
";

/// `print!` that never panics: a closed pipe (`whither … | head`) ends the output quietly, another write error is
/// said on standard error.
macro_rules! out {
    ($($t:tt)*) => {
        report_write(write!(io::stdout().lock(), $($t)*))
    };
}

/// `println!` that never panics (see `out!`).
macro_rules! outln {
    ($($t:tt)*) => {
        report_write(writeln!(io::stdout().lock(), $($t)*))
    };
}

fn report_write(result: io::Result<()>) {
    if let Err(e) = result.as_ref() {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("whither: writing the output: {e}");
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["block", rest @ ..] => return block(rest),
        ["classify", inputs @ ..] => classify(inputs),
        ["report", rest @ ..] => report(rest),
        ["ip", "--info"] => ip::table()
            .ok_or_else(|| "the bundled IP table is invalid".to_string())
            .and_then(|t| print_json(&t.info())),
        ["ip", "--write-table", file] => {
            std::fs::write(file, ip::BUNDLED_BYTES).map_err(|e| format!("{file}: {e}"))
        }
        ["ip", inputs @ ..] => ip_lines(inputs),
        ["db", "stats"] => print_json(&stats::db_stats()),
        ["db", "check"] => {
            outln!(
                "ok: {} entities, {} domains, {} jurisdictions (validated when the database was compiled)",
                db::ENTITIES.len(),
                db::DOMAINS.len(),
                db::JURISDICTIONS.len()
            );
            Ok(())
        }
        ["db", "show", id] => show(id),
        ["jurisdiction", code] => match jurisdiction::get(&code.to_ascii_uppercase()) {
            Some(j) => print_json(&j),
            None => Err(format!("unknown jurisdiction {code:?}")),
        },
        ["coverage", rest @ ..] => coverage(rest),
        ["request", rest @ ..] => {
            return match request_letter(rest) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("whither: {e}");
                    ExitCode::from(2)
                }
            }
        }
        ["--version"] | ["version"] => {
            outln!(
                "whither {} (data schema {}, report schema {})",
                env!("CARGO_PKG_VERSION"),
                db::DATA_SCHEMA,
                whither::report::SCHEMA
            );
            Ok(())
        }
        ["help"] | ["--help"] | ["-h"] => {
            out!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("whither: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    let mut out = io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| e.to_string())
}

fn classify_line(out: &mut impl Write, input: &str) -> Result<(), String> {
    let line = match attribution::classify(input) {
        Ok(a) => serde_json::to_string(&a),
        Err(r) => serde_json::to_string(&r),
    }
    .map_err(|e| e.to_string())?;
    writeln!(out, "{line}").map_err(|e| e.to_string())
}

fn classify(inputs: &[&str]) -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if inputs.is_empty() {
        for line in io::stdin().lock().lines() {
            let line = line.map_err(|e| format!("reading stdin: {e}"))?;
            if line.trim().is_empty() {
                continue;
            }
            classify_line(&mut out, &line)?;
        }
    } else {
        for input in inputs {
            classify_line(&mut out, input)?;
        }
    }
    out.flush().map_err(|e| e.to_string())
}

fn ip_line(out: &mut impl Write, input: &str) -> Result<(), String> {
    let line = match ip::describe(input) {
        Ok(d) => serde_json::to_string(&d),
        Err(e) => serde_json::to_string(&e),
    }
    .map_err(|e| e.to_string())?;
    writeln!(out, "{line}").map_err(|e| e.to_string())
}

/// `whither ip`: one line per input, an `error` line for what is no address (and on to the next).
fn ip_lines(inputs: &[&str]) -> Result<(), String> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if inputs.is_empty() {
        for line in io::stdin().lock().lines() {
            let line = line.map_err(|e| format!("reading stdin: {e}"))?;
            if !line.trim().is_empty() {
                ip_line(&mut out, &line)?;
            }
        }
    } else {
        for input in inputs {
            ip_line(&mut out, input)?;
        }
    }
    out.flush().map_err(|e| e.to_string())
}

fn report(args: &[&str]) -> Result<(), String> {
    let (file, format) = match args {
        [file] => (*file, "json"),
        [file, "--format", f] | ["--format", f, file] => (*file, *f),
        _ => return Err("usage: whither report FILE.har [--format json|text]".into()),
    };
    if format != "json" && format != "text" {
        return Err(format!("unknown format {format:?}: json or text"));
    }
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let report = har::report(&text).map_err(|e| format!("{file}: {e}"))?;
    if format == "text" {
        out!("{}", whither::export::report_text(&report));
        Ok(())
    } else {
        print_json(&report)
    }
}

fn show(id: &str) -> Result<(), String> {
    let index = db::entity_by_id(id).ok_or_else(|| format!("no entity {id:?}"))?;
    let e = db::entity(index).ok_or_else(|| format!("no entity {id:?}"))?;
    let domains: Vec<&str> = db::DOMAINS
        .iter()
        .filter(|d| d.entity == index)
        .map(|d| d.domain)
        .collect();
    let details = db::details(index);
    let value = serde_json::json!({
        "id": e.id,
        "name": e.name,
        "kind": e.kind,
        "aliases": e.aliases,
        "country": e.country,
        "legal_seat": e.legal_seat,
        "state_owned": e.state_owned,
        "parent": e.parent.as_ref().and_then(|p| db::entity(p.entity).map(|pe| serde_json::json!({
            "id": pe.id, "control": p.control.as_str(), "since": p.since }))),
        "owners": e.owners.iter().map(|o| serde_json::json!({
            "id": o.entity.and_then(db::entity).map(|x| x.id), "name": o.name, "stake": o.stake,
            "control": o.control.map(|c| c.as_str()), "since": o.since })).collect::<Vec<_>>(),
        "chain": entity::chain(index),
        "jurisdiction": entity::jurisdiction(index),
        "categories": e.categories,
        "domains": domains,
        "website": e.website,
        "privacy_policy": e.privacy_policy,
        "as_of": e.as_of,
        "notes": details.and_then(|d| d.notes),
        "history": details.map(|d| d.history.iter().map(|h| serde_json::json!({
            "date": h.date, "event": h.event, "text": h.text })).collect::<Vec<_>>()),
        "references": details.map(|d| d.references.iter().map(|r| serde_json::json!({
            "url": r.url, "title": r.title, "date": r.date, "supports": r.supports })).collect::<Vec<_>>()),
    });
    print_json(&value)
}

fn coverage(args: &[&str]) -> Result<(), String> {
    let (file, top) = match args {
        [file] => (*file, 25),
        [file, "--top", n] | ["--top", n, file] => (
            *file,
            n.parse()
                .map_err(|_| format!("--top {n:?} is not a number"))?,
        ),
        _ => return Err("usage: whither coverage FILE.tsv [--top N]".into()),
    };
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    print_json(&stats::coverage(&text, top))
}

/// Today's date (UTC) from the system clock.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    u32::try_from(days)
        .ok()
        .and_then(whither::calendar::Date::from_day_number)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// `whither request COMPANY_ID …`: the request to the company's privacy contact (the request page's, for a company
/// alone), as JSON or as text.
fn request_letter(args: &[&str]) -> Result<(), String> {
    let usage = "usage: whither request COMPANY_ID [--law gdpr|uk-gdpr|ccpa|pipl|lgpd|generic] [--lang en|de|zh_CN] \
                 [--format json|text] [--home CC] [--california] [--today YYYY-MM-DD]";
    let mut company = None;
    let (mut law, mut lang, mut format, mut home, mut california, mut date) =
        (None, "en", "json", "", None, today());
    let mut rest = args.iter();
    while let Some(&arg) = rest.next() {
        let mut value = || {
            rest.next()
                .copied()
                .ok_or_else(|| format!("{arg} needs a value\n{usage}"))
        };
        match arg {
            "--law" => law = Some(value()?),
            "--lang" => lang = value()?,
            "--format" => format = value()?,
            "--home" => home = value()?,
            "--today" => date = value()?.to_string(),
            "--california" => california = Some(true),
            a if a.starts_with("--") => return Err(format!("unknown option {a}\n{usage}")),
            a if company.is_none() => company = Some(a),
            a => return Err(format!("unexpected argument {a:?}\n{usage}")),
        }
    }
    let company = company.ok_or(usage)?;
    if db::entity_by_id(company).is_none() {
        return Err(format!(
            "unknown company {company:?} (an entity id: whither db show ID)"
        ));
    }
    if whither::letter::Lang::parse(lang).is_none() {
        return Err(format!("unknown language {lang:?} (en, de or zh_CN)"));
    }
    if format != "json" && format != "text" {
        return Err(format!("unknown format {format:?}: json or text"));
    }
    let options = request::Options {
        company: Some(company.to_string()),
        law: law.map(str::to_string),
        home: home.to_string(),
        california,
        lang: lang.to_string(),
        today: date,
        ..request::Options::default()
    };
    let view = request::view(&request::Sources::default(), &options)?;
    if format == "json" {
        return print_json(&view);
    }
    let mut out = String::new();
    let line = |out: &mut String, label: &str, value: Option<&str>| {
        if let Some(v) = value {
            out.push_str(&format!(
                "{label:<22}{}\n",
                v.replace('\n', &format!("\n{:22}", ""))
            ));
        }
    };
    for r in &view.requests {
        let c = &r.contact;
        line(&mut out, "Controller:", Some(&c.recipient()));
        line(&mut out, "E-mail:", c.email);
        line(&mut out, "Web form:", c.web_form);
        line(&mut out, "Phone:", c.phone);
        line(&mut out, "DPO:", c.dpo_email);
        line(&mut out, "DPO address:", c.dpo_address);
        for (label, rep) in [
            ("EU representative:", c.eu_representative),
            ("UK representative:", c.uk_representative),
        ] {
            if let Some(rep) = rep {
                let text = [Some(rep.name), rep.address, rep.email, rep.web_form]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n");
                line(&mut out, label, Some(&text));
            }
        }
        line(&mut out, "Privacy policy:", c.privacy_policy);
        line(
            &mut out,
            "Law:",
            Some(&format!("{} ({})", view.law.name, view.law.right)),
        );
        line(
            &mut out,
            "Deadline:",
            Some(&format!("{} ({})", r.deadline, view.law.deadline_basis)),
        );
        out.push_str(&format!(
            "\nSubject: {}\n\n{}\n",
            r.letter.subject, r.letter.body
        ));
    }
    for n in &view.without_contact {
        out.push_str(&format!(
            "No privacy contact is known for {} ({}).{}\n",
            n.name,
            n.country,
            n.privacy_policy
                .map(|p| format!(" Privacy policy: {p}"))
                .unwrap_or_default()
        ));
    }
    out!("{out}");
    Ok(())
}

/// `whither block`: the rules (or the hosts file, or the adblock list) of the choices given; exit status 2 for an
/// unknown entry or a bad argument.
fn block(args: &[&str]) -> ExitCode {
    let usage = "usage: whither block [--jurisdiction CC,…] [--group NAME,…] [--company ID,…] [--category NAME,…] \
                 [--trust-site DOMAIN,…] [--format dnr|hosts|adblock]";
    let fail = |message: String| {
        eprintln!("whither: {message}");
        ExitCode::from(2)
    };
    let mut lists: [Vec<String>; 5] = Default::default();
    let mut format = "dnr";
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let Some(value) = rest.next() else {
            return fail(format!("{flag} needs a value\n{usage}"));
        };
        let slot = match *flag {
            "--jurisdiction" => 0,
            "--group" => 1,
            "--company" => 2,
            "--category" => 3,
            "--trust-site" => 4,
            "--format" => {
                format = value;
                continue;
            }
            other => return fail(format!("unknown option {other:?}\n{usage}")),
        };
        if let Some(list) = lists.get_mut(slot) {
            list.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(String::from),
            );
        }
    }
    if !["dnr", "hosts", "adblock"].contains(&format) {
        return fail(format!("unknown format {format:?}: dnr, hosts or adblock"));
    }
    let [jurisdictions, groups, companies, categories, sites] = &lists;
    let choice = match rules::Choice::parse(jurisdictions, groups, companies, categories, sites) {
        Ok(c) => c,
        Err(unknown) => {
            let lines: Vec<String> = unknown.iter().map(|u| u.to_string()).collect();
            return fail(lines.join("\n"));
        }
    };
    let list = match rules::BlockList::compile(&choice) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    out!("{}", list.export(format).unwrap_or_default());
    ExitCode::SUCCESS
}
