#!/usr/bin/env python3
"""Writes the unpacked per-browser extensions dist/chrome/ and dist/firefox/, and the zips made from exactly those
folders: dist/whither-chrome.zip and dist/whither-firefox.zip (docs/building.md).

Only what ships, chosen by an allow-list of trees and file types (never by file name, so that files added to or
renamed in extension/ ship without a change here):
  manifest.json   generated per browser from the one source manifest at the repository root
  extension/      the JS shell: scripts, pages, styles, icons, the vendored assets in extension/vendor/
  pkg/            the wasm-bindgen output: every *.js and every *.wasm (and *.js under pkg/snippets/, if any),
                  and the IP table pkg/whither_ip.bin (by name: the one data file the background fetches on first use)
  _locales/       the messages
Nothing from src/, target/, tests/ or node_modules/ can get in. A file of another type in extension/ is reported
and left out.

The two manifests differ only where the browsers do: Chrome runs the background as a service worker and does not
know `browser_specific_settings`; Firefox runs it as an event page (`background.scripts`) and needs its gecko id.

Reproducible: files in a fixed (sorted) order, fixed times and permissions, in the folders and in the zips; two runs
on the same inputs give byte-identical zips (scripts/check-reproducible.sh).
Usage: scripts/package.py [--out DIR]   (default DIR: dist/)
"""
import argparse
import copy
import json
import os
import pathlib
import shutil
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BROWSERS = ("chrome", "firefox")
# Trees that ship and the file types each may contain.
TREES = {
    "extension": (".js", ".mjs", ".html", ".css", ".png", ".svg", ".json", ".txt", ".woff2"),
    "_locales": (".json",),
}
# 2026-01-01 00:00:00 UTC: the time of every file in the folders and zips.
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_EPOCH = 1767225600
FILE_MODE = 0o644
DIR_MODE = 0o755


def manifest_for(source, browser):
    """The manifest of one browser, from the source manifest (manifest.json at the repository root)."""
    m = copy.deepcopy(source)
    background = m.get("background", {})
    if browser == "chrome":
        background.pop("scripts", None)
        m.pop("browser_specific_settings", None)
    else:
        background.pop("service_worker", None)
    return m


# The IP table (src/iptable.rs), written by `make wasm`; the background fetches it on first use.
IP_TABLE = "whither_ip.bin"


def shipped_files():
    """Paths (relative to the repository root, as POSIX strings) of every file that ships, sorted."""
    out = []
    skipped = []
    for tree, types in TREES.items():
        for p in (ROOT / tree).rglob("*"):
            rel = p.relative_to(ROOT)
            if not p.is_file() or any(part.startswith(".") for part in rel.parts):
                continue
            (out if p.suffix in types else skipped).append(rel.as_posix())
    pkg = ROOT / "pkg"
    wasm = sorted(pkg.glob("*.wasm"))
    if not wasm or not (pkg / "whither.js").is_file():
        sys.exit("package: pkg/ has no wasm module or no whither.js (run `make wasm` first)")
    out += [p.relative_to(ROOT).as_posix() for p in [*pkg.glob("*.js"), *wasm]]
    out += [p.relative_to(ROOT).as_posix() for p in (pkg / "snippets").rglob("*.js")]
    if not (pkg / IP_TABLE).is_file():
        sys.exit(f"package: pkg/{IP_TABLE} is missing (run `make wasm` first)")
    out.append(f"pkg/{IP_TABLE}")
    for path in sorted(skipped):
        print(f"package: not shipped (its type is not in the allow-list of scripts/package.py): {path}",
              file=sys.stderr)
    return sorted(set(out))


def write_tree(folder, manifest, files):
    """The unpacked extension: the manifest and the shipped files, with fixed times and permissions."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for rel in files:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, target)
    for path in sorted(folder.rglob("*"), reverse=True):
        os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)
        os.utime(path, (FIXED_EPOCH, FIXED_EPOCH))
    os.chmod(folder, DIR_MODE)
    os.utime(folder, (FIXED_EPOCH, FIXED_EPOCH))


def write_zip(target, folder):
    """A zip of exactly the files in `folder`, in sorted order, with fixed times and permissions."""
    members = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        for rel in members:
            info = zipfile.ZipInfo(rel, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read as such
            info.external_attr = (0o100000 | FILE_MODE) << 16
            z.writestr(info, (folder / rel).read_bytes(), compresslevel=9)
    tmp.replace(target)
    return len(members)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "dist"), help="output directory (default: dist/)")
    out = pathlib.Path(parser.parse_args().out).resolve()
    source = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
    files = shipped_files()
    out.mkdir(parents=True, exist_ok=True)
    for browser in BROWSERS:
        folder = out / browser
        write_tree(folder, manifest_for(source, browser), files)
        target = out / f"whither-{browser}.zip"
        n = write_zip(target, folder)
        shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
        print(f"package: {shown} and {folder.name}/ ({n} files, {target.stat().st_size} bytes zipped)")


if __name__ == "__main__":
    main()
