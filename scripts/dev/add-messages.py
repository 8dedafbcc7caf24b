#!/usr/bin/env python3
"""Adds (or replaces) messages in _locales/{en,de,zh_CN}/messages.json from a JSON spec on stdin:
{"name": {"en": "...", "de": "...", "zh_CN": "...", "description": "...", "placeholders": {...}}, ...}
Keeps the files' order and adds new keys at the end. A development helper, not part of the build."""
import json, pathlib, sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
spec = json.load(sys.stdin)
for lang in ("en", "de", "zh_CN"):
    path = ROOT / "_locales" / lang / "messages.json"
    messages = json.loads(path.read_text(encoding="utf-8"))
    for name, m in spec.items():
        entry = {"message": m[lang]}
        if lang == "en" and m.get("description"):
            entry["description"] = m["description"]
        if m.get("placeholders"):
            entry["placeholders"] = m["placeholders"]
        messages[name] = entry
    path.write_text(json.dumps(messages, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
