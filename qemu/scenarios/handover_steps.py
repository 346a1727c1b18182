"""Scenario handover-steps: A hands its resources to B one step command at a time.

A boots (4 vCPUs, 2 GiB) with its health workload and launches B on CPUs 2-3.  Then
`baton release cpu 1`: A offlines CPU 1, parks it in limbo, B adopts it through its ledger
mailbox (no INIT) and brings it online.  `baton release mem`: A offlines and hot-removes
memory blocks (its pattern checker's pages migrate), B hot-adds and onlines them.  `baton
status` is checked between the steps (the owner of every CPU and block), and so are the
refusals that must change nothing.
"""
import json
import re

from scenarios.launch import (bad_lines, boot_a, check_a_health, check_a_over_b_boot,
                             check_b_memtest, com1_irqs_by_cpu)


def launch_b(ctx, m, plan_args: str = "", check_a: bool = False):
    """A with its workload, B launched and logged in on COM2.  With check_a, A's health over
    B's boot: heartbeat, pattern checker, dmesg, COM1 interrupts."""
    com1, com2 = m.com1, m.com2
    ctx.step("boot A, start its health workload, launch B")
    boot_a(ctx, m)
    com1.run("start-health /dev/ttyS0 256")
    irq0 = com1_irqs_by_cpu(com1)
    out, secs = plan_load_launch(com1, plan_args)
    ctx.report.check("B is running", secs is not None, out.strip().splitlines()[-1])
    ctx.report.metric("launch_to_b_running_s", secs)
    com2.expect(r"login: ?$", 120, "B's login prompt")
    com2.login()
    if check_a:
        check_a_over_b_boot(ctx, com1, irq0)


def plan_load_launch(com1, plan_args: str = "") -> tuple[str, float | None]:
    """`baton plan && baton load && baton launch`: launch's output and its time to B's
    heartbeat (None if it does not say B is running)."""
    com1.run(f"baton plan {plan_args} && baton load", 120)
    out = com1.run("baton launch --timeout 120", 180)
    secs = re.search(r"B is running \(heartbeat\) ([\d.]+) s", out)
    return out, float(secs.group(1)) if secs else None


def status_json(com1) -> dict:
    return json.loads(com1.run("baton status --json").strip().splitlines()[-1])


def cpu_owners(st: dict) -> dict:
    """A's CPU number -> owner, for the CPUs in the ledger."""
    return {c["a_cpu"]: c["owner"] for c in st.get("cpus", [])}


def refused(com, cmd: str, want: str, r, what: str, rc: int = 1) -> None:
    """One line naming the problem, exit status 1 (refused) or 2 (the command line is wrong)."""
    out = com.run(f"{cmd} 2>&1; echo rc=$?")
    lines = [l for l in out.strip().splitlines() if l.strip()]
    ok = len(lines) == 2 and lines[-1] == f"rc={rc}" and want in lines[0]
    r.check(f"refused: {what}", ok, " | ".join(lines[-2:]))


def release_cpu(ctx, com1, com2, cpu: int, b_cpus_before: int) -> None:
    r = ctx.report
    ctx.step(f"baton release cpu {cpu}")
    out = com1.run(f"baton release cpu {cpu} --json", 60)
    res = json.loads(out.strip().splitlines()[-1])
    r.check(f"release cpu {cpu} succeeds", res.get("ok") is True, out.strip())
    r.metric(f"release_cpu{cpu}_ms", res.get("ms"))
    st = status_json(com1)
    owners = cpu_owners(st)
    r.check(f"status: cpu{cpu} is owned by B", owners.get(cpu) == "B", str(owners))
    nproc = int(com2.run("nproc").strip())
    r.check(f"B runs on {b_cpus_before + 1} CPUs", nproc == b_cpus_before + 1, str(nproc))
    online = com1.run("cat /sys/devices/system/cpu/online").strip()
    r.check(f"cpu{cpu} is offline in A", str(cpu) not in online.replace("0-", ""), online)
    kinds = [(e["event"], e["resource"]) for e in st["timeline"]]
    r.check(f"timeline: release, limbo, take, adopt of cpu{cpu}",
            kinds[-4:] == [("release", "cpu"), ("limbo", "cpu"), ("take", "cpu"), ("adopt", "cpu")],
            str(kinds))


def meminfo_kib(port, key: str = "MemTotal") -> int:
    return int(re.search(key + r":\s+(\d+)", port.run("cat /proc/meminfo")).group(1))


