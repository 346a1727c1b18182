"""Scenario handover-abort: a handover stopped halfway gives everything back to A.

A boots with its health workload and launches B on CPUs 2-3.  CPU 1 and two memory blocks
move to B, then `baton abort`: B stops, CPUs 1-3 come back online in A, the blocks are
hot-added and onlined in A again, and A is healthy (heartbeat, pattern check, COM1
interrupts).  The refusals: CPU 0 before the others, a resource B does not take in time
(B made deaf with baton_guest.test_deaf: the release times out and rolls back), a second handover
while one runs.
"""
import json
import time

from scenarios.handover_steps import launch_b, meminfo_kib, refused, status_json
from scenarios.launch import check_a_health, com1_irqs


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine() as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m)
        irq0 = com1_irqs(com1)
        a_mem0 = meminfo_kib(com1)

        ctx.step("refused: CPU 0 before the others, a second handover while one runs")
        refused(com1, "baton release cpu 0", "CPU 0 leaves A last", r, "cpu 0 before the others")
        # A handover that waits on a deaf B holds the handover lock: a second one is refused.
        com2.run("echo 1 > /sys/module/baton_guest/parameters/test_deaf")
        com1.send("baton handover --timeout-ms 4000 > /tmp/first.out 2>&1 &\n")
        time.sleep(1.0)
        refused(com1, "baton handover", "a handover is already running", r,
                "a second handover while one runs")
        # run() uses a subshell, so `wait` would not see the job: wait for the process.
        out = com1.run("while pidof baton > /dev/null; do sleep 0.2; done; cat /tmp/first.out", 60)
        r.check("the first handover stops at the resource B did not take, and says so",
                "handover stopped at cpu 1" in out and "back in A" in out, out.strip()[-200:])

        ctx.step("refused: B does not take the request in time")
        t0 = time.monotonic()
        refused(com1, "baton release cpu 1 --timeout-ms 2000", "did not take it within 2000 ms", r,
                "a CPU B does not acknowledge in time (rolled back)")
        r.metric("deaf_release_s", round(time.monotonic() - t0, 2))
        online = com1.run("cat /sys/devices/system/cpu/online").strip()
        r.check("cpu 1 is back online in A", online == "0-1", online)
        refused(com1, "baton release mem 0x30000000+128M --timeout-ms 2000",
                "did not take it within 2000 ms", r, "memory B does not acknowledge in time")
        state = com1.run("cat /sys/devices/system/memory/memory6/state").strip()
        r.check("the block is back online in A", state == "online", state)
        st = status_json(com1)
        r.check("status: nothing moved", all(c["owner"] == "B" and not c["released_by_a"]
                                            for c in st["cpus"]) and not st["mem"], str(st["cpus"]))
        com2.run("echo 0 > /sys/module/baton_guest/parameters/test_deaf")

        ctx.step("move cpu 1 and two memory blocks to B")
        for cmd in ("baton release cpu 1", "baton release mem 0x30000000+128M",
                    "baton release mem 0x60000000+128M"):
            out = com1.run(cmd + " --json", 60)
            r.check(f"{cmd} succeeds", json.loads(out.strip().splitlines()[-1]).get("ok") is True,
                    out.strip())
        r.check("B runs on 3 CPUs", com2.run("nproc").strip() == "3")

        ctx.step("baton abort: everything back to A")
        out = com1.run("baton abort", 120)
        r.check("abort says what it did", "online in A again" in out, out.strip())
        online = com1.run("cat /sys/devices/system/cpu/online").strip()
        r.check("CPUs 0-3 are online in A again", online == "0-3", online)
        states = com1.run("cat /sys/devices/system/memory/memory6/state "
                          "/sys/devices/system/memory/memory12/state").split()
        r.check("both blocks are online in A again", states == ["online", "online"], str(states))
        a_mem1 = meminfo_kib(com1)
        r.metric("a_memtotal_kib", [a_mem0, a_mem1])
        r.check("A's MemTotal is back", abs(a_mem1 - a_mem0) <= 4096, f"{a_mem0} -> {a_mem1}")
        r.check("status: empty", status_json(com1)["state"] == "empty")
        nproc = com1.run("nproc").strip()
        r.check("A schedules on all 4 CPUs", nproc == "4", nproc)
        time.sleep(5)
        check_a_health(ctx, com1)
        irq1 = com1_irqs(com1)
        r.check("A's COM1 interrupts keep rising", irq1 > irq0, f"{irq0} -> {irq1}")
