#!/usr/bin/env python3
"""Packages the built extension into dist/whither-chrome.zip and dist/whither-firefox.zip.

Allow-list only: the manifest, locales, the JS shell and the two wasm-bindgen outputs. Nothing from src/, target/,
tests/ or node_modules/ can end up in a zip. Both browsers load the same files (one manifest); the two zips exist
because the stores take one upload each. Timestamps are fixed so that the zips are reproducible.
"""
import pathlib
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILES = ["manifest.json", "pkg/whither.js", "pkg/whither_bg.wasm"]
TREES = {"_locales": (".json",), "extension": (".js", ".html", ".css", ".png", ".svg", ".json", ".txt")}


def members():
    out = [ROOT / f for f in FILES]
    for tree, exts in TREES.items():
        out += sorted(p for p in (ROOT / tree).rglob("*") if p.is_file() and p.suffix in exts)
    missing = [str(p.relative_to(ROOT)) for p in out if not p.is_file()]
    if missing:
        sys.exit(f"package: missing {', '.join(missing)} (run `make wasm` first)")
    return out


def main():
    dist = ROOT / "dist"
    dist.mkdir(exist_ok=True)
    files = members()
    for browser in ("chrome", "firefox"):
        target = dist / f"whither-{browser}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for path in files:
                info = zipfile.ZipInfo(str(path.relative_to(ROOT)), date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, path.read_bytes())
        print(f"package: {target.relative_to(ROOT)} ({len(files)} files, {target.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