def release_mem(ctx, com1, com2, base: int, size: int) -> None:
    r = ctx.report
    rng = f"{base:#x}+{size >> 20}M"
    ctx.step(f"baton release mem {rng}")
    a0, b0 = meminfo_kib(com1), meminfo_kib(com2)
    out = com1.run(f"baton release mem {rng} --json", 120)
    res = json.loads(out.strip().splitlines()[-1])
    r.check(f"release mem {rng} succeeds", res.get("ok") is True, out.strip())
    r.metric(f"release_mem_{base:#x}_ms", res.get("ms"))
    a1, b1 = meminfo_kib(com1), meminfo_kib(com2)
    # A frees the block's struct pages (1/64 of it) that lived in its boot memory.
    r.check(f"A's MemTotal shrank by {size >> 20} MiB less its memmap",
            (size >> 10) - (size >> 16) <= a0 - a1 <= size >> 10, f"{a0} -> {a1}")
    r.check(f"B's MemTotal grew by {size >> 20} MiB", b1 - b0 == size >> 10, f"{b0} -> {b1}")
    st = status_json(com1)
    owned = [m for m in st["mem"] if int(m["base"], 16) == base and int(m["size"], 16) == size]
    r.check(f"status: {rng} is owned by B", owned and owned[0]["owner"] == "B", str(st["mem"]))
    kinds = [(e["event"], e["resource"]) for e in st["timeline"]]
    r.check(f"timeline: release, take, adopt of {rng}",
            kinds[-3:] == [("release", "mem"), ("take", "mem"), ("adopt", "mem")], str(kinds[-3:]))


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine() as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m)
        st = status_json(com1)
        r.check("before: B owns cpu2 and cpu3 only",
                cpu_owners(st) == {2: "B", 3: "B"}, str(cpu_owners(st)))

        ctx.step("refusals that change nothing")
        refused(com1, "baton release cpu 0", "CPU 0 leaves A last", r, "cpu 0 before the others")
        refused(com1, "baton release cpu 2", "already belongs to B", r, "a CPU B owns")
        refused(com1, "baton release cpu 9", "no such CPU", r, "a CPU A does not have")
        refused(com1, "baton release disk 1", "unknown resource", r, "an unknown resource", rc=2)
        online = com1.run("cat /sys/devices/system/cpu/online").strip()
        r.check("A still runs on CPUs 0-1", online == "0-1", online)

        release_cpu(ctx, com1, com2, 1, 2)

        refused(com1, "baton release mem 0x18000000+128M", "B's partition or baton's low window",
                r, "memory in B's partition")
        refused(com1, "baton release mem 0x21000000+16M", "not whole memory blocks", r,
                "a range that is not whole blocks")
        refused(com1, "baton release mem 0x100000000+128M", "not all of it is A's RAM", r,
                "a range that is not A's RAM")
        release_mem(ctx, com1, com2, 0x30000000, 128 << 20)
        release_mem(ctx, com1, com2, 0x60000000, 256 << 20)
        refused(com1, "baton release mem 0x30000000+128M", "not all of it is A's RAM", r,
                "memory released before")

        ctx.step("baton release irq: an IOAPIC pin no device of A uses")
        refused(com1, "baton release irq 4", "A has a handler on it", r, "COM1's pin (A's ttyS0)")
        refused(com1, "baton release irq 9", "A has a handler on it", r, "the SCI (A's ACPI)")
        refused(com1, "baton release irq 99", "no IOAPIC pin has that GSI", r, "a GSI no pin has")
        out = com1.run("baton release irq 10 --json", 60)
        res = json.loads(out.strip().splitlines()[-1])
        r.check("release irq 10 succeeds", res.get("ok") is True, out.strip())
        took = re.search(r"took IOAPIC pin GSI 10 \(edge, active high\) from the other kernel: "
                         r"IRQ \d+", com2.run("dmesg"))
        r.check("B owns GSI 10 (ISA default: edge, active high)", took is not None,
                took.group(0) if took else "no line in B's dmesg")
        kinds = [(e["event"], e["resource"]) for e in status_json(com1)["timeline"]]
        r.check("timeline: release, take, adopt of irq 10",
                kinds[-3:] == [("release", "irq"), ("take", "irq"), ("adopt", "irq")], str(kinds))
        refused(com1, "baton release irq 10", "already belongs to B", r, "a pin released before")
        devices = status_json(com1).get("devices", [])
        r.check("status: irq 10 is owned by B",
                {"resource": "irq", "id": "10", "owner": "B"} in devices, str(devices))
        ctx.step("memory test in B over its free RAM, adopted blocks included")
        check_b_memtest(ctx, com2, "B's free RAM, adopted blocks included")
        b_dmesg = com2.run("dmesg")
        r.check("B adopted A's CPU 1 (APIC 1) through the mailbox",
                re.search(r"baton: adopted CPU \d+ \(APIC 1\) from the other kernel", b_dmesg)
                is not None)
        b_bad = bad_lines(b_dmesg)
        r.check("B's dmesg is clean", not b_bad, "; ".join(b_bad[:3]))
        r.metric("status_after", com1.run("baton status"))
        check_a_health(ctx, com1)
