#!/usr/bin/env python3
"""Match Datenanfragen.de company records (CC0) to Whither's entities and measure privacy-contact coverage.

Usage (from the repository root):

    python3 scripts/contacts/match.py [SNAPSHOT] [--data data] [--prevalence PATH] [--report docs/contacts-report.md]
                                      [--reviewed scripts/contacts/reviewed.tsv] [--emit | --apply]

SNAPSHOT is the directory of the Datenanfragen snapshot (holding `companies/*.json`); default
`../shared/data/datenanfragen`. The script

* matches every record to entities in `data/entities/*.toml`
  - by domain: the host of the record's `web`, and domains written in its `name` or `runs`
    (e.g. "Messenger (www.messenger.com)"), against the entities' `domains` (longest-suffix rule, as the product);
  - by name: the record's `name` and `runs` entries against the entity's `name` and `aliases`, both normalised
    (case, accents, punctuation and legal-form suffixes such as GmbH, Ltd., Inc. removed);
* lists conflicts: several records for one entity, a record matching several entities, domain matches whose names
  disagree, and contacts whose postal country differs from the entity's `country` / `legal_seat`;
* computes, from the prevalence list read at run time only, the prevalence-weighted share of the top-1,000 and
  top-3,000 third-party domains whose controller has a privacy contact: for each domain the host's entity is found
  and the ownership chain (wholly-owned / majority / controlling parents) is walked upward to the first entity with
  a `[privacy]` table. Only aggregate shares (per entity, per list) are written to the report, never a row or a
  figure per domain;
* writes the report (Markdown) and prints the coverage figures.

`--emit` prints `[privacy]` TOML for the reviewed matches in `scripts/contacts/reviewed.tsv` whose entity has no
`[privacy]` table yet; `--apply` appends it to the entity files (at the end, leaving the rest untouched).
Only reviewed matches are ever emitted: every line of reviewed.tsv is a human decision that the record is the same
legal entity as the entity, or the right controller for people in the EU.

Python 3.11+, standard library only.
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import os
import re
import sys
import tomllib
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT_DATE = "2026-07-21"
CONTROLLING = {"wholly-owned", "majority", "controlling"}

# --------------------------------------------------------------------------------------------------------------
# Public suffix list (the copy the build uses), to tell registrable domains from hosting suffixes.


class Psl:
    def __init__(self, path: Path):
        self.icann: set[str] = set()
        self.private: set[str] = set()
        self.wild: set[str] = set()
        self.exc: set[str] = set()
        section = None
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if "BEGIN ICANN DOMAINS" in line:
                section = "icann"
            elif "BEGIN PRIVATE DOMAINS" in line:
                section = "private"
            if not line or line.startswith("//"):
                continue
            rule = line.split()[0].lower()
            if rule.startswith("!"):
                self.exc.add(rule[1:])
            elif rule.startswith("*."):
                self.wild.add(rule[2:])
            else:
                (self.private if section == "private" else self.icann).add(rule)

    def is_suffix(self, d: str, private: bool = True) -> bool:
        if d in self.exc:
            return False
        if d in self.icann or (private and d in self.private):
            return True
        parent = d.split(".", 1)[1] if "." in d else ""
        return bool(parent) and parent in self.wild

    def registrable(self, host: str, private: bool = True) -> str | None:
        labels = host.split(".")
        for i in range(len(labels)):
            cand = ".".join(labels[i:])
            if self.is_suffix(cand, private):
                return ".".join(labels[i - 1 :]) if i > 0 else None
        # unknown TLD: the last two labels
        return ".".join(labels[-2:]) if len(labels) >= 2 else None


# --------------------------------------------------------------------------------------------------------------
# Names

LEGAL_FORMS = {
    "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "ug", "ev", "se", "co", "cokg", "gmbhcokg", "haftungsbeschrankt",
    "ltd", "limited", "plc", "llc", "llp", "lp", "inc", "incorporated", "corp", "corporation", "company", "pty",
    "sa", "sas", "sasu", "sarl", "srl", "spa", "sl", "slu", "sau", "bv", "nv", "vof", "ab", "publ", "as", "asa",
    "aps", "oy", "oyj", "sro", "as", "kft", "zrt", "nyrt", "sp", "zoo", "spzoo", "doo", "dd", "ad", "ood", "eood",
    "pte", "pvt", "private", "kk", "gk", "sagl", "sarl", "scs", "sca", "cv", "lda", "unipessoal", "uab", "sia",
    "ou", "ehf", "hf", "the", "bvba", "ltda", "sac", "sapi", "de", "rl", "s",
}
PAREN = re.compile(r"\([^)]*\)")


def norm_name(s: str) -> str:
    """'Criteo S.A.' -> 'criteo'; 'Meta Platforms Ireland Limited' -> 'meta platforms ireland'."""
    s = PAREN.sub(" ", s)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace("&", " and ").replace("+", " and ")
    # join dotted abbreviations: s.a. -> sa, b.v. -> bv, e.v. -> ev
    s = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", ""), s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    words = s.split()
    while words and words[-1] in LEGAL_FORMS:
        words.pop()
    # "GmbH & Co. KG" leaves "and" at the end
    while words and words[-1] in LEGAL_FORMS | {"and"}:
        words.pop()
    return " ".join(words)


DOMAIN_IN_TEXT = re.compile(r"\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b", re.I)


def domains_in_text(s: str, psl: Psl) -> list[str]:
    out = []
    for m in DOMAIN_IN_TEXT.finditer(s):
        d = m.group(1).lower()
        # "S.A." or "Inc." are not domains; a real domain has a known public suffix
        labels = d.split(".")
        if any(psl.is_suffix(".".join(labels[i:]), private=False) for i in range(1, len(labels))):
            out.append(d)
    return out


def host_of(url: str) -> str | None:
    m = re.match(r"^[a-z][a-z0-9+.-]*://([^/:?#]+)", url.strip(), re.I)
    return m.group(1).lower().rstrip(".") if m else None


# --------------------------------------------------------------------------------------------------------------
# Countries (the last line of a Datenanfragen address)

NATIVE = {
    "deutschland": "DE", "germany": "DE", "osterreich": "AT", "schweiz": "CH", "suisse": "CH", "svizzera": "CH",
    "the netherlands": "NL", "netherlands": "NL", "nederland": "NL", "united states of america": "US",
    "united states": "US", "usa": "US", "u s a": "US", "uk": "GB", "united kingdom": "GB", "great britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB", "italia": "IT", "espana": "ES",
    "polska": "PL", "sverige": "SE", "danmark": "DK", "norge": "NO", "suomi": "FI", "hrvatska": "HR",
    "belgique": "BE", "belgie": "BE", "republic of singapore": "SG", "russia": "RU", "czech republic": "CZ",
    "czechia": "CZ", "ceska republika": "CZ", "south korea": "KR", "republic of korea": "KR", "taiwan": "TW",
    "hong kong": "HK", "isle of man": "IM", "luxemburg": "LU", "letzebuerg": "LU", "ireland": "IE", "eire": "IE",
    "liechtenstein": "LI", "magyarorszag": "HU", "portugal": "PT", "ellada": "GR", "turkiye": "TR",
}


def country_table(jur_path: Path) -> dict[str, str]:
    table = {}
    with open(jur_path, "rb") as f:
        jur = tomllib.load(f)
    for code, j in jur.items():
        table[norm_name(j["name"])] = code
    for k, v in NATIVE.items():
        table[norm_name(k)] = v
    return table


def address_country(address: str, table: dict[str, str]) -> str | None:
    lines = [l.strip() for l in address.strip().splitlines() if l.strip()]
    if not lines:
        return None
    return table.get(norm_name(lines[-1]))


# --------------------------------------------------------------------------------------------------------------
# Loading


def load_entities(data: Path) -> dict[str, dict]:
    ents = {}
    for p in sorted((data / "entities").glob("*.toml")):
        with open(p, "rb") as f:
            e = tomllib.load(f)
        e["_path"] = p
        ents[e["id"]] = e
    return ents


def load_records(snapshot: Path) -> dict[str, dict]:
    recs = {}
    for p in sorted(glob.glob(str(snapshot / "companies" / "*.json"))):
        with open(p, encoding="utf-8") as f:
            r = json.load(f)
        recs[r["slug"]] = r
    return recs


def load_prevalence(path: Path) -> list[tuple[str, float]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if i == 0 and parts[0] == "domain":
                continue
            if len(parts) >= 2:
                rows.append((parts[0].strip().lower(), float(parts[1])))
    return rows


class Db:
    def __init__(self, ents: dict[str, dict], psl: Psl):
        self.ents = ents
        self.psl = psl
        self.by_domain: dict[str, str] = {}
        for eid, e in ents.items():
            for d in e.get("domains", []):
                self.by_domain[d.lower()] = eid
        self.by_name: dict[str, set[str]] = collections.defaultdict(set)
        for eid, e in ents.items():
            for n in [e["name"], *e.get("aliases", [])]:
                k = norm_name(n)
                if len(k) >= 3:
                    self.by_name[k].add(eid)

    def entity_of_host(self, host: str) -> tuple[str, str] | None:
        """Longest listed suffix of host -> (entity id, listed domain)."""
        labels = host.lower().split(".")
        for i in range(len(labels)):
            cand = ".".join(labels[i:])
            if cand in self.by_domain:
                return self.by_domain[cand], cand
        return None

    def parent(self, eid: str) -> str | None:
        p = self.ents[eid].get("parent")
        if p and p.get("control") in CONTROLLING and p.get("id") in self.ents:
            return p["id"]
        return None

    def chain(self, eid: str) -> list[str]:
        out, seen = [eid], {eid}
        while (p := self.parent(out[-1])) and p not in seen:
            out.append(p)
            seen.add(p)
        return out

    def contact_holder(self, eid: str) -> str | None:
        for x in self.chain(eid):
            if self.ents[x].get("privacy"):
                return x
        return None

    def controller(self, eid: str) -> str:
        return self.chain(eid)[-1]


# --------------------------------------------------------------------------------------------------------------
# Matching


# Mail and help-desk providers whose domains appear in other companies' addresses (privacy@x.zendesk.com).
SHARED_MAIL_DOMAINS = (
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "aol.com", "icloud.com",
    "me.com", "gmx.de", "gmx.net", "web.de", "t-online.de", "mail.ru", "yandex.ru", "protonmail.com", "proton.me",
    "zendesk.com", "freshdesk.com", "helpscoutapp.com", "onetrust.com",
)


def match_record(r: dict, db: Db) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """-> (primary matches entity -> how, brand matches entity -> how). Primary: web host, name; brand: runs."""
    primary: dict[str, list[str]] = collections.defaultdict(list)
    brands: dict[str, list[str]] = collections.defaultdict(list)

    def by_host(host: str, how: str, into):
        hit = db.entity_of_host(host)
        if not hit:
            return
        eid, listed = hit
        # a customer's site below a hosting suffix (foo.github.io) is not the hosting company
        if db.psl.is_suffix(listed) and listed != host:
            return
        into[eid].append(f"{how} {listed}")

    web = r.get("web")
    if web and (h := host_of(web)):
        by_host(h, "web", primary)
    email = (r.get("email") or "").lower()
    if "@" in email:
        h = email.rsplit("@", 1)[1]
        if not any(h == d or h.endswith("." + d) for d in SHARED_MAIL_DOMAINS):
            by_host(h, "email-domain", primary)
    for d in domains_in_text(r["name"], db.psl):
        by_host(d, "name-domain", primary)
    k = norm_name(r["name"])
    for eid in db.by_name.get(k, ()):
        primary[eid].append(f"name '{k}'")
    for run in r.get("runs", []):
        for d in domains_in_text(run, db.psl):
            by_host(d, "runs-domain", brands)
        k = norm_name(run)
        for eid in db.by_name.get(k, ()):
            brands[eid].append(f"runs '{k}'")
    for eid in list(brands):
        if eid in primary:
            primary[eid].extend(brands.pop(eid))
    return dict(primary), dict(brands)


def legal_form(s: str) -> tuple[str, ...]:
    """The legal-form words at the end of a name: 'Criteo S.A.' -> ('sa',); 'Nielsen' -> ()."""
    s = unicodedata.normalize("NFKD", PAREN.sub(" ", s))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    words = re.sub(r"\.(?=\w\.)|\.(?=\s|$)", "", s)
    words = re.sub(r"[^a-z0-9&]+", " ", words).split()
    out = []
    while words and words[-1] in LEGAL_FORMS | {"and", "&"}:
        out.append(words.pop())
    return tuple(w for w in reversed(out) if w not in ("and", "&"))


def same_legal_entity(r: dict, e: dict) -> bool:
    """The record is the entity itself: the same name and the same (stated) legal form, at its own address."""
    if "c/o" in r.get("address", "").lower():
        return False
    form = legal_form(r["name"])
    return bool(form) and any(
        norm_name(r["name"]) == norm_name(x) and legal_form(x) == form for x in [e["name"], *e.get("aliases", [])]
    )


def names_agree(r: dict, e: dict) -> bool:
    rn = {norm_name(r["name"])} | {norm_name(x) for x in r.get("runs", [])}
    en = {norm_name(e["name"])} | {norm_name(a) for a in e.get("aliases", [])}
    rn.discard("")
    en.discard("")
    if rn & en:
        return True
    # "google" vs "google ireland": one name a word-prefix of the other
    rfirst = norm_name(r["name"])
    return any(x and (rfirst.startswith(x + " ") or x.startswith(rfirst + " ")) for x in en)


# --------------------------------------------------------------------------------------------------------------
# Reviewed matches and TOML emission


def load_reviewed(path: Path) -> list[dict]:
    """Lines `entity<TAB>slug<TAB>note[<TAB>options]`; options `drop=email,phone;controller=Name`."""
    out = []
    if not path.exists():
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            sys.exit(f"{path}:{n}: expected 'entity<TAB>slug[<TAB>note[<TAB>options]]'")
        opts = {}
        for o in (parts[3] if len(parts) > 3 else "").split(";"):
            if "=" in o:
                k, v = o.split("=", 1)
                opts[k.strip()] = v.strip()
        out.append({"entity": parts[0].strip(), "slug": parts[1].strip(),
                    "note": parts[2].strip() if len(parts) > 2 else "", "opts": opts})
    return out


# Firms that act as GDPR Art. 27 representatives; an address "c/o <one of them>" is the representative's.
REPRESENTATIVES = ("eprivacy", "verasafe", "legal army", "rickert", "prighter", "datarep", "edpo",
                   "instant eu gdpr", "gdpr local", "bird & bird gdpr representative")
EEA = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
       "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"}


def representative(r: dict, e: dict, ctable: dict[str, str]) -> tuple[str, dict] | None:
    """('eu_representative' | 'uk_representative', table) when the record's address is c/o a representative
    and the entity is established outside the EEA (or the UK)."""
    lines = [l.strip() for l in r["address"].strip().splitlines() if l.strip()]
    if not lines or not lines[0].lower().startswith("c/o "):
        return None
    firm = lines[0][4:].strip()
    if not any(k in firm.lower() for k in REPRESENTATIVES):
        return None
    where = address_country(r["address"], ctable)
    if where in EEA and e["country"] not in EEA:
        kind = "eu_representative"
    elif where == "GB" and e["country"] != "GB":
        kind = "uk_representative"
    else:
        return None
    rep = {"name": firm, "address": firm + "\n" + "\n".join(lines[1:])}
    email = r.get("email", "")
    if email and firm.split()[0].lower() in email.lower().split("@")[-1]:
        rep["email"] = email
    return kind, rep


# Sources of a record that are not carried over: tracker lists (their licences and our rules forbid citing them).
NOT_CITED = ("disconnect.me", "disconnectme", "tracker-radar", "duckduckgo", "ghostery", "whotracks.me", "webxray",
             "x-ray.", "easylist", "exodus-privacy")


def toml_str(s: str) -> str:
    if "\n" in s:
        body = s.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        return '"""\n' + body + '"""'
    return json.dumps(s, ensure_ascii=False)


def privacy_toml(r: dict, e: dict, opts: dict, ctable: dict[str, str]) -> str:
    drop = set(x.strip() for x in opts.get("drop", "").split(",") if x.strip())
    controller = opts.get("controller", r["name"])
    lines = ["", "[privacy]"]
    if norm_name(controller) != norm_name(e["name"]):
        lines.append(f"controller_name = {toml_str(controller)}")
    if r.get("email") and "email" not in drop:
        lines.append(f"email = {toml_str(r['email'])}")
    if "address" not in drop:
        addr = controller + "\n" + "\n".join(l.strip() for l in r["address"].strip().splitlines())
        lines.append(f"address = {toml_str(addr)}")
    if r.get("webform") and "web_form" not in drop:
        lines.append(f"web_form = {toml_str(r['webform'])}")
    if r.get("phone") and "phone" not in drop:
        lines.append(f"phone = {toml_str(r['phone'])}")
    lines.append(f'as_of = "{SNAPSHOT_DATE}"')
    rep = representative(r, e, ctable)
    if rep:
        kind, t = rep
        lines += ["", f"[privacy.{kind}]"] + [f"{k} = {toml_str(v)}" for k, v in t.items()]
    lines += [
        "",
        "[[privacy.references]]",
        f'url = "https://www.datarequests.org/company/{r["slug"]}"',
        f'title = "Datenanfragen.de company record \'{r["slug"]}\' (CC0), snapshot {SNAPSHOT_DATE}"',
        f'date = "{SNAPSHOT_DATE}"',
    ]
    for src in r.get("sources", []):
        if not src.startswith(("https://", "http://")) or any(b in src.lower() for b in NOT_CITED):
            continue
        lines += [
            "",
            "[[privacy.references]]",
            f"url = {toml_str(src)}",
            f"title = {toml_str('Source cited by the Datenanfragen.de record ' + repr(r['slug']))}",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------------
# Coverage


def coverage(db: Db, prev: list[tuple[str, float]], n: int) -> tuple[float, float, float]:
    """-> (share with a contact, share with an entity at all, total weight) over the top n domains."""
    rows = prev[:n]
    total = sum(w for _, w in rows) or 1.0
    with_contact = with_entity = 0.0
    for d, w in rows:
        hit = db.entity_of_host(d)
        if not hit:
            continue
        with_entity += w
        if db.contact_holder(hit[0]):
            with_contact += w
    return with_contact / total, with_entity / total, total


def entities_without_contact(db: Db, prev: list[tuple[str, float]], n: int) -> list[tuple[str, float, int]]:
    """Entities that top-n domains resolve to and that reach no [privacy] table up their chain, by aggregate
    weight share. The contact belongs on such an entity (or on a parent of it that answers for it)."""
    rows = prev[:n]
    total = sum(w for _, w in rows) or 1.0
    agg: dict[str, list] = collections.defaultdict(lambda: [0.0, 0])
    for d, w in rows:
        hit = db.entity_of_host(d)
        if not hit or db.contact_holder(hit[0]):
            continue
        agg[hit[0]][0] += w
        agg[hit[0]][1] += 1
    return sorted(((c, v[0] / total, v[1]) for c, v in agg.items()), key=lambda x: (-x[1], x[0]))


def entity_weights(db: Db, prev: list[tuple[str, float]], n: int) -> dict[str, float]:
    """Aggregate share of the top-n weight that resolves to each entity or one of its descendants."""
    rows = prev[:n]
    total = sum(w for _, w in rows) or 1.0
    agg: dict[str, float] = collections.defaultdict(float)
    for d, w in rows:
        hit = db.entity_of_host(d)
        if hit:
            for x in db.chain(hit[0]):
                agg[x] += w / total
    return agg


# --------------------------------------------------------------------------------------------------------------


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("snapshot", nargs="?", default="../shared/data/datenanfragen")
    ap.add_argument("--data", default="data")
    ap.add_argument("--prevalence", default="../shared/data/third-party-prevalence.tsv")
    ap.add_argument("--report", default="docs/contacts-report.md")
    ap.add_argument("--reviewed", default="scripts/contacts/reviewed.tsv")
    ap.add_argument("--no-report", action="store_true", help="print the figures only")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--emit", action="store_true", help="print [privacy] TOML for reviewed, not yet applied matches")
    g.add_argument("--apply", action="store_true", help="append that TOML to the entity files")
    args = ap.parse_args()

    def path(p: str) -> Path:
        q = Path(p)
        return (q if q.is_absolute() or q.exists() else REPO / q).resolve()

    snapshot, data = path(args.snapshot), path(args.data)
    psl = Psl(REPO / "build" / "public_suffix_list.txt")
    ents = load_entities(data)
    db = Db(ents, psl)
    recs = load_records(snapshot)
    ctable = country_table(data / "jurisdictions.toml")
    reviewed = load_reviewed(path(args.reviewed))

    # ---- emission of reviewed matches
    if args.emit or args.apply:
        done = 0
        for rv in reviewed:
            if rv["entity"].startswith("-"):
                continue
            e, r = ents.get(rv["entity"]), recs.get(rv["slug"])
            if e is None or r is None:
                sys.exit(f"reviewed.tsv: unknown entity {rv['entity']!r} or record {rv['slug']!r}")
            if e.get("privacy"):
                continue
            t = privacy_toml(r, e, rv["opts"], ctable)
            if args.emit:
                print(f"# {e['_path'].relative_to(REPO)} <- {r['slug']}{t}")
            else:
                text = e["_path"].read_text(encoding="utf-8")
                if not text.endswith("\n"):
                    text += "\n"
                e["_path"].write_text(text + t, encoding="utf-8")
                e["privacy"] = {"_applied": True}
            done += 1
        print(f"{'emitted' if args.emit else 'applied'} {done} [privacy] table(s)", file=sys.stderr)
        if args.emit:
            return
        ents = load_entities(data)
        db = Db(ents, psl)

    # ---- matching
    primary_of: dict[str, dict[str, list[str]]] = {}
    brands_of: dict[str, dict[str, list[str]]] = {}
    for slug, r in recs.items():
        p, b = match_record(r, db)
        if p:
            primary_of[slug] = p
        if b:
            brands_of[slug] = b
    records_of_entity: dict[str, list[str]] = collections.defaultdict(list)
    for slug, p in primary_of.items():
        for eid in p:
            records_of_entity[eid].append(slug)

    cited: dict[str, list[str]] = collections.defaultdict(list)  # entity -> slugs cited in its [privacy]
    for eid, e in ents.items():
        for ref in (e.get("privacy") or {}).get("references", []):
            m = re.match(r"https://www\.datarequests\.org/company/([a-z0-9-]+)", ref.get("url", ""))
            if m:
                cited[eid].append(m.group(1))

    multi_entity = {s: p for s, p in primary_of.items() if len(p) > 1}
    multi_record = {e: s for e, s in records_of_entity.items() if len(s) > 1}
    name_mismatch = []
    country_mismatch = []
    agreement: list[tuple[str, str, str, str, str, bool]] = []
    for slug, p in primary_of.items():
        r = recs[slug]
        for eid, how in p.items():
            e = ents[eid]
            if not names_agree(r, e):
                name_mismatch.append((slug, eid, how))
            rc = address_country(r["address"], ctable)
            seat = e["legal_seat"].split("-")[0]
            if rc and rc != e["country"] and rc != seat:
                country_mismatch.append((slug, eid, rc, e["country"], e["legal_seat"]))
            # The country agreement with this independent source (issue 13): only where the record is the same
            # legal entity: the same name and the same legal form (not a market's subsidiary such as "Google
            # Ireland Ltd." or "PubMatic GmbH" for PubMatic, Inc.), not a representative's address ("c/o …").
            if rc and "web" in " ".join(how) and same_legal_entity(r, e):
                agreement.append((slug, eid, rc, e["country"], e["legal_seat"], rc in (e["country"], seat)))

    # ---- coverage
    prev = load_prevalence(path(args.prevalence)) if path(args.prevalence).exists() else []
    cov = {n: coverage(db, prev, n) for n in (1000, 3000)} if prev else {}
    missing = entities_without_contact(db, prev, 3000) if prev else []
    missing1k = {c: s for c, s, _ in entities_without_contact(db, prev, 1000)} if prev else {}
    weights = entity_weights(db, prev, 3000) if prev else {}
    with_privacy = sorted(eid for eid, e in ents.items() if e.get("privacy"))

    for n, (c, ent, _) in cov.items():
        print(f"top-{n}: privacy contact for {pct(c)} of the prevalence weight "
              f"(entity known for {pct(ent)})")
    agreed = sum(1 for a in agreement if a[5])
    if agreement:
        print(f"country agreement with Datenanfragen (same legal entity, matched by web host): "
              f"{agreed} of {len(agreement)} ({pct(agreed / len(agreement))})")
    print(f"records: {len(recs)}; matched to an entity: {len(primary_of)} (+{len(set(brands_of) - set(primary_of))} "
          f"by runs only); entities with [privacy]: {len(with_privacy)}")
    if args.no_report:
        return

    # ---- report
    def ent_label(eid: str) -> str:
        return f"`{eid}`"

    out = []
    w = out.append
    w("# Privacy contacts: Datenanfragen matches and coverage")
    w("")
    w("Generated by `scripts/contacts/match.py` (do not edit by hand; re-run it). Inputs: the Datenanfragen.de "
      f"company database (CC0, snapshot {SNAPSHOT_DATE}, {len(recs)} records) and `data/entities` "
      f"({len(ents)} entities). The prevalence list (top third-party domains, CC BY-NC-SA) was read at run time "
      "only to weight and order; this report holds aggregate shares only, no rows of it.")
    w("")
    w("## Coverage")
    w("")
    w("Share of the prevalence weight of the top-N third-party domains whose controller has a privacy contact "
      "(the domain's entity, or the first entity with a `[privacy]` table up its ownership chain):")
    w("")
    w("| list | privacy contact | entity known |")
    w("|---|---|---|")
    for n, (c, ent, _) in cov.items():
        w(f"| top-{n} | {pct(c)} | {pct(ent)} |")
    w("")
    w(f"Entities with a `[privacy]` table: {len(with_privacy)}; of those citing a Datenanfragen record: "
      f"{sum(1 for e in with_privacy if cited.get(e))}.")
    w("")
    w("## Matches")
    w("")
    w(f"{len(primary_of)} records match at least one entity by their web host, a domain in their name, or their "
      f"normalised name; {len(set(brands_of) - set(primary_of))} more only through a brand in `runs`. "
      "`applied` = the entity's `[privacy]` cites this record.")
    w("")
    w("| record | entity | how matched | quality | applied |")
    w("|---|---|---|---|---|")
    order = sorted(primary_of, key=lambda s: (-max(weights.get(e, 0) for e in primary_of[s]), s))
    for slug in order:
        r = recs[slug]
        for eid, how in sorted(primary_of[slug].items()):
            ap_ = "yes" if slug in cited.get(eid, []) else ""
            w(f"| `{slug}` | {ent_label(eid)} | {'; '.join(how)} | {r['quality']} | {ap_} |")
    w("")
    w("### Brand matches (record's `runs` names an entity)")
    w("")
    w("| record | entity | how matched |")
    w("|---|---|---|")
    for slug in sorted(brands_of):
        for eid, how in sorted(brands_of[slug].items()):
            w(f"| `{slug}` | {ent_label(eid)} | {'; '.join(how)} |")
    w("")
    w("## Review decisions")
    w("")
    w("Every `[privacy]` table in `data/` was reviewed by hand. Tables generated from a Datenanfragen record are listed in "
      "`scripts/contacts/reviewed.tsv` with the reason the record is the entity's own or its EU controller; records "
      "that matched but were not used are listed there too (entity prefixed with `-`).")
    w("")
    used = [rv for rv in reviewed if not rv["entity"].startswith("-")]
    rejected = [rv for rv in reviewed if rv["entity"].startswith("-")]
    w(f"### Records used ({len(used)})")
    w("")
    w("| entity | record | why |")
    w("|---|---|---|")
    for rv in sorted(used, key=lambda x: (-weights.get(x["entity"], 0), x["entity"])):
        w(f"| {ent_label(rv['entity'])} | `{rv['slug']}` | {rv['note']} |")
    w("")
    w(f"### Records matched but not used ({len(rejected)})")
    w("")
    w("| entity | record | why not |")
    w("|---|---|---|")
    for rv in sorted(rejected, key=lambda x: (-weights.get(x["entity"][1:], 0), x["entity"])):
        w(f"| {ent_label(rv['entity'][1:])} | `{rv['slug']}` | {rv['note']} |")
    w("")
    generated = {rv["entity"] for rv in used}
    hand = [eid for eid in with_privacy if eid not in generated]
    w(f"### Hand-written tables ({len(hand)})")
    w("")
    w("Contacts taken from the company's own privacy policy (or a Datenanfragen record that needed changes, e.g. the EU "
      "controller instead of the US parent); the first reference of each table is its source.")
    w("")
    w("| entity | controller | first reference |")
    w("|---|---|---|")
    for eid in sorted(hand, key=lambda x: (-weights.get(x, 0), x)):
        pv = ents[eid]["privacy"]
        refs = pv.get("references", [])
        w(f"| {ent_label(eid)} | {pv.get('controller_name', ents[eid]['name'])} | {refs[0]['url'] if refs else ''} |")
    w("")
    w("## Conflicts")
    w("")
    w("### Several records for one entity")
    w("")
    for eid in sorted(multi_record, key=lambda e: (-weights.get(e, 0), e)):
        chosen = ", ".join(f"`{s}`" for s in cited.get(eid, [])) or "none yet"
        w(f"- {ent_label(eid)}: " + ", ".join(f"`{s}` ({recs[s]['name']})" for s in sorted(multi_record[eid]))
          + f" — cited: {chosen}")
    w("")
    w("### A record matching several entities")
    w("")
    for slug in sorted(multi_entity):
        w(f"- `{slug}` ({recs[slug]['name']}): " + "; ".join(
            f"{ent_label(e)} ({', '.join(h)})" for e, h in sorted(multi_entity[slug].items())))
    w("")
    w("### Name mismatches (matched by domain, names disagree)")
    w("")
    w("| record | record name | entity | entity name | how |")
    w("|---|---|---|---|---|")
    for slug, eid, how in sorted(name_mismatch, key=lambda x: (-weights.get(x[1], 0), x[0])):
        w(f"| `{slug}` | {recs[slug]['name']} | {ent_label(eid)} | {ents[eid]['name']} | {'; '.join(how)} |")
    w("")
    w("### Postal country differs from the entity's country and legal seat")
    w("")
    w("Often legitimate (an EU establishment answers for a non-EU company, e.g. an Irish subsidiary); then the "
      "`[privacy]` table names it in `controller_name`.")
    w("")
    w("| record | record country | entity | entity country / seat |")
    w("|---|---|---|---|")
    for slug, eid, rc, ec, seat in sorted(country_mismatch, key=lambda x: (-weights.get(x[1], 0), x[0])):
        w(f"| `{slug}` | {rc} | {ent_label(eid)} | {ec} / {seat} |")
    w("")
    w("### Country agreement with this source")
    w("")
    w("Records that are the same legal entity as the entity they match (matched by their web host, and the same "
      "name and legal form: a market's subsidiary such as \"Google Ireland Ltd.\" or \"PubMatic GmbH\" is left out, and "
      "so is a representative's address, \"c/o …\"), with a postal "
      f"address in a known country: the address's country is the entity's `country` or its `legal_seat` for "
      f"**{agreed} of {len(agreement)}** ({pct(agreed / len(agreement)) if agreement else '-'}). The others:")
    w("")
    w("| record | record country | entity | entity country / seat |")
    w("|---|---|---|---|")
    for slug, eid, rc, ec, seat, ok in sorted(agreement, key=lambda x: (-weights.get(x[1], 0), x[0])):
        if not ok:
            w(f"| `{slug}` | {rc} | {ent_label(eid)} | {ec} / {seat} |")
    w("")
    w("## Entities left without a contact")
    w("")
    w("Entities that top-3,000 domains resolve to and that reach no `[privacy]` table up their ownership chain, by "
      "their aggregate share of the top-3,000 prevalence weight (and of the top-1,000), with their controller. "
      "Domains without any entity are not counted here (they lack an owner, not just a contact).")
    w("")
    w("| entity | name | controller | country | share of top-3000 weight | share of top-1000 weight | domains |")
    w("|---|---|---|---|---|---|---|")
    for c, share, k in missing[:200]:
        e = ents[c]
        ctl = db.controller(c)
        w(f"| {ent_label(c)} | {e['name']} | {ent_label(ctl) if ctl != c else ''} | {ents[ctl]['country']} | "
          f"{100 * share:.2f} % | {100 * missing1k.get(c, 0):.2f} % | {k} |")
    if len(missing) > 200:
        rest = sum(s for _, s, _ in missing[200:])
        w(f"| … {len(missing) - 200} more | | | | {100 * rest:.2f} % in all | | |")
    w("")
    others = [eid for eid in sorted(ents) if not db.contact_holder(eid)]
    w(f"In all, {len(others)} of {len(ents)} entities reach no `[privacy]` table up their chain.")
    w("")
    rp = path(args.report)
    rp.parent.mkdir(parents=True, exist_ok=True)
    rp.write_text("\n".join(out), encoding="utf-8")
    print(f"wrote {rp}", file=sys.stderr)


if __name__ == "__main__":
    main()
