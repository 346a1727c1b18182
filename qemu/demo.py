#!/usr/bin/env python3
"""`make demo`: the upgrade 6.1 -> 6.12 on the reference machine, without a reboot.

Kernel A (Debian's 6.1) boots with its reservation parameters and starts a health workload;
`baton plan && baton load && baton launch` boots kernel B (6.12) through the trampoline on
CPUs 2-3 and 512 MiB that A set aside; then `baton handover` moves A's other CPUs and memory
blocks to B one at a time, and finally A stops: its CPU 0 walks into limbo and B adopts it with
the rest of A's RAM.  Progress lines as it goes, a summary and the timeline at the end; the
serial logs stay under build/runs/handover/.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from baton_qemu.context import out_root  # noqa: E402

OUT = out_root()


def shown(path: Path) -> str:
    """A path as the summary prints it: relative to the repository when it is inside."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def run(scenario: str) -> dict:
    print(f"\n=== {scenario} " + "=" * (60 - len(scenario)), flush=True)
    t = time.monotonic()
    subprocess.run([sys.executable, str(HERE / "run-scenario"), scenario], check=False)
    report = json.loads((OUT / "reports" / f"{scenario}.json").read_text())
    report["wall_s"] = round(time.monotonic() - t, 1)
    return report


def show(log: Path, prefix: str, title: str) -> None:
    print(f"\n--- {title} ---")
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith(prefix):
            print("   " + line.rstrip())


def main() -> int:
    print(__doc__)
    rep = run("handover")
    runs = OUT / "runs" / "handover"
    show(runs / "com2.log", "baton:", "the trampoline on COM2 (B's console), before B's first line")
    show(runs / "com1.log", "handover:", "`baton handover` on COM1 (A's console): one line per step")
    m = rep["metrics"]
    hb = m.get("a_heartbeat_until_handover") or {}
    mem = m.get("b_memtotal_kib") or ["?", "?"]
    moves = m.get("moves") or []
    cpu_moves = [x["ms"] for x in moves if x["resource"].startswith("cpu")]
    print("\n=== summary " + "=" * 50)
    rows = [
        ("launch", f"`baton launch` -> B's heartbeat in {m.get('launch_to_b_running_s', '?')} s "
                   "(off the critical path)"),
        ("handover", f"{len(m.get('handover_steps', []))} steps in "
                     f"{m.get('handover_until_last_step_s', '?')} s; CPU moves "
                     f"{', '.join(f'{x:.0f}' for x in cpu_moves)} ms; memory "
                     f"{m.get('hot_memory_adoption_gib_s', '?')} GiB/s while A runs"),
        ("critical", f"A stops serving -> B owns its last CPU and COM1's pin: "
                     f"{m.get('critical_path_ms', '?')} ms (A {m.get('critical_path_a_ms', '?')} ms, "
                     f"B {m.get('critical_path_b_ms', '?')} ms)"),
        ("kernel B", f"every vCPU, MemTotal {mem[0]} -> {mem[1]} KiB "
                     f"({m.get('b_memtotal_share_of_firmware_ram', 0):.1%} of the VM's RAM), "
                     f"memtest over {m.get('b_memtest_mib', '?')} MiB"),
        ("kernel A", f"heartbeat {hb.get('beats', '?')} beats, lost {hb.get('lost', '?')}, "
                     f"largest gap {hb.get('max_gap_ms', '?')} ms, then stopped for good"),
        ("timeline", str(m.get("timeline_svg", "?"))),
    ]
    for k, v in rows:
        print(f"  {k:9} {v}")
    print(f"  {rep['scenario']:9} {'PASS' if rep['pass'] else 'FAIL'} "
          f"({sum(c['pass'] for c in rep['checks'])}/{len(rep['checks'])} checks, {rep['wall_s']} s)"
          f"  report: {shown(OUT / 'reports' / 'handover.json')}")
    print(f"  serial logs: {shown(runs / 'com1.log')} (A), com2.log (B)")
    return 0 if rep["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
