"""Scenario handover: `baton handover` moves everything from A to B, and A stops.

A boots (4 vCPUs, 2 GiB) with its health workload and launches B on CPUs 2-3.  `baton
handover` then releases A's CPUs 1..3 except those B has, A's movable memory blocks, and
finally A's CPU 0: A masks its IOAPIC pins and walks into limbo, B adopts it.  Checked on B:
every vCPU online, the memory it adopted, a clean dmesg, a memory test over its RAM; on A:
its heartbeat stopped for good.
"""
import json
import re
import subprocess
import time

from baton_qemu import numa, timeline
from baton_qemu.context import a_cmdline

from scenarios.b_hotplug import (check_cpu_cycle_before_handover, check_every_cpu_cycles,
                                 check_memory_blocks_cycle, memory_blocks, online_cpu)
from scenarios.b_selftests import check_selftests
from scenarios.handover_steps import launch_b, meminfo_kib
from scenarios.launch import bad_lines, check_b_memtest, heartbeat_stats


def firmware_ram_kib(com1) -> int:
    """The VM's RAM less the firmware's reservations: what B should end up with."""
    return sum(int(e, 16) - int(b, 16) + 1 for b, e in re.findall(
        r"(0x[0-9a-f]+) (0x[0-9a-f]+) System RAM", com1.run(
            "for d in /sys/firmware/memmap/*; do echo $(cat $d/start) $(cat $d/end) "
            "$(cat $d/type); done"))) >> 10


def check_b_has_everything(ctx, com2, fw_ram_kib: int) -> str:
    """After A is gone (a handover or a failover): every vCPU online in B, MemTotal within 3%
    of the VM's RAM, a clean dmesg.  Returns B's dmesg."""
    r = ctx.report
    deadline = time.monotonic() + 60
    nproc = 0
    while time.monotonic() < deadline:
        nproc = int(com2.run("nproc").strip())
        if nproc == ctx.vcpus:
            break
        time.sleep(1)
    r.check("B has every vCPU online", nproc == ctx.vcpus, str(nproc))
    mem = meminfo_kib(com2)
    r.metric("b_memtotal_kib_after", mem)
    # Tolerance: B's struct pages (1/64 of RAM), its kernel image, the first MiB, the low
    # window and the resident region are RAM that MemTotal does not count.
    share = mem / fw_ram_kib
    r.metric("b_memtotal_share_of_firmware_ram", round(share, 4))
    r.check("B's MemTotal is within 3% of the VM's RAM less firmware reservations",
            share >= 0.97, f"{mem} KiB of {fw_ram_kib} KiB ({share:.2%})")
    b_dmesg = com2.run("dmesg")
    b_bad = bad_lines(b_dmesg)
    r.metric("b_dmesg_bad_lines", len(b_bad))
    r.check("B's dmesg is clean", not b_bad, "; ".join(b_bad[:3]))
    return b_dmesg


def check_b_on_com1(ctx, com1, com2) -> None:
    """COM1 (A's console until A was gone) is B's: a login there, on its interrupt."""
    r = ctx.report
    com1.expect(r"kernel-b login: ", 60, "B's login prompt on COM1")
    com1.login()
    r.check("COM1 reaches B", com1.run("uname -r").strip().startswith("6.12"))
    irq_line = [l for l in com1.run("cat /proc/interrupts").splitlines() if "ttyS0" in l]
    irqs = sum(int(x) for x in irq_line[0].split()[1:] if x.isdigit()) if irq_line else 0
    r.metric("b_com1_irqs", irqs)
    r.check("B's ttyS0 (COM1) runs on its interrupt", irqs > 0,
            irq_line[0].strip() if irq_line else "no ttyS0 in B's /proc/interrupts")
    r.check("logins on both ports reach B", com2.run("uname -r").strip().startswith("6.12"))


def check_b_memtest_and_power_button(ctx, m) -> None:
    """A memory test over B's RAM, then the power button (B took the SCI) ends the VM."""
    ctx.step("memory test over B's RAM")
    check_b_memtest(ctx, m.com2, "B's RAM, all of the machine's now", 600)
    check_power_button(ctx, m)


def check_power_button(ctx, m) -> None:
    """The power button (QMP system_powerdown) reaches B, on COM2, through the SCI it took."""
    r, com2 = ctx.report, m.com2
    ctx.step("the power button: B took the SCI, it powers the VM off")
    took = re.search(r"took the SCI \(GSI (\d+), IRQ \d+\)", com2.run("dmesg"))
    r.check("B took the SCI from A", took is not None, took.group(0) if took else "no line")
    r.metric("qmp_system_powerdown", m.qmp("system_powerdown"))
    try:
        code = m.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        code = None
    r.check("the power button powers the VM off through B (QEMU exits, status 0)", code == 0,
            str(code))


def run(ctx) -> None:
    with ctx.a_machine() as m:
        hand_over(ctx, m, hotplug=True)
        ctx.step("every CPU of B offline and back, A's CPU 0 (the machine's BSP) included")
        check_every_cpu_cycles(ctx, m.com2)
        ctx.step("memory blocks of B offline and back")
        check_memory_blocks_cycle(ctx, m.com2, sorted(memory_blocks(m.com2)), must=4)
        check_selftests(ctx, m.com2)
        check_b_memtest_and_power_button(ctx, m)


