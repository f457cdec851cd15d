#!/usr/bin/env python3
"""The batch benchmark (make bench): visits a second end to end from a CSV of 1,000,000 generated
claims with one pack (reading, grouping by person, estimating, writing the results and the
summary), and the peak memory (maximum resident set, from the kernel's rusage of that process) for 10,000,000
rows, ungrouped and with --grouped. The claims are generated once into target/bench-batch/
(bench/batch/gen.py); the CLI is built with `cargo build --release`.

Usage: bench/batch/run.py [RUNS] [--large ROWS] [--warmup N]   (RUNS timed runs of the 1M file,
default 3, the median reported, after N untimed ones, default 1; --large 0 skips the large runs)

Why a warm-up run: on these virtual machines, memory the kernel has handed back to the host (as it
does once the compiler has just freed gigabytes) costs up to several times more to touch again;
the first run after `cargo build` paid 0.3–0.8 s of kernel time for it, the next ones 0.05 s. All
timed runs are printed, so the spread is visible.
"""
import os
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIR = os.path.join(ROOT, "target", "bench-batch")
BIN = os.path.join(ROOT, "target", "release", "yibao")
GEN = os.path.join(ROOT, "bench", "batch", "gen.py")


def claims(rows, grouped=False):
    path = os.path.join(DIR, f"claims-{rows}{'-grouped' if grouped else ''}.csv")
    if not os.path.exists(path):
        subprocess.run([sys.executable, GEN, str(rows), path] + (["--grouped"] if grouped else []), check=True)
    return path


def run(args):
    """Seconds of wall time and the peak RSS (MiB) of one run of the CLI (os.wait4: that child's
    own resource usage)."""
    start = time.perf_counter()
    child = subprocess.Popen([BIN, "batch"] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    secs = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"yibao batch {' '.join(args)} exited {child.returncode}")
    return secs, usage.ru_maxrss / 1024


def main():
    args = sys.argv[1:]
    runs = int(args[0]) if args and args[0].isdigit() else 3
    large = int(args[args.index("--large") + 1]) if "--large" in args else 10_000_000
    warmup = int(args[args.index("--warmup") + 1]) if "--warmup" in args else 1
    os.makedirs(DIR, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--bin", "yibao"], cwd=ROOT, check=True)
    src = claims(1_000_000)
    out = os.path.join(DIR, "results.csv")
    for _ in range(warmup):
        run(["--policy", "gansu-2018", src, "--out", out])
    timed = [run(["--policy", "gansu-2018", src, "--out", out, "--summary", os.path.join(DIR, "summary.json")]) for _ in range(runs)]
    times = sorted(t for t, _ in timed)
    median = times[len(times) // 2]
    print(f"batch, 1,000,000 visits from CSV, one pack (gansu-2018), all cores: {median:.2f} s median of {runs} "
          f"({', '.join(f'{t:.2f}' for t in times)}), {1_000_000 / median:,.0f} visits/s, "
          f"peak memory {max(p for _, p in timed):,.0f} MiB")
    if large:
        for grouped in (False, True):
            src = claims(large, grouped)
            secs, peak = run((["--grouped"] if grouped else []) + ["--policy", "gansu-2018", src, "--out", out])
            print(f"batch{' --grouped' if grouped else ''}, {large:,} visits: {secs:.1f} s ({large / secs:,.0f} visits/s), "
                  f"peak memory {peak:,.0f} MiB")


main()
