#!/usr/bin/env python3
"""Side-by-side clustering benchmark: unmask vs GraphSense's Rust union-find.

Generates one synthetic input (transactions -> input address ids, Bitcoin-like
input counts and address reuse, written by `cluster_bench gen`), runs
GraphSense's clusterer (`pip install graphsense-clustering`, module
`gs_clustering`) and unmask's (`cluster_bench cluster`) on the same bytes, one
after the other, checks that the two partitions are identical (both label each
address with the smallest address id of its cluster) and prints both times.

    python3 crates/utxo/bench/compare_graphsense.py --inputs 50000000

Needs: Python 3.10+, pyarrow and graphsense-clustering; cargo to build the
example (or --bin PATH).
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.compute as pc
from gs_clustering import Clustering

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def cpu_self():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(target_dir):
    subprocess.run(
        ["cargo", "build", "--release", "-p", "unmask-utxo", "--example", "cluster_bench"],
        cwd=REPO,
        check=True,
        env=dict(os.environ, CARGO_TARGET_DIR=target_dir),
    )
    return os.path.join(target_dir, "release", "examples", "cluster_bench")


def read_input(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"UTXOCLU1":
        sys.exit(f"{path}: not a cluster_bench input")
    txs = int.from_bytes(data[8:16], "little")
    inputs = int.from_bytes(data[16:24], "little")
    max_id = int.from_bytes(data[24:28], "little")
    buffer = pa.py_buffer(data)
    offsets_end = 32 + 4 * (txs + 1)
    offsets = buffer.slice(32, 4 * (txs + 1))
    values = pa.Array.from_buffers(pa.uint32(), inputs, [None, buffer.slice(offsets_end, 4 * inputs)])
    lists = pa.Array.from_buffers(pa.list_(pa.uint32()), txs, [None, offsets], children=[values])
    return txs, inputs, max_id, lists


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=50_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", default="/tmp/unmask-cluster-bench")
    parser.add_argument("--bin", help="a built cluster_bench (default: cargo build --release)")
    parser.add_argument("--target-dir", default=os.path.join(REPO, "target"))
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each (best and median reported)")
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    binary = args.bin or build(args.target_dir)
    data = os.path.join(args.workdir, f"input-{args.inputs}-{args.seed}.bin")
    labels_path = os.path.join(args.workdir, "unmask-labels.bin")
    subprocess.run([binary, "gen", data, str(args.inputs), str(args.seed)], check=True)

    txs, inputs, max_id, lists = read_input(data)
    load_at_start = os.getloadavg()[0]

    gs_runs, um_runs = [], []
    for _ in range(args.repeat):
        # GraphSense: in this process, fed the Arrow list array zero-copy.
        wall = time.perf_counter()
        cpu = cpu_self()
        clustering = Clustering(max_id)
        clustering.process_transactions_arrow(lists)
        fed = time.perf_counter()
        mapping = clustering.get_mapping()
        gs_runs.append({
            "process_transactions_arrow_s": round(fed - wall, 3),
            "process_and_get_mapping_s": round(time.perf_counter() - wall, 3),
            "cpu_s": round(cpu_self() - cpu, 2),
        })
        del clustering

        # unmask: the example binary reads the same file and writes its labels.
        wall = time.perf_counter()
        cpu = cpu_children()
        out = subprocess.run([binary, "cluster", data, labels_path], check=True, capture_output=True, text=True)
        unmask = json.loads(out.stdout)
        um_runs.append({
            "cluster_s": unmask["cluster_s"],
            "cluster_cpu_s": unmask["cluster_cpu_s"],
            "load_file_s": unmask["load_s"],
            "process_wall_s": round(time.perf_counter() - wall, 3),
            "process_cpu_s": round(cpu_children() - cpu, 2),
        })

    with open(labels_path, "rb") as f:
        ours = pa.Array.from_buffers(pa.uint32(), max_id + 1, [None, pa.py_buffer(f.read())])
    theirs = mapping.column("cluster_id")
    ids = mapping.column("address_id")
    same_ids = len(ids) == max_id + 1 and pc.all(pc.equal(ids, pa.array(range(max_id + 1), pa.uint32()))).as_py()
    identical = same_ids and len(theirs) == len(ours) and pc.all(pc.equal(theirs, ours)).as_py()
    clusters = pc.count_distinct(theirs).as_py()

    def summary(runs, key):
        values = sorted(r[key] for r in runs)
        return {"best": values[0], "median": values[len(values) // 2]}

    result = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, pyarrow {pa.__version__}",
        "load_average_at_start": round(load_at_start, 2),
        "transactions": txs,
        "inputs": inputs,
        "addresses": max_id + 1,
        "clusters": clusters,
        "partitions_identical": identical,
        "graphsense_runs": gs_runs,
        "unmask_runs": um_runs,
    }
    print(json.dumps(result, indent=2))
    gs_wall = summary(gs_runs, "process_and_get_mapping_s")
    gs_cpu = summary(gs_runs, "cpu_s")
    um_wall = summary(um_runs, "cluster_s")
    um_cpu = summary(um_runs, "cluster_cpu_s")
    um_proc = summary(um_runs, "process_wall_s")
    print()
    print(f"{inputs:,} inputs, {txs:,} transactions, {max_id + 1:,} addresses, {clusters:,} clusters; {args.repeat} alternating runs each")
    print(f"GraphSense gs_clustering (process_transactions_arrow + get_mapping, in memory): best {gs_wall['best']:.3f} s, median {gs_wall['median']:.3f} s; CPU best {gs_cpu['best']:.2f} s")
    print(f"unmask cluster_batch (union-find + minimum labels, in memory, 1 thread):       best {um_wall['best']:.3f} s, median {um_wall['median']:.3f} s; CPU best {um_cpu['best']:.2f} s")
    print(f"unmask whole process (reading the file, writing the labels):                  best {um_proc['best']:.3f} s, median {um_proc['median']:.3f} s")
    print(f"partitions identical: {identical}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
