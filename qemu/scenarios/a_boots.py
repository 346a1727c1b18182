"""Scenario a-boots: Debian's unmodified 6.1 boots as A with the reservation parameters.

Checks: baton.ko loads and reports its version and status; A's shell answers on COM1;
/proc/iomem shows the crash kernel region (B's future partition) and the reserved low window.
"""
import re

from baton_qemu.context import A_PARTITION_BASE, A_PARTITION_SIZE
from scenarios.launch import dmesg_bad


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine() as m:
        com1 = m.com1
        version = com1.expect(r"Linux version (6\.1\.\S+)", 60, "A's first message")
        r.metric("a_kernel", version.group(1))
        loaded = com1.expect(r"baton-a: baton.ko (loaded, version .*|failed to load)$", 120, "module load")
        r.check("baton.ko loads into A", loaded.group(1).startswith("loaded"), loaded.group(1).strip())
        com1.expect(r"^BATON-A-READY", 60, "A's init")
        com1.expect(r"login: ?$", 60, "A's login prompt")
        r.metric("a_boot_to_login_s", round(m.uptime(), 2))
        com1.login()

        r.metric("a_cmdline", com1.run("cat /proc/cmdline").strip())
        status = com1.run("cat /sys/kernel/baton/status")
        r.check("module status file reports the reserved low window",
                "low_window: 0x20000-0x2ffff reserved" in status, status.strip().replace("\n", "; "))
        r.check("ledger is empty before any load", "state: empty" in status)
        version = com1.run("cat /sys/kernel/baton/version").strip()
        r.metric("module_version", version)
        r.check("module version readable", bool(re.match(r"\S+ abi \d+", version)), version)

        iomem = com1.run("cat /proc/iomem")
        crash = re.search(r"^\s*([0-9a-f]+)-([0-9a-f]+) : Crash kernel$", iomem, re.M)
        r.check("crash kernel region reserved for B", crash is not None
                and (int(crash.group(1), 16), int(crash.group(2), 16)) == (A_PARTITION_BASE, A_PARTITION_BASE + A_PARTITION_SIZE - 1),
                crash.group(0).strip() if crash else "absent")
        r.check("low window reserved in A's e820",
                re.search(r"^00020000-0002ffff : Reserved$", iomem, re.M) is not None)
        nproc = int(com1.run("nproc").strip())
        r.metric("a_nproc", nproc)
        r.check("A runs on all vCPUs", nproc == ctx.vcpus, str(nproc))
        bad = dmesg_bad(com1)
        r.metric("a_dmesg_bad_lines", len(bad))
        r.check("A's dmesg is clean", not bad, "; ".join(bad[:3]))
