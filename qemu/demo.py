#!/usr/bin/env python3
"""`make demo`: what baton does so far, shown on the reference machine.

1. Kernel A (Debian's 6.1) boots with the reservation parameters and loads baton.ko.
2. The trampoline boots kernel B (6.12) straight into its partition: it checks B's digests,
   parks an AP in limbo, hands B a memory map and CPU list restricted to the partition.
Progress lines as it goes, then a summary; the full serial logs stay under build/runs/.
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


def show_trampoline(log: Path) -> None:
    print("\n--- what the trampoline said on COM2 (B's console) ---")
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("baton:"):
            print("   " + line.rstrip())


def main() -> int:
    print(__doc__)
    a = run("a-boots")
    b = run("standalone-boot")
    show_trampoline(REPO / "build" / "runs" / "standalone-boot" / "boot" / "com2.log")

    m = b["metrics"]
    print("\n=== summary " + "=" * 50)
    rows = [
        ("kernel A", f"{a['metrics'].get('a_kernel', '?')}, shell in {a['metrics'].get('a_boot_to_login_s', '?')} s, "
                     f"baton.ko {a['metrics'].get('module_version', '?')}"),
        ("kernel B", f"{m.get('b_nproc', '?')} CPUs (present {m.get('b_cpus_present', '?')}), "
                     f"shell {m.get('b_boot_s', '?')} s after the trampoline's jump"),
        ("B's RAM", f"{', '.join(m.get('b_system_ram', []))} "
                    f"({m.get('b_ram_pages_kib', '?')} KiB = partition {m.get('partition_ram_kib', '?')} KiB)"),
        ("B's MADT", f"keeps {m.get('madt_cpus_kept', '?')} CPUs, hides {m.get('madt_cpus_hidden', '?')}"),
    ]
    for k, v in rows:
        print(f"  {k:10} {v}")
    for rep in (a, b):
        status = "PASS" if rep["pass"] else "FAIL"
        print(f"  {rep['scenario']:16} {status} ({sum(c['pass'] for c in rep['checks'])}/"
              f"{len(rep['checks'])} checks, {rep['wall_s']} s)  report: build/reports/{rep['scenario']}.json")
    print("  serial logs:     build/runs/<scenario>/com1.log (A), com2.log (B)")
    return 0 if a["pass"] and b["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
