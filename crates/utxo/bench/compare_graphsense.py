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
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    binary = args.bin or build(args.target_dir)
    data = os.path.join(args.workdir, f"input-{args.inputs}-{args.seed}.bin")
    labels_path = os.path.join(args.workdir, "unmask-labels.bin")
    subprocess.run([binary, "gen", data, str(args.inputs), str(args.seed)], check=True)

    txs, inputs, max_id, lists = read_input(data)

    # GraphSense: in this process, fed the Arrow list array zero-copy.
    wall = time.perf_counter()
    cpu = cpu_self()
    clustering = Clustering(max_id)
    clustering.process_transactions_arrow(lists)
    fed = time.perf_counter()
    mapping = clustering.get_mapping()
    gs_wall = time.perf_counter() - wall
    gs_cpu = cpu_self() - cpu
    gs_process = fed - wall
    del clustering

    # unmask: the example binary reads the same file and writes its labels.
    wall = time.perf_counter()
    cpu = cpu_children()
    out = subprocess.run([binary, "cluster", data, labels_path], check=True, capture_output=True, text=True)
    um_wall = time.perf_counter() - wall
    um_cpu = cpu_children() - cpu
    unmask = json.loads(out.stdout)

    with open(labels_path, "rb") as f:
        ours = pa.Array.from_buffers(pa.uint32(), max_id + 1, [None, pa.py_buffer(f.read())])
    theirs = mapping.column("cluster_id")
    ids = mapping.column("address_id")
    same_ids = len(ids) == max_id + 1 and pc.all(pc.equal(ids, pa.array(range(max_id + 1), pa.uint32()))).as_py()
    identical = same_ids and len(theirs) == len(ours) and pc.all(pc.equal(theirs, ours)).as_py()
    clusters = pc.count_distinct(theirs).as_py()

    result = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, pyarrow {pa.__version__}",
        "load_average_at_start": os.getloadavg()[0],
        "transactions": txs,
        "inputs": inputs,
        "addresses": max_id + 1,
        "clusters": clusters,
        "partitions_identical": identical,
        "graphsense": {
            "process_transactions_arrow_s": round(gs_process, 3),
            "process_and_get_mapping_s": round(gs_wall, 3),
            "cpu_s": round(gs_cpu, 2),
        },
        "unmask": {
            "cluster_s": unmask["cluster_s"],
            "cluster_cpu_s": unmask["cluster_cpu_s"],
            "load_file_s": unmask["load_s"],
            "process_wall_s": round(um_wall, 3),
            "cpu_s": round(um_cpu, 2),
        },
    }
    print(json.dumps(result, indent=2))
    print()
    print(f"{inputs:,} inputs, {txs:,} transactions, {max_id + 1:,} addresses, {clusters:,} clusters")
    print(f"GraphSense gs_clustering: {gs_wall:8.3f} s  (union-find + mapping, in memory; {gs_cpu:.2f} CPU s)")
    print(f"unmask cluster_batch:     {unmask['cluster_s']:8.3f} s  (union-find + minimum labels, in memory, one thread; {unmask['cluster_cpu_s']:.2f} CPU s)")
    print(f"unmask whole process:     {um_wall:8.3f} s  (with reading the file and writing labels; {um_cpu:.2f} CPU s)")
    print(f"partitions identical: {identical}")
    if not identical:
        sys.exit(1)


if __name__ == "__main__":
    main()
