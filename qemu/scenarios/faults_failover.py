"""Parts of scenario faults where a kernel dies: A panics or hangs while B runs (B takes the
machine), B dies in the middle of a handover (A takes back what it gave).  Each part boots
the reference machine on its own; figures and checks are named by part.
"""
import json
import re
import time

from baton_qemu import timeline
from baton_qemu.serial import ScenarioError

from scenarios.handover import (check_b_has_everything, check_b_memtest_and_power_button,
                                check_b_on_com1, firmware_ram_kib)
from scenarios.handover_steps import (launch_b, meminfo_kib, plan_load_launch, release_cpu,
                                      release_mem, status_json)
from scenarios.launch import check_a_health, check_b_memtest

OWNED = r"failover: this kernel owns the machine \((\d+) pins taken, (\d+) PCI functions, " \
        r"(\d+) CPUs still to adopt\)"


def dmesg_expect(port, pattern: str, timeout: float, what: str) -> re.Match:
    """A line in a kernel's log (its console shows only errors once init runs)."""
    deadline = time.monotonic() + timeout
    while True:
        m = re.search(pattern, port.run("dmesg"))
        if m or time.monotonic() > deadline:
            break
        time.sleep(1)
    if not m:
        raise ScenarioError(f"{port.name}: no {what} in dmesg within {timeout:.0f} s")
    return m


def b_ledger(com2) -> dict:
    return json.loads(com2.run("baton status --ledger /sys/kernel/baton/ledger --json")
                      .strip().splitlines()[-1])


def check_failover(ctx, m, fw_ram: int, fate: str) -> None:
    """B took the machine: everything a handover gives it, and the failover in the timeline."""
    r, com1, com2 = ctx.report, m.com1, m.com2
    owned = dmesg_expect(com2, OWNED, 120, "B's failover")
    r.check("B adopted every CPU of A's", owned.group(3) == "0", owned.group(0))
    check_b_has_everything(ctx, com2, fw_ram)
    st = b_ledger(com2)
    (ctx.run_dir / f"{r.part}-status.json").write_text(json.dumps(st, indent=1))
    r.check("B's ledger says handed over", st.get("state") == "handed-over", st.get("state"))
    fo = timeline.figures(st).get("failover") or {}
    r.metric("failover", fo)
    r.check(f"the timeline records the failover (A {fate})", fo.get("fate") == fate, str(fo))
    r.metric("b_notices_ms", fo.get("notice_ms"))
    r.metric("b_owns_machine_ms", fo.get("own_ms"))
    if fo.get("own_ms") is not None:
        r.metric("b_takeover_ms", round(fo["own_ms"] - fo["notice_ms"], 3))
    check_b_on_com1(ctx, com1, com2)
    check_b_memtest_and_power_button(ctx, m)


def a_panics(ctx, r) -> None:
    """A panics (sysrq c) while B runs: A's CPUs walk into limbo, B takes the machine."""
    with ctx.a_machine("a-panics") as m:
        com1 = m.com1
        launch_b(ctx, m)
        fw_ram = firmware_ram_kib(com1)
        ctx.step("A panics: echo c > /proc/sysrq-trigger")
        com1.send("echo c > /proc/sysrq-trigger\n")
        com1.expect(r"Kernel panic - not syncing", 60, "A's panic")
        com1.expect(r"baton: A panicked: its CPUs go to limbo", 30, "baton's panic notifier")
        check_failover(ctx, m, fw_ram, "panicked")


def a_crash_kexec(ctx, r) -> None:
    """A's crash kexec runs anyway (its panic order turned back): machine_crash_shutdown()
    stops A's other CPUs through baton's stop method (into limbo), the crashing CPU lands in
    the trampoline's crash entry; B survives and takes the machine."""
    with ctx.a_machine("a-crash-kexec") as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m)
        com1.run("echo N > /sys/module/kernel/parameters/crash_kexec_post_notifiers")
        st = status_json(com1)
        r.check("baton status says the failover is off with that panic order",
                st.get("failover_armed") is False, str(st.get("failover_armed")))
        hb0 = b_ledger(com2).get("heartbeat", 0)
        ctx.step("A panics with crash_kexec_post_notifiers=N: the crash kexec runs")
        com1.send("echo c > /proc/sysrq-trigger\n")
        com1.expect(r"Kernel panic - not syncing", 60, "A's panic")
        owned = dmesg_expect(com2, OWNED, 120, "B's failover")
        r.metric("cpus_still_to_adopt", int(owned.group(3)))
        st = b_ledger(com2)
        r.check("B survived A's crash kexec: its heartbeat goes on",
                st.get("heartbeat", 0) > hb0, f"{hb0} -> {st.get('heartbeat')}")
        r.check("A's fate in the ledger: crash-kexec", st.get("a_fate") == "crash-kexec",
                str(st.get("a_fate")))
        nproc = int(com2.run("nproc").strip())
        r.metric("b_nproc", nproc)
        r.check("B has every vCPU: the crashing CPU and the one A's shutdown stopped",
                nproc == ctx.vcpus, str(nproc))
        b_bad = [l for l in com2.run("dmesg").splitlines() if "Uhhuh" in l or "BUG" in l]
        r.check("B's dmesg has no unknown NMI and no BUG", not b_bad, "; ".join(b_bad[:2]))
        check_b_memtest(ctx, com2, "B's RAM after A's crash kexec")


