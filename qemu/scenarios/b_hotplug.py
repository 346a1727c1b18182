"""B's CPUs and memory blocks go offline and come back (scenario handover uses these).

A CPU that goes offline in B walks back into the trampoline's limbo, where the ledger shows
it, and comes back online through its ledger mailbox, the way every CPU of B came up; that
holds before the handover (the CPU is not lost to B, whatever A does meanwhile) and after it,
for B's own CPUs and those it adopted from A, the machine's BSP included.  Memory blocks go
offline (their pages migrate) and online again.
"""
import json
import re
import time

from scenarios.handover_steps import meminfo_kib
from scenarios.launch import bad_lines

CPU_SYSFS = "/sys/devices/system/cpu"
MEM_SYSFS = "/sys/devices/system/memory"


def nr_cpuinfo(com) -> int:
    return int(com.run("grep -c ^processor /proc/cpuinfo").strip())


def hotpluggable_cpus(com) -> list[int]:
    """B's CPUs that have an online switch (all but its boot CPU), online or not."""
    out = com.run(f"for c in {CPU_SYSFS}/cpu[0-9]*; do [ -f $c/online ] && echo ${{c##*cpu}}; done")
    return sorted(int(x) for x in out.split() if x.isdigit())


def cpu_apic(com, cpu: int) -> int | None:
    """The APIC ID of one of B's online CPUs, from /proc/cpuinfo."""
    out = com.run(f"grep -A30 '^processor[[:space:]]*: {cpu}$' /proc/cpuinfo | "
                  "grep -m1 '^apicid'")
    m = re.search(r"apicid\s*:\s*(\d+)", out)
    return int(m.group(1)) if m else None


def set_online(com, cpu: int, on: int) -> str:
    """Writes cpuN/online; returns the shell's complaint, or "" when it worked."""
    return com.run(f"echo {on} > {CPU_SYSFS}/cpu{cpu}/online && echo ok").strip()


def dmesg_lines(com) -> int:
    return int(com.run("dmesg | wc -l").strip())


def new_dmesg(com, since: int) -> list[str]:
    return com.run(f"dmesg | tail -n +{since + 1}").splitlines()


def ledger_owner(com, apic: int) -> str | None:
    """Who B's copy of the ledger says owns the CPU with this APIC ID."""
    st = json.loads(com.run("baton status --ledger /sys/kernel/baton/ledger --json")
                    .strip().splitlines()[-1])
    owners = [c["owner"] for c in st.get("cpus", []) if c.get("apic_id") == apic]
    return owners[-1] if owners else None


def offline_cpu(ctx, com, cpu: int, label: str) -> int | None:
    """Takes B's CPU `cpu` offline; checks it left /proc/cpuinfo and waits in limbo.
    Returns its APIC ID."""
    r = ctx.report
    apic = cpu_apic(com, cpu)
    before = nr_cpuinfo(com)
    out = set_online(com, cpu, 0)
    r.check(f"{label}: B's CPU {cpu} (APIC {apic}) goes offline", out == "ok", out)
    after = nr_cpuinfo(com)
    r.check(f"{label}: /proc/cpuinfo has one CPU less", after == before - 1, f"{before} -> {after}")
    owner = ledger_owner(com, apic) if apic is not None else None
    r.check(f"{label}: the ledger shows APIC {apic} in limbo", owner == "limbo", str(owner))
    return apic


def online_cpu(ctx, com, cpu: int, label: str) -> float:
    """Brings B's CPU `cpu` back; checks /proc/cpuinfo.  Returns the seconds it took."""
    r = ctx.report
    before = nr_cpuinfo(com)
    t0 = time.monotonic()
    out = set_online(com, cpu, 1)
    secs = time.monotonic() - t0
    r.check(f"{label}: B's CPU {cpu} comes back online", out == "ok", out)
    after = nr_cpuinfo(com)
    r.check(f"{label}: /proc/cpuinfo has it again", after == before + 1, f"{before} -> {after}")
    return secs


def check_cpu_cycle_before_handover(ctx, com1, com2) -> int:
    """While A runs: B's CPU goes offline (into limbo, where A sees it too), comes back,
    goes offline again and stays there for the handover.  Returns that CPU's number."""
    r = ctx.report
    cpus = hotpluggable_cpus(com2)
    r.check("B has a CPU that can go offline", bool(cpus), str(cpus))
    cpu = cpus[0]
    since = dmesg_lines(com2)
    apic = offline_cpu(ctx, com2, cpu, "before the handover")
    st = json.loads(com1.run("baton status --json").strip().splitlines()[-1])
    owner = [c["owner"] for c in st.get("cpus", []) if c.get("apic_id") == apic]
    r.check(f"A's baton status shows B's APIC {apic} in limbo", owner[-1:] == ["limbo"], str(owner))
    online_cpu(ctx, com2, cpu, "before the handover")
    bad = bad_lines("\n".join(new_dmesg(com2, since)))
    r.check("before the handover: B's dmesg stays clean", not bad, "; ".join(bad[:3]))
    offline_cpu(ctx, com2, cpu, "across the handover")
    return cpu


