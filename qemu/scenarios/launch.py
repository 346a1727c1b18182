"""Scenario launch: A splits off B on its reserved CPUs and memory and keeps running.

A boots (4 vCPUs, 2 GiB) and starts its health workload: a heartbeat line on COM1 every
100 ms, a memory pattern writer/checker over 256 MiB, COM1 interrupts counted.  Then
`baton plan && baton load && baton launch`.  B is checked on COM2 (CPUs, memory, PCI, a memory
test over its free RAM, dmesg); A is checked over B's boot and 30 s after it (heartbeat gaps
and lost sequence numbers, pattern errors, COM1 interrupts, dmesg).
"""
import re
import time

from baton_qemu.context import A_PARTITION_BASE, A_PARTITION_SIZE, B_LOW_RAM
from baton_qemu.serial import ScenarioError
from scenarios.standalone_boot import parse_iomem_ram

BAD_DMESG = re.compile(r"WARNING|BUG|Oops|Uhhuh|spurious|clocksource.*unstable")
OBSERVE_AFTER_B_S = 30


def boot_a(ctx, m):
    m.com1.expect(r"^BATON-A-READY", 120, "A's init")
    m.com1.expect(r"login: ?$", 60, "A's login prompt")
    m.com1.login()


def com1_irqs(com1) -> int:
    line = [l for l in com1.run("cat /proc/interrupts").splitlines() if "ttyS0" in l]
    if not line:
        raise ScenarioError("COM1: no ttyS0 line in /proc/interrupts")
    return sum(int(x) for x in line[0].split()[1:] if x.isdigit())


def com1_irqs_by_cpu(com1) -> dict[str, int]:
    """COM1's interrupts per CPU ("CPU0": n, ...): a CPU that goes offline (to B) leaves
    /proc/interrupts with its column, so only CPUs in two readings compare."""
    lines = com1.run("cat /proc/interrupts").splitlines()
    line = [l for l in lines if "ttyS0" in l]
    if not lines or not line:
        raise ScenarioError("COM1: no ttyS0 line in /proc/interrupts")
    cpus = lines[0].split()
    return dict(zip(cpus, (int(x) for x in line[0].split()[1:1 + len(cpus)])))


def com1_irqs_rise(before: dict[str, int], after: dict[str, int]) -> int:
    """COM1's new interrupts on the CPUs that both readings have."""
    return sum(after[c] - before[c] for c in before.keys() & after.keys())


def heartbeat_stats(text: str, since_seq: int = 0):
    """Sequence numbers lost and the largest gap (A's monotonic ms) in the HB lines."""
    # A line may follow the shell prompt ("a:~# HB 38 7662"); only whole lines count: the
    # last one may still be arriving.
    beats = [(int(s), int(t)) for s, t in re.findall(r"HB (\d+) (\d+)\r?\n", text)]
    beats = [b for b in beats if b[0] >= since_seq]
    if len(beats) < 2:
        return None
    lost = sum(b[0] - a[0] - 1 for a, b in zip(beats, beats[1:]) if b[0] > a[0])
    gap = max(b[1] - a[1] for a, b in zip(beats, beats[1:]))
    return {"beats": len(beats), "first": beats[0][0], "last": beats[-1][0], "lost": lost,
            "max_gap_ms": gap}


def bad_lines(dmesg: str) -> list:
    """The lines of a kernel log that say something went wrong."""
    return [l for l in dmesg.splitlines() if BAD_DMESG.search(l)]


def dmesg_bad(port) -> list:
    return bad_lines(port.run("dmesg"))


def memtest_errors(com1):
    passes = re.findall(r"MEMTEST pass=(\d+) errors=(\d+)", com1.run("cat /tmp/memtest.log"))
    if not passes:
        return 0, None
    return int(passes[-1][0]), int(passes[-1][1])


def check_b_memtest(ctx, com2, what: str, timeout: float = 300) -> None:
    """A memory test in B over 80% of its free RAM: 0 errors."""
    r = ctx.report
    avail = int(re.search(r"MemAvailable:\s+(\d+)", com2.run("cat /proc/meminfo")).group(1))
    mib = avail * 8 // 10 // 1024
    out = com2.run(f"health memtest {mib} 1", timeout)
    b_errors = re.search(r"MEMTEST pass=1 errors=(\d+)", out)
    r.metric("b_memtest_mib", mib)
    r.check(f"memory test over {what} finds 0 errors",
            b_errors is not None and b_errors.group(1) == "0", out.strip()[-200:])


def check_a_health(ctx, com1) -> None:
    """A's side of every launch scenario: nothing A was doing was disturbed."""
    r = ctx.report
    hb = heartbeat_stats(com1.text())
    r.metric("a_heartbeat", hb)
    r.check("A's heartbeat lost no sequence number", hb is not None and hb["lost"] == 0, str(hb))
    r.check("A's heartbeat never stopped (max gap < 5 s)",
            hb is not None and hb["max_gap_ms"] < 5000, str(hb and hb["max_gap_ms"]))
    passes, errors = memtest_errors(com1)
    r.metric("a_memtest_passes", passes)
    r.metric("a_memtest_errors", errors)
    r.check("A's memory pattern checker: 0 errors over >= 2 passes", errors == 0 and passes >= 2,
            f"{passes} passes, {errors} errors")
    a_bad = dmesg_bad(com1)
    r.metric("a_dmesg_bad_lines", len(a_bad))
    r.check("A's dmesg is clean", not a_bad, "; ".join(a_bad[:3]))