def hand_over(ctx, m, before_handover=None, hotplug: bool = False) -> None:
    """B launched, `baton handover`, and every check that B owns the machine and A stopped;
    the VM still runs (the memory test and the power button are left to the caller).
    before_handover(): what a caller reads from A while it still runs, B launched.  With
    hotplug, one of B's CPUs goes offline (into limbo) and back while A runs, and stays
    offline across the handover."""
    r = ctx.report
    com1, com2 = m.com1, m.com2
    launch_b(ctx, m, check_a=True)
    b_mem0 = meminfo_kib(com2)
    fw_ram = firmware_ram_kib(com1)
    r.metric("firmware_ram_kib", fw_ram)
    if before_handover:
        before_handover()
    if hotplug:
        ctx.step("B's CPU offline while A runs: into limbo and back, then offline again")
        parked = check_cpu_cycle_before_handover(ctx, com1, com2)

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
    if hotplug:
        ctx.step("B's CPU that was offline across the handover comes back")
        # Once B has adopted A's last CPU (it does so after A's last line): else that CPU
        # would come online between the two counts of online_cpu.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "this kernel owns the machine" not in \
                com2.run("dmesg | grep 'this kernel owns the machine' || true"):
            time.sleep(1)
        online_cpu(ctx, com2, parked, "after the handover")

    ctx.step("B takes over: every vCPU, A's memory")
    b_dmesg = check_b_has_everything(ctx, com2, fw_ram)
    r.check("B says it owns the machine", "this kernel owns the machine" in b_dmesg)
    r.check("B adopted A's CPU 0 (APIC 0)",
            re.search(r"adopted CPU \d+ \(APIC 0\) from the other kernel", b_dmesg) is not None)
    r.metric("b_memtotal_kib", [b_mem0, meminfo_kib(com2)])

    ctx.step("the timeline, from B's copy of the ledger")
    st = json.loads(com2.run("baton status --ledger /sys/kernel/baton/ledger --json")
                    .strip().splitlines()[-1])
    r.check("B's ledger says handed over", st.get("state") == "handed-over", st.get("state"))
    (ctx.run_dir / "status.json").write_text(json.dumps(st, indent=1))
    svg = ctx.report.path.with_name(f"{ctx.name}-timeline.svg")
    svg.write_text(timeline.render_svg(st, "baton handover: owner of each CPU and memory range"))
    fig = timeline.figures(st)
    r.metric("timeline_svg", str(svg))
    for k in ("critical_path_ms", "critical_path_a_ms", "critical_path_b_ms", "last_step_ms"):
        r.metric(k, fig.get(k))
    r.metric("moves", fig["moves"])
    r.metric("late_memory", {k: fig.get(k) for k in ("late_memory_mib", "late_memory_ms")})
    mem_moves = [m["ms"] for m in fig["moves"] if m["resource"].startswith("mem")]
    if mem_moves:
        r.metric("hot_memory_adoption_gib_s",
                 round(len(mem_moves) * 0.125 / (sum(mem_moves) / 1000), 2))
    r.check("the timeline has A's last CPU released and adopted",
            fig.get("critical_path_ms") is not None, str(fig.get("critical_path_ms")))
    ctx.step("COM1 is B's now: a login there, with interrupts")
    check_b_on_com1(ctx, com1, com2)

    ctx.step("A has stopped for good")
    hb_before = heartbeat_stats(com1.text())
    com1.pos = len(com1.text())  # beats printed before A stopped do not count
    r.check("A's heartbeat has stopped for good (no beat of A's for 5 s on COM1, now B's)",
            com1.absent(r"HB \d+ \d+\r?\n", 5.0))
    beats = com1.heartbeat_arrivals()
    b_beats = [b for b in beats if b[0] == "b"]
    r.check("B's heartbeat took over on COM1", len(b_beats) >= 10, str(len(b_beats)))
    a_last = max(t for k, _, t in beats if k == "a")
    b_first = min(t for _, _, t in b_beats) if b_beats else None
    r.metric("heartbeat_gap_host_ms", round((b_first - a_last) * 1000, 1) if b_first else None)
    r.metric("a_heartbeat_until_handover", hb_before)


def run_shape(ctx, shape, crashkernel: str, movablecore: str) -> None:
    """The handover on a machine of this shape, and B's view of its NUMA layout after it."""
    r = ctx.report
    ctx.shape = shape
    a_view = {}
    with ctx.a_machine(cmdline=a_cmdline(crashkernel, movablecore)) as m:
        def read_a():
            ctx.step("A's and B's view of the machine's nodes before the handover")
            a_view["a"] = numa.read(m.com1)
            r.metric("a_nodes", a_view["a"].nodes())
            numa.check_b_at_launch(r, shape, numa.read(m.com2))
        hand_over(ctx, m, before_handover=read_a)

        ctx.step("B's view of the machine's nodes")
        b = numa.read(m.com2)
        r.metric("b_cpus", len(b.cpu_nodes))
        numa.check_b_knows_the_machine(r, shape, a_view["a"].block_nodes, b)
        if shape.numa:
            dmesg = m.com2.run("dmesg")
            r.check("B took its NUMA layout from the partition record",
                    "NUMA layout from the partition record" in dmesg)
        check_b_memtest_and_power_button(ctx, m)
