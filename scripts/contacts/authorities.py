#!/usr/bin/env python3
"""Writes data/authorities/<id>.toml from the supervisory-authority records of the Datenanfragen.de snapshot (CC0).

Usage (from the repository root): python3 scripts/contacts/authorities.py [SNAPSHOT] [--out data/authorities]

SNAPSHOT is the directory of the snapshot (holding `supervisory-authorities/*.json`); default
`../shared/data/datenanfragen`. Every record competent for the general public of its country becomes one file,
citing the record and the record's own sources. Left out: the authorities of churches and broadcasters and the one
for Bavaria's public bodies (they are not competent for complaints about companies). The German authorities of the
Länder get their ISO 3166-2 region, so that a person picks the one of their state. Files that exist are replaced;
the authorities that Whither adds by hand (ids that are not slugs of the snapshot) are left alone.

Python 3.11+, standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT_DATE = "2026-07-21"
RECORD_URL = "https://github.com/datenanfragen/data/blob/master/supervisory-authorities/{slug}.json"

# Competent only for churches, public broadcasters or public bodies: not for complaints about companies.
SKIP = {"deekdbfd", "dekathbayddsb", "dekathdsz", "dekathffdsz", "dekathnordddsb", "dekathostddsb", "derf", "derfdw",
        "debayldb"}
# The German Länder's authorities (competent for companies seated in their state, and for its residents' complaints).
REGIONS = {
    "debawueldb": "DE-BW", "debaylda": "DE-BY", "deberlbdi": "DE-BE", "debralda": "DE-BB", "debrelfdi": "DE-HB",
    "dehessbdi": "DE-HE", "dehmbbfdi": "DE-HH", "demvldi": "DE-MV", "dendslfd": "DE-NI", "denrwldi": "DE-NW",
    "derlpbdi": "DE-RP", "desaarudz": "DE-SL", "desaechsdsb": "DE-SN", "desalbd": "DE-ST", "deshuld": "DE-SH",
    "detlfdi": "DE-TH",
}


# France's overseas departments and regions are part of France (and of the EU) but have ISO 3166-1 codes of their own:
# the CNIL is their authority as it is mainland France's.
TERRITORIES = {"frcnil": ["GF", "GP", "MF", "MQ", "RE", "YT"]}


def toml_string(value: str) -> str:
    """A TOML basic string (multi-line when the value has line breaks)."""
    if "\n" in value:
        escaped = value.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        return f'"""\n{escaped}"""'
    return json.dumps(value, ensure_ascii=False)


def convert(record: dict) -> str:
    slug = record["slug"]
    countries = [c for c in record.get("relevant-countries", []) if c != "all"]
    if len(countries) != 1:
        raise ValueError(f"{slug}: expected one relevant country, got {countries}")
    lines = [
        f"# Converted by scripts/contacts/authorities.py from the Datenanfragen.de record '{slug}' (CC0), "
        f"snapshot {SNAPSHOT_DATE}.",
        f"id = {toml_string(slug)}",
        f"name = {toml_string(record['name'])}",
        f"country = {toml_string(countries[0].upper())}",
    ]
    if slug in TERRITORIES:
        lines.append(f"territories = {json.dumps(TERRITORIES[slug])}")
    if slug in REGIONS:
        lines.append(f"region = {toml_string(REGIONS[slug])}")
    for key, field in (("address", "address"), ("email", "email"), ("web_form", "webform"), ("phone", "phone"),
                       ("website", "web"), ("complaint_language", "complaint-language")):
        if record.get(field):
            lines.append(f"{key} = {toml_string(record[field])}")
    lines.append(f'as_of = "{SNAPSHOT_DATE}"')
    lines += ["", "[[references]]", f"url = {toml_string(RECORD_URL.format(slug=slug))}",
              f"title = {toml_string(f'Datenanfragen.de supervisory authority record {slug!r} (CC0), snapshot {SNAPSHOT_DATE}')}",
              f'date = "{SNAPSHOT_DATE}"']
    for source in record.get("sources", []):
        lines += ["", "[[references]]", f"url = {toml_string(source)}",
                  f"title = {toml_string(f'Source cited by the Datenanfragen.de record {slug!r}')}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("snapshot", nargs="?", default=str(REPO.parent / "shared/data/datenanfragen"))
    parser.add_argument("--out", default=str(REPO / "data/authorities"))
    args = parser.parse_args()
    src = Path(args.snapshot) / "supervisory-authorities"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in sorted(src.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["slug"] in SKIP:
            continue
        (out / f"{record['slug']}.toml").write_text(convert(record), encoding="utf-8")
        written += 1
    print(f"authorities: {written} files written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
