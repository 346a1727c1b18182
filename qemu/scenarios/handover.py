"""Scenario handover: `baton handover` moves everything from A to B, and A stops.

A boots (4 vCPUs, 2 GiB) with its health workload and launches B on CPUs 2-3.  `baton
handover` then releases A's CPUs 1..3 except those B has, A's movable memory blocks, and
finally A's CPU 0: A masks its IOAPIC pins and walks into limbo, B adopts it.  Checked on B:
every vCPU online, the memory it adopted, a clean dmesg, a memory test over its RAM; on A:
its heartbeat stopped for good.
"""
import re
import time

from baton_qemu.serial import ScenarioError
from scenarios.handover_steps import launch_b, meminfo_kib
from scenarios.launch import bad_lines, heartbeat_stats


def run(ctx) -> None:
    r = ctx.report
    from baton_qemu.context import A_CMDLINE
    from baton_qemu.machine import MachineSpec
    spec = MachineSpec(kernel=ctx.art.a_vmlinuz, initrd=str(ctx.art.a_initramfs), append=A_CMDLINE)
    with ctx.machine(spec) as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m)
        b_mem0 = meminfo_kib(com2)

        ctx.step("baton handover")
        t0 = time.monotonic()
        com1.send("baton handover\n")
        last = com1.expect(r"handover: cpu 0 +A stops now", 300, "the handover's last step")
        r.metric("handover_until_last_step_s", round(time.monotonic() - t0, 2))
        steps = re.findall(r"handover: (\S+ \S+) +(.+) \(([\d.]+) ms\)\r?\n",
                           com1.text()[:last.end() + 200])
        r.metric("handover_steps", [f"{a}: {b} ({c} ms)" for a, b, c in steps])
        r.check("A released its CPUs 1 (B had 2-3) and its movable memory blocks",
                any(s[0] == "cpu 1" for s in steps) and any(s[0].startswith("mem") for s in steps),
                str([s[0] for s in steps]))

        ctx.step("B takes over: every vCPU, A's memory")
        deadline = time.monotonic() + 60
        nproc = 0
        while time.monotonic() < deadline:
            nproc = int(com2.run("nproc").strip())
            if nproc == ctx.vcpus:
                break
            time.sleep(1)
        r.check("B has every vCPU online", nproc == ctx.vcpus, str(nproc))
        b_dmesg = com2.run("dmesg")
        r.check("B says it owns the machine", "this kernel owns the machine" in b_dmesg)
        r.check("B adopted A's CPU 0 (APIC 0)",
                re.search(r"adopted CPU \d+ \(APIC 0\) from the other kernel", b_dmesg) is not None)
        b_mem1 = meminfo_kib(com2)
        r.metric("b_memtotal_kib", [b_mem0, b_mem1])
        r.check("B's MemTotal grew by A's movable memory", b_mem1 > b_mem0 + (512 << 10),
                f"{b_mem0} -> {b_mem1}")
        b_bad = bad_lines(b_dmesg)
        r.metric("b_dmesg_bad_lines", len(b_bad))
        r.check("B's dmesg is clean", not b_bad, "; ".join(b_bad[:3]))

        ctx.step("A has stopped for good")
        hb_before = heartbeat_stats(com1.text())
        com1.pos = len(com1.text())  # beats printed before A stopped do not count
        r.check("A's heartbeat has stopped for good (no beat for 5 s)",
                com1.absent(r"HB \d+ \d+\r?\n", 5.0))
        r.metric("a_heartbeat_until_handover", hb_before)

        ctx.step("memory test over B's RAM")
        mib = meminfo_kib(com2, "MemAvailable") * 8 // 10 // 1024
        out = com2.run(f"health memtest {mib} 1", 600)
        b_errors = re.search(r"MEMTEST pass=1 errors=(\d+)", out)
        r.metric("b_memtest_mib", mib)
        r.check("B's memory test finds 0 errors", b_errors is not None and b_errors.group(1) == "0",
                out.strip()[-200:])