def check_every_cpu_cycles(ctx, com2) -> None:
    """After the handover: every CPU of B that can go offline goes offline and comes back,
    one at a time (B's own, A's, the machine's BSP)."""
    r = ctx.report
    since = dmesg_lines(com2)
    times = {}
    cpus = hotpluggable_cpus(com2)
    for cpu in cpus:
        apic = offline_cpu(ctx, com2, cpu, f"cpu{cpu}")
        times[f"cpu{cpu} (APIC {apic})"] = round(online_cpu(ctx, com2, cpu, f"cpu{cpu}"), 2)
    r.metric("b_cpu_online_s", times)
    total = nr_cpuinfo(com2)
    r.check("every vCPU is online in B again", total == ctx.vcpus, str(total))
    new = new_dmesg(com2, since)
    r.check("no CPU failed to come back", not [l for l in new if "do_boot_cpu failed" in l
                                               or "did not" in l],
            "; ".join(l for l in new if "failed" in l)[:300])
    bad = bad_lines("\n".join(new))
    r.check("B's dmesg stays clean over the CPU cycles", not bad, "; ".join(bad[:3]))


def memory_blocks(com) -> dict[int, tuple[str, str]]:
    """Block number -> (state, valid zones) for every memory block of B."""
    out = com.run(f"for m in {MEM_SYSFS}/memory[0-9]*; do "
                  "echo ${m##*memory} $(cat $m/state) $(cat $m/valid_zones 2>/dev/null | tr ' ' ,); done")
    blocks = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0].isdigit():
            blocks[int(f[0])] = (f[1], f[2] if len(f) > 2 else "")
    return blocks


def check_memory_blocks_cycle(ctx, com2, blocks: list[int], must: int) -> None:
    """Each of the given memory blocks is asked to go offline, one at a time; one that does
    (its pages migrate) must drop MemTotal by a block and come back online with MemTotal as
    before.  A block with unmovable pages (the kernel's, its page tables) refuses, which is
    reported; at least `must` blocks go offline and come back."""
    r = ctx.report
    block_kib = int(com2.run(f"cat {MEM_SYSFS}/block_size_bytes").strip(), 16) >> 10
    since = dmesg_lines(com2)
    before = memory_blocks(com2)
    cycled, refused = {}, {}
    for b in blocks:
        state, zones = before.get(b, ("absent", ""))
        if state != "online":
            continue
        m0 = meminfo_kib(com2)
        t0 = time.monotonic()
        # A page that will not migrate makes offlining retry until a signal: bounded.
        # A refusal (EBUSY; EINVAL for a block that spans two zones, as block 0's DMA and
        # DMA32 do) is the kernel's answer, not a failure of the command.
        off = com2.run(f"timeout 60 sh -c 'echo offline > {MEM_SYSFS}/memory{b}/state' "
                       "&& echo ok || true", 90).strip()
        t_off = time.monotonic() - t0
        if off != "ok":
            refused[b] = f"{zones}: {off.splitlines()[-1] if off else '?'}"
            continue
        m1 = meminfo_kib(com2)
        r.check(f"memory block {b}: offline drops MemTotal by the block", m0 - m1 == block_kib,
                f"{m0} -> {m1} KiB")
        t0 = time.monotonic()
        on = com2.run(f"echo online > {MEM_SYSFS}/memory{b}/state && echo ok || true",
                      120).strip()
        t_on = time.monotonic() - t0
        m2 = meminfo_kib(com2)
        r.check(f"memory block {b} ({zones}) comes back online", on == "ok", on)
        r.check(f"memory block {b}: MemTotal is back", m2 == m0, f"{m0} -> {m2} KiB")
        cycled[b] = {"zones": zones, "offline_s": round(t_off, 2), "online_s": round(t_on, 2)}
    r.metric("b_memory_blocks_cycled", cycled)
    r.metric("b_memory_blocks_refused", refused)
    r.check(f"at least {must} memory blocks go offline and come back", len(cycled) >= must,
            f"{len(cycled)} cycled, {len(refused)} refused")
    after = memory_blocks(com2)
    r.check("every memory block that was online is online again",
            all(after.get(b, ("",))[0] == "online" for b, (s, _) in before.items() if s == "online"),
            str({b: s for b, (s, _) in after.items() if s != "online"}))
    bad = bad_lines("\n".join(new_dmesg(com2, since)))
    r.check("B's dmesg stays clean over the memory cycles", not bad, "; ".join(bad[:3]))