def check_a_over_b_boot(ctx, com1, irq0: dict[str, int]) -> None:
    """A's health over B's boot, and COM1's interrupts since irq0 (com1_irqs_by_cpu before
    the launch) on the CPUs A kept."""
    ctx.step("A over B's boot: nothing A was doing was disturbed")
    check_a_health(ctx, com1)
    rise = com1_irqs_rise(irq0, com1_irqs_by_cpu(com1))
    ctx.report.metric("a_com1_irqs_over_b_boot", rise)
    ctx.report.check("A's COM1 interrupts kept rising over B's boot (A's CPUs)", rise > 0,
                     str(rise))


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine() as m:
        com1, com2 = m.com1, m.com2
        ctx.step("boot A, log in on COM1, start the health workload")
        boot_a(ctx, m)
        com1.run("start-health /dev/ttyS0 256")
        irq0 = com1_irqs(com1)
        time.sleep(3)

        ctx.step("baton plan && baton load")
        plan = com1.run("baton plan --json", 60).strip().splitlines()[-1]
        r.metric("plan", plan)
        late_text = re.search(r"late=([0-9a-fx+,]+)", plan)
        late = [(int(b, 16), int(b, 16) + int(n, 16)) for b, n in
                re.findall(r"(0x[0-9a-f]+)\+(0x[0-9a-f]+)", late_text.group(1) if late_text else "")]
        com1.run("baton load", 120)

        ctx.step("baton launch")
        t_launch = time.monotonic()
        out = com1.run("baton launch --timeout 120", 180)
        r.check("baton launch reports B running", "B is running" in out,
                out.strip().splitlines()[-1] if out.strip() else "")
        com2.expect(r"login: ?$", 120, "B's login prompt")
        launch_s = time.monotonic() - t_launch
        r.metric("launch_to_b_login_s", round(launch_s, 2))
        t_b_up = time.monotonic()

        ctx.step("check B on COM2")
        com2.login()
        nproc = int(com2.run("nproc").strip())
        r.metric("b_nproc", nproc)
        r.check("B has its two CPUs online", nproc == 2, str(nproc))
        ram = parse_iomem_ram(com2.run("cat /proc/iomem"))
        own = [B_LOW_RAM, (A_PARTITION_BASE + (2 << 20), A_PARTITION_BASE + A_PARTITION_SIZE)]
        # A's late RAM is RAM in B's map too, reserved by B until A stops.
        want = sorted(own + late)
        r.metric("b_system_ram", [f"{a:#x}-{b - 1:#x}" for a, b in ram])
        r.check("B's System RAM is the plan's (its own and A's late RAM)", ram == want,
                str([(hex(a), hex(b)) for a, b in ram]))
        memtotal = int(re.search(r"MemTotal:\s+(\d+)", com2.run("cat /proc/meminfo")).group(1))
        r.metric("b_memtotal_kib", memtotal)
        pci = com2.run("ls /sys/bus/pci/devices | wc -l").strip()
        r.metric("b_pci_functions", int(pci))
        r.check("B sees no PCI function outside its (empty) allow-list", pci == "0", pci)
        check_b_memtest(ctx, com2, "B's free RAM")
        b_dmesg = com2.run("dmesg")  # once: ~30 KB over the serial line
        mem = re.search(r"Memory: (\d+)K/(\d+)K available", b_dmesg)
        r.metric("b_ram_pages_kib", int(mem.group(2)) if mem else None)
        r.check("B's memory map covers exactly the plan's RAM",
                mem is not None and int(mem.group(2)) == sum(b - a for a, b in want) // 1024,
                mem.group(0) if mem else "no Memory: line")
        r.check("B leaves A's late RAM alone: MemTotal is at most its own RAM",
                memtotal <= sum(b - a for a, b in own) // 1024, str(memtotal))
        r.check("B adopted its second CPU from limbo through the mailbox (no INIT)",
                "baton: adopted APIC 3 from limbo through its mailbox" in b_dmesg)
        b_bad = bad_lines(b_dmesg)
        r.metric("b_dmesg_bad_lines", len(b_bad))
        r.check("B's dmesg is clean", not b_bad, "; ".join(b_bad[:3]))

        ctx.step(f"observe A for {OBSERVE_AFTER_B_S} s after B came up")
        left = OBSERVE_AFTER_B_S - (time.monotonic() - t_b_up)
        if left > 0:
            time.sleep(left)
        status = com1.run("baton status")
        r.check("baton status: B alive", "alive" in status, status.strip().replace("\n", "; "))
        bells = re.search(r"(\d+) doorbell", status)
        r.metric("a_doorbells_from_b", int(bells.group(1)) if bells else None)
        r.check("B rang A's doorbell (NMI) when it came up", bells is not None and int(bells.group(1)) >= 1,
                bells.group(0) if bells else "no doorbell count")
        check_a_health(ctx, com1)
        irq1 = com1_irqs(com1)
        r.metric("a_com1_irqs", [irq0, irq1])
        r.check("A's COM1 interrupts keep rising", irq1 > irq0, f"{irq0} -> {irq1}")
        online = com1.run("cat /sys/devices/system/cpu/online").strip()
        r.metric("a_cpus_online", online)
        r.check("A runs on CPUs 0-1 only", online == "0-1", online)
