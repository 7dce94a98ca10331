"""Runs one command and writes what it cost to a JSON file: wall seconds, user and system CPU seconds, and peak
resident memory (wait4's ru_maxrss).

Why a separate small process: Linux keeps a process's peak-RSS high-water mark across fork and exec, so a child
forked straight from a big harness process (the compare script holds hundreds of MB) would report the harness's
size as its own peak. Forked from this small interpreter instead, a child's figure is its own (plus at most this
launcher's ~10 MB, reported as `floor_rss_bytes`).

    python3 -S launcher.py RESULT.json -- COMMAND [ARGS...]

Exits with the command's exit code; stdin, stdout and stderr pass through. Standard library only.
"""
import json
import os
import resource
import subprocess
import sys
import time


def main():
    result_path = sys.argv[1]
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: launcher.py RESULT.json -- COMMAND [ARGS...]")
    command = sys.argv[3:]
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    proc = subprocess.Popen(command)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    with open(result_path, "w") as f:
        json.dump({"wall_s": wall, "cpu_user_s": usage.ru_utime, "cpu_sys_s": usage.ru_stime,
                   "peak_rss_bytes": usage.ru_maxrss * 1024, "floor_rss_bytes": floor, "exit": code}, f)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
