#!/usr/bin/env python3
"""Regenerates the ISO 3166-1 part of data/countries.yaml from Debian's iso-codes package.

Usage: python3 data/tools/gen-countries.py [ISO_JSON] < data/countries.yaml > new.yaml

For each country, `names` (the ISO short name, official name and common name) and `codes` (alpha-3
and numeric) are taken from iso-codes; every other field (`also_known_as`, `treated_as`, ...) and
the `regions` and `ambiguous` sections are kept as they are in the file read, since they are ours.
Not needed to build eccn: run it when iso-codes changes, and review the diff.
"""
import json
import sys

import yaml  # python3-yaml

iso_path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/iso-codes/json/iso_3166-1.json"
iso = {e["alpha_2"]: e for e in json.load(open(iso_path, encoding="utf-8"))["3166-1"]}
text = sys.stdin.read()
head = text[: text.index("countries:")]
doc = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar a string: NO stays Norway
old = {c["code"]: c for c in doc["countries"]}


def q(s):
    return json.dumps(s, ensure_ascii=False)


def emit(key, v):
    if isinstance(v, list):
        return f"    {key}: [{', '.join(q(x) for x in v)}]"
    return f"    {key}: {q(v) if key.endswith('source') or key == 'why' else v}"


out = [head.rstrip("\n"), "countries:"]
for code in sorted(set(iso) | set(old)):
    e, c = iso.get(code), old.get(code, {})
    out.append(f"  - code: {code}")
    if e:
        names = []
        for k in ("name", "official_name", "common_name"):
            if e.get(k) and e[k] not in names:
                names.append(e[k])
        out.append(emit("names", names))
        out.append(emit("codes", [e["alpha_3"], e["numeric"]]))
    for k, v in c.items():
        if k not in ("code", "names", "codes"):
            out.append(emit(k, v))
for section in ("regions", "ambiguous"):
    if section in doc:
        out.append(f"{section}:")
        for r in doc[section]:
            first = True
            for k, v in r.items():
                line = emit(k, v)
                out.append(("  - " + line.lstrip()) if first else line)
                first = False
print("\n".join(out))
