#!/usr/bin/env python3
"""Side-by-side quality and speed: unmask-screen vs nomenklatura's logic-v2 (the matcher
behind OpenSanctions' yente), scoring the SAME candidate pairs.

    python3 -m venv /tmp/nk && /tmp/nk/bin/pip install nomenklatura
    cargo run --release -p unmask-screen --example screen_pairs > /tmp/pairs.jsonl
    /tmp/nk/bin/python crates/screen/bench/nomenklatura_compare.py /tmp/pairs.jsonl

The candidates are the ones our index proposes (top 10 at threshold 0), so nomenklatura is
judged on candidate pairs, not on candidate generation (yente needs Elasticsearch for
that). Quality figures use each matcher's score with threshold 0.7 (both defaults):
  alias    - OFAC 2021 DPRK aliases: expected entity ranked first (ties allowed), >= 0.7
  variant  - generated Korean re-spellings: expected entity scored >= 0.7
  unlisted - Korean-looking names on no list: any candidate >= 0.7 is a false positive
"""
import json
import sys
import time

from followthemoney import model
from followthemoney.proxy import EntityProxy
from nomenklatura.matching import get_algorithm

THRESHOLD = 0.7


def proxy(ident, schema, props):
    data = {"id": ident, "schema": schema, "properties": {k: v for k, v in props.items() if v}}
    return EntityProxy.from_dict(data)


def candidate_proxy(c):
    props = {"name": c["name"], "alias": c["alias"], "weakAlias": c["weakAlias"]}
    if c["schema"] == "Person":
        props["birthDate"] = c["birthDate"]
        props["nationality"] = c["country"]
    else:
        props["country"] = c["country"]
    return proxy(c["key"].replace(":", "-"), c["schema"], props)


def main(path):
    algorithm = get_algorithm("logic-v2")
    config = algorithm.default_config()
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    scored = []
    pairs = 0
    errors = 0
    error_kinds = {}
    errors_on_expected = 0
    start = time.perf_counter()
    for i, row in enumerate(rows):
        query = proxy(f"q{i}", row["schema"], {"name": [row["query"]]})
        theirs = []
        for c in row["candidates"]:
            if c["schema"] == "CryptoWallet":
                theirs.append(0.0)
                continue
            pairs += 1
            try:
                theirs.append(float(algorithm.compare(query, candidate_proxy(c), config).score))
            except Exception as exc:  # schema clash and the like: count as no match
                errors += 1
                kind = type(exc).__name__
                error_kinds[kind] = error_kinds.get(kind, 0) + 1
                errors_on_expected += c["key"] == row["expected"]
                theirs.append(0.0)
        scored.append(theirs)
    elapsed = time.perf_counter() - start

    def figures(score_of):
        out = {}
        for set_name in ("alias", "variant", "unlisted"):
            total = ok = 0
            for row, theirs in zip(rows, scored):
                if row["set"] != set_name:
                    continue
                total += 1
                scores = [score_of(c, t) for c, t in zip(row["candidates"], theirs)]
                keys = [c["key"] for c in row["candidates"]]
                if set_name == "unlisted":
                    ok += any(s >= THRESHOLD for s in scores)
                elif set_name == "variant":
                    ok += any(k == row["expected"] and s >= THRESHOLD for k, s in zip(keys, scores))
                else:
                    best = max(scores, default=0.0)
                    ok += any(k == row["expected"] and s >= THRESHOLD and abs(s - best) < 1e-6 for k, s in zip(keys, scores))
            out[set_name] = (ok, total)
        return out

    ours = figures(lambda c, t: c["ours"])
    nk = figures(lambda c, t: t)
    labels = {
        "alias": "OFAC DPRK aliases: own entity first",
        "variant": "Korean variants: recall at 0.7",
        "unlisted": "unlisted Korean names: false-positive rate",
    }
    print(f"{len(rows)} queries, {pairs} candidate pairs; nomenklatura raised on {errors} pairs {error_kinds}, {errors_on_expected} of them the expected entity")
    print(f"| figure | unmask-screen | nomenklatura logic-v2 |")
    print(f"|---|---|---|")
    for k, label in labels.items():
        (a, n), (b, _) = ours[k], nk[k]
        print(f"| {label} | {a}/{n} = {100 * a / max(n, 1):.2f}% | {b}/{n} = {100 * b / max(n, 1):.2f}% |")
    print(f"| scoring speed, one thread | see screen_pairs stderr (search incl. candidates) | {pairs / elapsed:.0f} pairs/s, {len(rows) / elapsed:.1f} queries/s (scoring only) |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/pairs.jsonl")
