#!/usr/bin/env python3
"""Validates dev.jsonl / heldout.jsonl and prints counts."""
import json, os, sys
from collections import Counter

TOPICS = ["trafficking.signs", "trafficking.help", "smuggling.risks", "recruitment.check",
          "pathways.regular", "journey.prepare", "return.assisted", "return.reintegration",
          "help.emergency", "help.health", "help.family", "help.counsellor", "about.service"]
LANGS = ["en", "fr", "ar", "fa-AF", "ps", "am", "ti", "om", "so", "ha", "ckb"]
KEYS = {"id", "text", "ch", "topics", "lang", "escalate", "first"}
MIN_FILE = {"dev.jsonl": 200, "heldout.jsonl": 130}
here = os.path.dirname(os.path.abspath(__file__))
errors, items, ids, texts = [], {}, set(), set()

for name in MIN_FILE:
    items[name] = []
    with open(os.path.join(here, name), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            where = f"{name}:{n}"
            try:
                it = json.loads(line)
            except Exception as e:
                errors.append(f"{where}: bad JSON ({e})"); continue
            if set(it) != KEYS: errors.append(f"{where}: keys {sorted(it)}")
            if it["id"] in ids: errors.append(f"{where}: duplicate id {it['id']}")
            ids.add(it["id"])
            if it["text"] in texts: errors.append(f"{where}: duplicate text")
            texts.add(it["text"])
            if len(it["text"].split()) < 2: errors.append(f"{where}: one-word message")
            if it["ch"] not in ("sms", "whatsapp"): errors.append(f"{where}: ch")
            t = it["topics"]
            if not (1 <= len(t) <= 2) or any(x not in TOPICS for x in t) or len(set(t)) != len(t):
                errors.append(f"{where}: topics {t}")
            if not (1 <= len(it["lang"]) <= 2) or any(x not in LANGS for x in it["lang"]):
                errors.append(f"{where}: lang {it['lang']}")
            if not it["id"].startswith(it["lang"][0] + "-"): errors.append(f"{where}: id/lang mismatch")
            if it["escalate"] is not ("help.emergency" in t): errors.append(f"{where}: escalate")
            if "help.emergency" in t and t != ["help.emergency"]: errors.append(f"{where}: emergency must be alone")
            if not isinstance(it["first"], bool): errors.append(f"{where}: first")
            items[name].append(it)
    if len(items[name]) < MIN_FILE[name]:
        errors.append(f"{name}: {len(items[name])} items < {MIN_FILE[name]}")

allit = items["dev.jsonl"] + items["heldout.jsonl"]
bylang = {n: Counter(i["lang"][0] for i in v) for n, v in items.items()}
bytopic = {n: Counter(i["topics"][0] for i in v) for n, v in items.items()}
tot_lang = Counter(i["lang"][0] for i in allit)
pairs = Counter((i["lang"][0], i["topics"][0]) for i in allit)
for l in LANGS:
    need = 40 if l in ("en", "fr", "ar") else 20
    if tot_lang[l] < need: errors.append(f"lang {l}: {tot_lang[l]} < {need}")
    for t in TOPICS:
        if pairs[(l, t)] == 0: errors.append(f"missing {l} x {t}")
    if pairs[(l, "help.emergency")] == 0: errors.append(f"no emergency in {l}")

print(f"{'lang':6} {'dev':>5} {'held':>5} {'total':>6} {'emerg':>6}")
for l in LANGS:
    print(f"{l:6} {bylang['dev.jsonl'][l]:5} {bylang['heldout.jsonl'][l]:5} {tot_lang[l]:6} {pairs[(l,'help.emergency')]:6}")
print(f"\n{'topic (first id)':22} {'dev':>5} {'held':>5} {'total':>6}")
for t in TOPICS:
    d, h = bytopic["dev.jsonl"][t], bytopic["heldout.jsonl"][t]
    print(f"{t:22} {d:5} {h:5} {d+h:6}")
n = len(allit)
em = sum(i["escalate"] for i in allit)
print(f"\nTOTAL dev={len(items['dev.jsonl'])} heldout={len(items['heldout.jsonl'])} all={n}")
print(f"emergency: {em} ({100*em/n:.1f}%)  first=true: {100*sum(i['first'] for i in allit)/n:.1f}%  "
      f"whatsapp: {100*sum(i['ch']=='whatsapp' for i in allit)/n:.1f}%  "
      f"two topics: {sum(len(i['topics'])==2 for i in allit)}  two langs: {sum(len(i['lang'])==2 for i in allit)}")
if errors:
    print("\nERRORS:"); [print(" ", e) for e in errors]; sys.exit(1)
print("OK")
