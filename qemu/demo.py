#!/usr/bin/env python3
"""`make demo`: kernel A splits off kernel B on the reference machine, and keeps running.

Kernel A (Debian's 6.1) boots with its reservation parameters and starts a health workload;
then `baton plan && baton load && baton launch` boots kernel B (6.12) through the trampoline
on CPUs 2-3 and 512 MiB that A set aside.  B is checked on COM2, A on COM1, during B's boot
and 30 s after.  Progress lines as it goes, a summary at the end; the full serial logs stay
under build/runs/launch/.
"""
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def run(scenario: str) -> dict:
    print(f"\n=== {scenario} " + "=" * (60 - len(scenario)), flush=True)
    t = time.monotonic()
    subprocess.run([sys.executable, str(HERE / "run-scenario"), scenario], check=False)
    report = json.loads((REPO / "build" / "reports" / f"{scenario}.json").read_text())
    report["wall_s"] = round(time.monotonic() - t, 1)
    return report


def show(log: Path, prefix: str, title: str) -> None:
    print(f"\n--- {title} ---")
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith(prefix):
            print("   " + line.rstrip())


def main() -> int:
    print(__doc__)
    rep = run("launch")
    runs = REPO / "build" / "runs" / "launch"
    show(runs / "com2.log", "baton:", "the trampoline on COM2 (B's console), before B's first line")
    m = rep["metrics"]
    hb = m.get("a_heartbeat") or {}
    print("\n=== summary " + "=" * 50)
    rows = [
        ("launch", f"`baton launch` -> B's login prompt in {m.get('launch_to_b_login_s', '?')} s"),
        ("kernel B", f"{m.get('b_nproc', '?')} CPUs, RAM {', '.join(m.get('b_system_ram', []))} "
                     f"({m.get('b_ram_pages_kib', '?')} KiB), {m.get('b_pci_functions', '?')} PCI "
                     f"functions, memtest over {m.get('b_memtest_mib', '?')} MiB"),
        ("kernel A", f"heartbeat {hb.get('beats', '?')} beats, lost {hb.get('lost', '?')}, "
                     f"largest gap {hb.get('max_gap_ms', '?')} ms; pattern errors "
                     f"{m.get('a_memtest_errors', '?')} over {m.get('a_memtest_passes', '?')} passes; "
                     f"COM1 interrupts {m.get('a_com1_irqs', '?')}"),
    ]
    for k, v in rows:
        print(f"  {k:9} {v}")
    print(f"  {rep['scenario']:9} {'PASS' if rep['pass'] else 'FAIL'} "
          f"({sum(c['pass'] for c in rep['checks'])}/{len(rep['checks'])} checks, {rep['wall_s']} s)"
          f"  report: build/reports/launch.json")
    print("  serial logs: build/runs/launch/com1.log (A), com2.log (B)")
    return 0 if rep["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
