"""PNG charts for scripts/bench (matplotlib, Agg backend): small on purpose (< 100 KB each) so that docs/ can keep
copies. Each function takes plain numbers, so it can be tried without running a benchmark."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = {"figsize": (6.4, 3.6), "dpi": 100}


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=STYLE["dpi"])
    plt.close(fig)


def throughput_vs_threads(builds, path, title):
    """builds: list of dicts with threads, mb_per_s, cables_per_s."""
    fig, ax = plt.subplots(figsize=STYLE["figsize"])
    threads = [b["threads"] for b in builds]
    mbps = [b["mb_per_s"] for b in builds]
    ax.plot(threads, mbps, marker="o", label="MB/s (wall)")
    if builds:
        ideal = [mbps[0] * t / threads[0] for t in threads]
        ax.plot(threads, ideal, linestyle=":", color="gray", label="linear scaling")
    for t, v, b in zip(threads, mbps, builds):
        ax.annotate(f"{v:.0f} MB/s\n{b['cables_per_s']:,.0f} cables/s", (t, v), textcoords="offset points",
                    xytext=(6, -18), fontsize=8)
    ax.set_xlabel("build threads")
    ax.set_ylabel("MB/s")
    ax.set_xticks(threads)
    if threads:
        ax.set_xlim(min(threads) - 0.3, max(threads) + 0.7)
    ax.set_ylim(bottom=0)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    _save(fig, path)


def latency_per_class(classes, path, title):
    """classes: list of (label, p50_us, p99_us)."""
    fig, ax = plt.subplots(figsize=(STYLE["figsize"][0], 0.38 * len(classes) + 1.2))
    labels = [c[0] for c in classes][::-1]
    p50 = [c[1] for c in classes][::-1]
    p99 = [c[2] for c in classes][::-1]
    y = range(len(labels))
    ax.barh([i + 0.2 for i in y], p99, height=0.4, color="#f4a582", label="p99")
    ax.barh([i - 0.2 for i in y], p50, height=0.4, color="#2166ac", label="p50")
    ax.set_yticks(list(y))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("latency (µs, log scale), warm, in-process")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3, axis="x")
    _save(fig, path)


def index_size(components, path, title):
    """components: list of (name, bytes), largest first."""
    fig, ax = plt.subplots(figsize=(STYLE["figsize"][0], 0.35 * len(components) + 1.2))
    names = [c[0] for c in components][::-1]
    mb = [c[1] / 1e6 for c in components][::-1]
    ax.barh(range(len(names)), mb, color="#4d9221")
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names, fontsize=8)
    for i, v in enumerate(mb):
        ax.annotate(f"{v:.1f} MB", (v, i), textcoords="offset points", xytext=(3, -3), fontsize=7)
    ax.set_xlabel("MB")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, axis="x")
    _save(fig, path)