def a_hangs(ctx, r) -> None:
    """A hangs (CPU 0 spins with interrupts off): B reports it, and takes the machine once the
    operator's policy says so."""
    with ctx.a_machine("a-hangs") as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m)
        fw_ram = firmware_ram_kib(com1)
        policy = com2.run("cat /sys/module/baton_guest/parameters/on_a_hang").strip()
        r.check("B's default policy for a hung A is report", policy == "report", policy)
        ctx.step("A hangs: baton_test_hang.ko spins CPU 0 with interrupts off")
        com1.send("insmod /lib/modules/baton_test_hang.ko &\n")
        seen = dmesg_expect(com2, r"the other kernel's heartbeat stopped (\d+) ms ago "
                            r"\(on_a_hang=report: not taking over\)", 60, "B's report of the hang")
        r.metric("b_reports_hang_after_ms", int(seen.group(1)))
        time.sleep(5)
        r.check("with policy report B leaves A's machine alone",
                "taking the machine over" not in com2.run("dmesg"))
        r.check("B still runs beside A (ledger b-running)",
                b_ledger(com2).get("state") == "b-running")
        ctx.step("the operator sets the policy: takeover")
        com2.run("echo takeover > /sys/module/baton_guest/parameters/on_a_hang")
        check_failover(ctx, m, fw_ram, "hung")


def b_dies(ctx, r) -> None:
    """B panics after A gave it a CPU and a memory block: A notices from B's heartbeat, takes
    both back, says what it cannot, and keeps running; a new launch works."""
    with ctx.a_machine("b-dies") as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m)
        a_mem0 = meminfo_kib(com1)
        release_cpu(ctx, com1, com2, 1, 2)
        release_mem(ctx, com1, com2, 0x30000000, 128 << 20)
        ctx.step("B dies: echo c > /proc/sysrq-trigger in B")
        com2.send("echo c > /proc/sysrq-trigger\n")
        t0 = time.monotonic()
        dead = dmesg_expect(com1, r"B's heartbeat stopped (\d+) ms ago: B is dead", 60,
                            "A's notice of B's death")
        r.metric("a_notices_b_dead_ms", int(dead.group(1)))
        r.metric("a_notices_b_dead_host_s", round(time.monotonic() - t0, 2))
        deadline = time.monotonic() + 60
        online = ""
        while time.monotonic() < deadline:
            online = com1.run("cat /sys/devices/system/cpu/online").strip()
            if online == f"0-{ctx.vcpus - 1}":
                break
            time.sleep(1)
        r.check("A took back every CPU (B's two and the one it released)",
                online == f"0-{ctx.vcpus - 1}", online)
        a_mem1 = meminfo_kib(com1)
        r.check("A took back the memory block, online", a_mem1 >= a_mem0, f"{a_mem0} -> {a_mem1}")
        st = status_json(com1)
        r.check("baton status says B died", st.get("state") == "failed" and
                "heartbeat stopped" in st.get("failure", ""), f"{st.get('state')}: "
                f"{st.get('failure')}")
        out = com1.run("baton abort 2>&1; echo rc=$?", 120)
        r.check("baton abort cleans up after the dead B", "rc=0" in out, out.strip()[-200:])
        check_a_health(ctx, com1)
        ctx.step("a new launch after B's death")
        out, secs = plan_load_launch(com1)
        r.check("B runs again", secs is not None, out.strip().splitlines()[-1])
        r.metric("relaunch_to_b_running_s", secs)


# Scenario faults runs these after its own parts (faults.py).
PARTS = [("a-panics", a_panics), ("a-crash-kexec", a_crash_kexec), ("a-hangs", a_hangs),
         ("b-dies", b_dies)]
