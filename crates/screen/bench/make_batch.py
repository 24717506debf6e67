#!/usr/bin/env python3
"""Writes a batch CSV for `unmask screen --batch` throughput runs (docs/BENCHMARKS.md).

    python3 crates/screen/bench/make_batch.py 50000 > /tmp/batch.csv

Rows (id,name,schema,birth_date,country), deterministic (seed 7): one third names of
the OFAC 2021 list as written (sdn.csv and alt.csv), one third the same lowercased
with the first word moved last, one third random Korean-looking and Western names
(mostly on no list).
"""
import csv
import random
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "testdata" / "ofac_sdn_2021"
SURNAMES = "Kim Ri Lee Pak Park Choe Choi Jong Jung Kang Cho Yun Jang Han Rim Son".split()
SYLLABLES = "Jong Un Chol Song Il Yong Hyok Myong Nam Sik Su Kwang Hyon Chun Ho Min Jin".split()
WESTERN = "John Mary Peter Anna James Laura Smith Miller Garcia Novak Rossi Weber".split()


def list_names():
    names = []
    for path, column in ((DATA / "sdn.csv", 1), (DATA / "alt.csv", 3)):
        with open(path, newline="", encoding="latin-1") as f:
            for row in csv.reader(f):
                if len(row) > column and row[column].strip() not in ("", "-0-"):
                    names.append(row[column].strip())
    return names


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    rng = random.Random(7)
    names = list_names()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "name", "schema", "birth_date", "country"])
    for i in range(n):
        kind = i % 3
        if kind == 0:
            name = rng.choice(names)
        elif kind == 1:
            words = rng.choice(names).replace(",", "").lower().split()
            name = " ".join(words[1:] + words[:1])
        elif rng.random() < 0.5:
            name = f"{rng.choice(SURNAMES)} {rng.choice(SYLLABLES)}-{rng.choice(SYLLABLES).lower()}"
        else:
            name = f"{rng.choice(WESTERN)} {rng.choice(WESTERN)}"
        out.writerow([i, name, "", "", ""])


if __name__ == "__main__":
    main()
