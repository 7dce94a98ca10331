"""Shared plumbing for scripts/bench and scripts/compare: paths, running a child process while measuring its wall
time, CPU time and peak resident memory (wait4), building and calling the corpus-index CLI, generating and
exporting dumps (cached under work-data/, gitignored), sizes, and Markdown tables. Standard library only."""
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "work-data")
RESULTS = os.path.join(ROOT, "bench-results")
FULL_SIZE = 251_287  # cables in the real Cablegate dump


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Measured:
    """What run_measured observed about one child process."""

    def __init__(self, rc, wall, user, system, peak_rss, stdout, stderr):
        self.rc, self.wall, self.user, self.system = rc, wall, user, system
        self.peak_rss, self.stdout, self.stderr = peak_rss, stdout, stderr

    @property
    def cpu(self):
        return self.user + self.system

    def as_dict(self):
        return {"wall_s": self.wall, "cpu_user_s": self.user, "cpu_sys_s": self.system, "cpu_s": self.cpu,
                "peak_rss_bytes": self.peak_rss}


LAUNCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "launcher.py")


def run_measured(cmd, env=None, check=True, stdout_file=None):
    """Runs `cmd` through launcher.py (a fresh small process, so the peak RSS is the command's own and not this
    harness's; see there) and returns a Measured: wall time, user and system CPU, peak resident memory."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    import tempfile
    fd, result_path = tempfile.mkstemp(prefix="measure-", suffix=".json")
    os.close(fd)
    launch = [sys.executable, "-S", LAUNCHER, result_path, "--"] + [str(c) for c in cmd]
    out = open(stdout_file, "wb") if stdout_file else subprocess.PIPE
    try:
        proc = subprocess.run(launch, stdout=out, stderr=subprocess.PIPE, env=full_env)
        with open(result_path) as f:
            r = json.load(f)
    finally:
        if stdout_file:
            out.close()
        os.remove(result_path)
    stdout = "" if stdout_file else proc.stdout.decode("utf-8", "replace")
    m = Measured(proc.returncode, r["wall_s"], r["cpu_user_s"], r["cpu_sys_s"], r["peak_rss_bytes"], stdout,
                 proc.stderr.decode("utf-8", "replace"))
    if check and m.rc != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {m.rc}:\n{m.stderr[-3000:]}")
    return m


def dir_size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for base, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(base, name))
    return total


def human_bytes(n):
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def parse_size(text):
    """'512M', '2G', '1000000' -> bytes (binary units)."""
    text = str(text).strip().upper().rstrip("B")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(float(text[:-1] if mult != 1 else text) * mult)


def md_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=False)
        f.write("\n")


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    return values[min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))]


# ---- corpus-index ----------------------------------------------------------------------------------------------

class CorpusIndex:
    """The corpus-index release binary, built on first use (`swift build -c release`)."""

    def __init__(self, build=True):
        self.path = os.environ.get("CORPUS_INDEX_BIN")  # a prebuilt binary (e.g. from another checkout)
        self._available = {}
        if self.path:
            if not os.access(self.path, os.X_OK):
                raise SystemExit(f"CORPUS_INDEX_BIN={self.path} is not an executable")
            return
        if build:
            log("swift build -c release (corpus-index)")
            subprocess.run(["swift", "build", "-c", "release", "--product", "corpus-index"], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)
        bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.strip()
        self.path = os.path.join(bin_dir, "corpus-index")
        if not os.path.exists(self.path):
            raise SystemExit(f"no corpus-index binary at {self.path}")

    def has(self, command):
        """Whether the subcommand exists in this build (the placeholders say 'not available')."""
        if command not in self._available:
            proc = subprocess.run([self.path, command, "--help"], capture_output=True, text=True)
            text = proc.stdout + proc.stderr
            self._available[command] = proc.returncode == 0 and "not yet available" not in text
        return self._available[command]

    def help(self, command):
        proc = subprocess.run([self.path, command, "--help"], capture_output=True, text=True)
        return proc.stdout + proc.stderr

    def cmd(self, *args):
        return [self.path] + [str(a) for a in args]


def ensure_dump(ci, cables, seed):
    """Generates (or reuses) the benchmark dump, returning its path; None when `generate` is not available."""
    if not ci.has("generate"):
        return None
    os.makedirs(os.path.join(WORK, "dumps"), exist_ok=True)
    path = os.path.join(WORK, "dumps", f"cables-{cables}-s{seed}.csv")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        log(f"generating {cables} cables (seed {seed}) -> {path}")
        tmp = path + ".tmp"
        m = run_measured(ci.cmd("generate", "--cables", cables, "--seed", seed, "-o", tmp))
        os.replace(tmp, path)
        log(f"generated {human_bytes(os.path.getsize(path))} in {m.wall:.1f} s")
    return path


def export_records(ci, dump, jsonl):
    """`corpus-index records DUMP` as JSON Lines into `jsonl` (cached, with its measurement beside it in
    `jsonl.export.json`); returns the measurement of the run that made it (a dict)."""
    sidecar = jsonl + ".export.json"
    if os.path.exists(jsonl) and os.path.getsize(jsonl) > 0 and os.path.getmtime(jsonl) >= os.path.getmtime(dump):
        if os.path.exists(sidecar):
            with open(sidecar) as f:
                return json.load(f)
        return None
    log(f"exporting records of {dump} -> {jsonl}")
    help_text = ci.help("records")
    args = ["records", dump]
    for flag in ("--jsonl", "--json"):
        if flag in help_text:
            args.append(flag)
            break
    tmp = jsonl + ".tmp"
    m = run_measured(ci.cmd(*args), stdout_file=tmp)
    os.replace(tmp, jsonl)
    write_json(sidecar, m.as_dict())
    return m.as_dict()


def fixture_jsonl(jsonl, cables):
    """Development fallback while `generate`/`records` are missing: the fixture's 12 cables, repeated."""
    repeat = max(1, -(-cables // 12))
    subprocess.run([sys.executable, "-m", "scripts.bench_lib.fixture_jsonl", jsonl, "--repeat", str(repeat)],
                   cwd=ROOT, check=True)


def fresh_dir(path):
    if os.path.exists(path):
        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
