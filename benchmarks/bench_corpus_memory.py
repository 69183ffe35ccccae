"""Memory and time of loading a corpus for training: peak bytes per corpus character.

Builds a corpus of --mb megabytes (the given text repeated) in a temporary folder, then in a fresh
process per case loads it with ``rnnviz.lm.data.load_corpus`` and cuts the training ids into
streams as the trainer does (``batchify``). Each case reports the peak resident memory above the
process's baseline after imports (``VmHWM`` - ``VmRSS`` of /proc/self/status) per corpus
character, and for bytes and characters the tracemalloc peak (in a separate run: it slows
allocation).
The reference, measured in the same run, is reading the file's bytes once (``Path.read_bytes``):
about one byte per character. Goal: at most 3 bytes per character at peak.

    python benchmarks/bench_corpus_memory.py --text FILE [--mb 100]

A last pair of runs loads the corpus in a thread while the main thread wakes every 5 ms, as a
window's event loop would, and reports its longest gap (the goal of the app: no gap > 100 ms).

Last line: ``corpus_char_bytes_per_char=<a> corpus_word_bytes_per_char=<b> corpus_char_s=<c>
corpus_max_gap_ms=<d>``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CASE = r"""
import json, sys, time, tracemalloc
from pathlib import Path
import numpy as np
from rnnviz.lm.data import batchify, load_corpus
def status(field):
    # VmRSS now / VmHWM peak of this process (unlike ru_maxrss, not inherited across exec)
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
path, case, trace = sys.argv[1], sys.argv[2], sys.argv[3] == "trace"
base = status("VmRSS")
if trace:
    tracemalloc.start()
start = time.perf_counter()
if case == "read":
    data = Path(path).read_bytes()
    tokens = len(data)
elif case.startswith("stall-"):
    # the longest gap of a thread that wakes every 5 ms (a window's event loop) while another
    # thread tokenises: how long tokenising keeps the interpreter lock at a time
    import threading
    done = threading.Event()
    result = {}
    def work():
        if case == "stall-none":   # the reference: the same ticker beside a sleeping thread
            time.sleep(3.0)
            result["corpus"] = None
        else:
            result["corpus"] = load_corpus(path, level=case[6:])
        done.set()
    worker = threading.Thread(target=work)
    gaps = []
    last = time.perf_counter()
    worker.start()
    while not done.is_set():
        time.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    tokens = 0 if result["corpus"] is None else result["corpus"].train.size
    gaps.sort()
    print(json.dumps({"max_gap_ms": 1000 * gaps[-1], "p99_gap_ms": 1000 * gaps[int(0.99 * (len(gaps) - 1))],
                      "tokens": tokens}))
    sys.exit(0)
else:
    corpus = load_corpus(path, level=case)
    streams = batchify(corpus.train, 32)
    tokens = corpus.train.size
seconds = time.perf_counter() - start
traced = tracemalloc.get_traced_memory()[1] if trace else None
peak = status("VmHWM")
print(json.dumps({"rss": peak - base, "traced": traced, "seconds": seconds, "tokens": tokens}))
"""


def run_case(path: Path, case: str, trace: bool = False) -> dict:
    result = subprocess.run([sys.executable, "-c", CASE, str(path), case, "trace" if trace else "-"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", required=True, help="a UTF-8 text to repeat (e.g. Tiny Shakespeare)")
    parser.add_argument("--mb", type=float, default=100.0, help="corpus size in MB (default 100)")
    args = parser.parse_args()
    seed_text = Path(args.text).read_bytes()
    size = int(args.mb * 1e6)
    try:
        one, five, _ = os.getloadavg()
        print(f"load average {one:.2f} {five:.2f} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.txt"
        with open(path, "wb") as handle:
            written = 0
            while written < size:
                piece = seed_text[:size - written]
                handle.write(piece)
                written += len(piece)
        chars = len(path.read_bytes().decode("utf-8"))
        results = {case: run_case(path, case) for case in ("read", "char", "word")}
        # tracemalloc slows every Python allocation, so it runs apart from the timed runs (and
        # not for words: one Python object per word makes it crawl)
        traced = {case: run_case(path, case, trace=True)["traced"] for case in ("read", "char")}
        stalls = {level: run_case(path, f"stall-{level}") for level in ("none", "char", "word")}
    print(f"corpus: {size / 1e6:.0f} MB, {chars:,} characters")
    for case, result in results.items():
        extra = f", tracemalloc peak {traced[case] / chars:5.2f} bytes/char" if case in traced else ""
        print(f"{case:>5}: peak RSS +{result['rss'] / 2**20:7.0f} MiB = {result['rss'] / chars:5.2f} bytes/char"
              f"{extra}, {result['seconds']:6.2f} s, {result['tokens']:,} tokens")
    for level, stall in stalls.items():
        beside = "a sleeping thread (reference)" if level == "none" else f"{level} tokenising"
        print(f"a 5 ms ticker beside {beside}: longest gap {stall['max_gap_ms']:.1f} ms, "
              f"99th percentile {stall['p99_gap_ms']:.1f} ms")
    reference = results["read"]["rss"] / chars
    for case in ("char", "word"):
        print(f"{case}: {results[case]['rss'] / chars / reference:.2f} x the reference (reading the bytes once)")
    print(f"corpus_char_bytes_per_char={results['char']['rss'] / chars:.2f} "
          f"corpus_word_bytes_per_char={results['word']['rss'] / chars:.2f} "
          f"corpus_char_s={results['char']['seconds']:.2f} "
          f"corpus_max_gap_ms={max(stalls['char']['max_gap_ms'], stalls['word']['max_gap_ms']):.1f}")


if __name__ == "__main__":
    main()
