"""Scenario standalone-boot: the trampoline boots B directly (no A).

QEMU's multiboot loader starts the trampoline with B's bzImage and initramfs as modules and the
plan on its command line.  Checks: the digests are verified, the AP checks in and parks in
limbo, B reaches a shell on COM2, B's RAM is exactly the partition, B sees only its CPUs.  A
second, short run with a wrong digest must be refused on COM2 without booting B.
"""
import re

from baton_qemu.context import B_LOW_RAM, sha256_file
from baton_qemu.machine import MachineSpec

PARTITION_BASE = 0x40000000
PARTITION_SIZE = 512 << 20
RESIDENT = 2 << 20
LOW = B_LOW_RAM
CPUS = [0, 1]


def b_cmdline() -> str:
    # QEMU's -initrd separates modules with ','; a ',' inside arguments is written ',,'.
    return "console=ttyS1,,115200 panic=-1"


def spec(ctx, kernel_digest: str) -> MachineSpec:
    plan = (f"partition={PARTITION_BASE:#x}+{PARTITION_SIZE >> 20}M cpus={','.join(map(str, CPUS))} "
            f"kernel.sha256={kernel_digest} initrd.sha256={sha256_file(ctx.art.b_initramfs)}")
    return MachineSpec(kernel=ctx.art.trampoline, append=plan,
                       initrd=f"{ctx.art.b_bzimage} {b_cmdline()},{ctx.art.b_initramfs}")


def parse_iomem_ram(iomem: str) -> list[tuple[int, int]]:
    ranges = []
    for line in iomem.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) : System RAM$", line.strip())
        if m and not line.startswith(" "):
            ranges.append((int(m.group(1), 16), int(m.group(2), 16) + 1))
    return ranges


def run(ctx) -> None:
    r = ctx.report
    # The bzImage digest covers the whole file, as `sha256sum` prints it.
    good = sha256_file(ctx.art.b_bzimage)

    ctx.step("boot the trampoline with B (good digests)")
    with ctx.machine(spec(ctx, good), "boot") as m:
        com2 = m.com2
        com2.expect(r"baton: trampoline \S+ on APIC ID 0", 30, "trampoline banner")
        r.check("kernel digest verified", bool(com2.expect(r"baton: kernel \d+ bytes .* matches the plan", 30)))
        r.check("initrd digest verified", bool(com2.expect(r"baton: initrd \d+ bytes .* matches the plan", 30)))
        madt = com2.expect(r"B's MADT keeps (\d+) CPUs, hides (\d+)", 30)
        r.metric("madt_cpus_kept", int(madt.group(1)))
        r.metric("madt_cpus_hidden", int(madt.group(2)))
        ap = com2.expect(r"baton: AP APIC ID (\d+) checked in, parked in limbo", 30, "AP check-in")
        r.check("AP checked in through the ledger and parked in limbo", int(ap.group(1)) == 1,
                f"APIC ID {ap.group(1)}")
        com2.expect(r"baton: entering B at (0x[0-9a-f]+)", 30, "jump into B")
        t_entry = m.uptime()
        com2.expect(r"Linux version 6\.12", 30, "B's first message")
        com2.expect(r"^BATON-B-READY", 120, "B's init")
        com2.expect(r"login: ?$", 60, "B's login prompt")
        t_ready = m.uptime()
        r.metric("b_boot_s", round(t_ready - t_entry, 2))
        r.metric("vm_start_to_b_login_s", round(t_ready, 2))
        com2.login()

        nproc = int(com2.run("nproc").strip())
        r.metric("b_nproc", nproc)
        r.check("B runs on exactly its CPUs", nproc == len(CPUS), f"nproc={nproc}")
        present = com2.run("cat /sys/devices/system/cpu/present").strip()
        r.metric("b_cpus_present", present)
        r.check("B sees only the CPUs of its partition", present == f"0-{len(CPUS) - 1}", present)

        ram = parse_iomem_ram(com2.run("cat /proc/iomem"))
        want = [LOW, (PARTITION_BASE + RESIDENT, PARTITION_BASE + PARTITION_SIZE)]
        r.metric("b_system_ram", [f"{a:#x}-{b - 1:#x}" for a, b in ram])
        r.check("B's System RAM is exactly the partition (+ low window)", ram == want,
                f"got {[(hex(a), hex(b)) for a, b in ram]}")

        memtotal = int(re.search(r"MemTotal:\s+(\d+) kB", com2.run("cat /proc/meminfo")).group(1))
        dmesg = com2.run("dmesg")
        mem = re.search(r"Memory: (\d+)K/(\d+)K available", dmesg)
        partition_kib = sum(b - a for a, b in want) // 1024
        r.metric("b_memtotal_kib", memtotal)
        r.metric("b_ram_pages_kib", int(mem.group(2)))
        r.metric("partition_ram_kib", partition_kib)
        r.check("B's page allocator covers exactly the partition RAM",
                int(mem.group(2)) == partition_kib, f"{mem.group(2)}K vs {partition_kib}K")
        # What B's page allocator had at boot ("available": the partition minus B's image
        # and reservations, 45 MiB for Debian's kernel), plus its init memory freed since.
        r.check("MemTotal is the partition minus B's own reservations",
                int(mem.group(1)) <= memtotal <= partition_kib,
                f"{memtotal} kB; {mem.group(1)}K available at boot")
        r.check("B brought its second CPU up", "smp: Brought up 1 node, 2 CPUs" in dmesg)
        r.check("B adopted it from limbo through the ledger mailbox (no INIT)",
                "baton: adopted APIC 1 from limbo through its mailbox" in dmesg)

    ctx.step("boot again with a corrupted kernel digest: must be refused")
    bad = ("0" if good[0] != "0" else "1") + good[1:]
    with ctx.machine(spec(ctx, bad), "bad-digest") as m:
        refusal = m.com2.expect(r"baton: refused: (.*)$", 30, "digest refusal")
        r.check("a wrong kernel digest is refused on COM2",
                "kernel sha256 does not match the plan" in refusal.group(1), refusal.group(1).strip())
        r.check("B does not boot after a refusal", m.com2.absent(r"Linux version", 5))
