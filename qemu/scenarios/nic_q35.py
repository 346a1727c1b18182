"""Scenario nic-q35: the handover on a PCIe machine, with A's NIC behind a root port.

q35 instead of the reference pc: the firmware's MCFG gives ECAM, and NIC-A (01:00.0) sits
behind a pcie-root-port (00:1c.0) whose port services (pciehp, AER, PME) A runs; NIC-B
(00:05.0) is B's from launch, and so is an edu test device behind a second root port (02:00.0
behind 00:1d.0), which B's boot scan reaches through that bridge.  `baton handover` while the
host probes A's service at 1 kHz.
Checked: what `handover` checks (every vCPU and the memory in B, a clean dmesg, A's heartbeat
gone, COM1 and the power button B's), NIC-A moving to B with A's address, and how B reached
it: through the root port, scanned as A had it (same bus numbers and windows, NIC-A's BARs
where they were, no port driver in B), and never through type 1.  QEMU's trace of config
space writes shows that B's vCPUs wrote the 0xcf8 index only for the two reads of its boot
CPU before B knows it is a partition guest (setup.c's SNB check, the AMD northbridge), that
no CPU it adopted read the northbridge, that nothing used type 1 once B had the machine, that
B did use ECAM, and that it never wrote either root port while A ran.
"""
import json
import re
import time

from baton_qemu import config_trace, timeline
from baton_qemu.context import NIC_A_MAC, NIC_B_BDF, NIC_TOPOLOGIES
from baton_qemu.probe import Prober
from scenarios.handover import (check_b_has_everything, check_b_memtest_and_power_button,
                                check_b_on_com1, firmware_ram_kib)
from scenarios.launch import boot_a, check_a_over_b_boot, com1_irqs_by_cpu
from scenarios.nic import check_path, probe_for

ROOT_PORT = "00:1c.0"
NIC_A = NIC_TOPOLOGIES["q35"].nic_a_bdf
# A function only B uses, behind a second root port (bus 2): B's from launch, so B's own boot
# scan reaches it through that bridge (A has no driver for QEMU's edu device).
BOOT_PORT, BOOT_FN = "00:1d.0", "02:00.0"
BOOT_ARGS = ("-device", "pcie-root-port,id=rp2,bus=pcie.0,addr=1d.0,chassis=2",
             "-device", "edu,bus=rp2,addr=00.0")
B_CPUS = {2, 3}  # QEMU vCPU indexes of B's partition (A's CPUs 2-3)
# B's boot CPU reads these before its platform is known (kernel/patches: what remains).
PRE_PLATFORM = {0x80001000: "setup.c: SNB graphics check (00:02.0 vendor)",
                0x8000c068: "cpu/amd.c: northbridge 00:18.0 reg 0x68 (extended APIC IDs)"}
ECAM_BASE = 0xb0000000  # q35's MCFG


def sysfs_dev(bdf: str) -> str:
    return f"/sys/bus/pci/devices/0000:{bdf}"


def bridge_view(com, bdf: str) -> dict:
    """A bridge's bus numbers, I/O and memory windows as its config space has them (0x18-0x2f
    without the secondary status, whose error bits may change)."""
    b = com.run(f"od -An -tx1 -j24 -N24 {sysfs_dev(bdf)}/config").split()
    return {"buses": b[0:3], "io": b[4:6], "mem": b[8:12], "pref": b[12:24]}


def resources(com, bdf: str) -> list[tuple[str, str]]:
    """(start, end) of each BAR and window the kernel placed (sysfs resource)."""
    rows = [l.split() for l in com.run(f"cat {sysfs_dev(bdf)}/resource").splitlines()]
    return [(r[0], r[1]) for r in rows if len(r) == 3 and int(r[1], 16)]


def driver(com, bdf: str) -> str:
    d = f"{sysfs_dev(bdf)}/driver"
    return com.run(f"if [ -e {d} ]; then basename $(readlink {d}); else echo none; fi").strip()


def ecam_target(addr: int) -> str:
    off = addr - ECAM_BASE
    return f"{(off >> 20) & 0xff:02x}:{(off >> 15) & 0x1f:02x}.{(off >> 12) & 7}"


def check_config_access(ctx, writes, t_launch: float, t_b_owns: float, t_a_stops: float):
    r = ctx.report
    idx = config_trace.type1_accesses(writes, B_CPUS, t_launch)
    seen = [f"cpu {w.cpu} {config_trace.conf1_target(w.value)}" for w in idx]
    r.metric("b_type1_accesses", seen)
    allowed = all(w.value in PRE_PLATFORM for w in idx) and \
        len({w.value for w in idx}) == len(idx)
    r.check("B's CPUs used type 1 (0xcf8) only for its two reads before its platform is known",
            allowed, "; ".join(seen[:8]))
    nb = [w for w in config_trace.type1_accesses(writes, None, t_launch) if w.value == 0x8000c068]
    r.check("the AMD northbridge was read once after launch (B's boot CPU), not by the CPUs "
            "B adopted", len(nb) == 1, f"{len(nb)} reads, by vCPUs {[w.cpu for w in nb]}")
    late = config_trace.type1_accesses(writes, None, t_b_owns)
    r.check("no type 1 access at all once B has the machine", not late,
            "; ".join(f"cpu {w.cpu} {config_trace.conf1_target(w.value)}" for w in late[:8]))
    ecam = config_trace.ecam_writes(writes, B_CPUS, t_launch)
    r.metric("b_ecam_writes", len(ecam))
    r.check("B wrote config space through ECAM", len(ecam) > 0, str(len(ecam)))
    port = [w for w in ecam if ecam_target(w.addr) in (ROOT_PORT, BOOT_PORT) and
            w.t < t_a_stops]
    r.check(f"B never wrote the root ports {ROOT_PORT} and {BOOT_PORT} while A ran", not port,
            "; ".join(f"cpu {w.cpu} reg {(w.addr & 0xfff):#x}={w.value:#x}" for w in port[:8]))


def run(ctx) -> None:
    trace = config_trace.ConfigTrace(ctx.run_dir).start()
    try:
        with ctx.a_machine(nics=True, machine="q35", extra=trace.qemu_args() + BOOT_ARGS) as m:
            handover_on_q35(ctx, m, trace)
    finally:
        trace.close()


def handover_on_q35(ctx, m, trace) -> None:
    r = ctx.report
    com1, com2 = m.com1, m.com2
    ctx.step("boot A on q35: NIC-A behind the root port")
    boot_a(ctx, m)
    path = com1.run(f"readlink -f {sysfs_dev(NIC_A)}").strip()
    r.check(f"A has NIC-A at {NIC_A} behind the root port {ROOT_PORT}",
            f"0000:{ROOT_PORT}/0000:{NIC_A}" in path, path)
    r.check("A's port services drive the root port (pcieport)",
            driver(com1, ROOT_PORT) == "pcieport", driver(com1, ROOT_PORT))
    a_bridge, a_windows = bridge_view(com1, ROOT_PORT), resources(com1, ROOT_PORT)
    a_nic = resources(com1, NIC_A)
    r.metric("root_port_in_a", {"config_0x18": a_bridge, "resources": a_windows})
    a_boot_port = bridge_view(com1, BOOT_PORT)
    r.check(f"A has no driver for {BOOT_FN} (B's from launch)", driver(com1, BOOT_FN) == "none",
            driver(com1, BOOT_FN))
    fw_ram = firmware_ram_kib(com1)

    ctx.step("launch B with NIC-B")
    com1.run("start-health /dev/ttyS0 256")
    irq0 = com1_irqs_by_cpu(com1)
    com1.run(f"baton plan --pci {NIC_B_BDF},{BOOT_FN} && baton load", 120)
    t_launch = time.time()
    out = com1.run("baton launch --timeout 120", 180)
    r.check("B is running", "B is running" in out, out.strip().splitlines()[-1])
    com2.expect(r"login: ?$", 120, "B's login prompt")
    com2.login()
    check_a_over_b_boot(ctx, com1, irq0)
    b_dmesg = com2.run("dmesg")
    ecam = re.search(r"baton: PCI config space through ECAM at \S+ \[bus \S+\]", b_dmesg)
    r.check("B reaches config space through ECAM only", ecam is not None,
            ecam.group(0) if ecam else "no ECAM line in B's dmesg")
    r.check("B drives NIC-B from launch", "52:54:00:ba:70:0b" in com2.run(
        "cat /sys/class/net/*/address"))
    r.check("B has not scanned the root port before it needs it",
            "absent" in com2.run(f"[ -e {sysfs_dev(ROOT_PORT)} ] && echo present || "
                                 "echo absent"))
    path = com2.run(f"readlink -f {sysfs_dev(BOOT_FN)} || true").strip()
    r.check(f"B's boot scan reached {BOOT_FN} through the bridge {BOOT_PORT}",
            f"0000:{BOOT_PORT}/0000:{BOOT_FN}" in path, path)
    r.check(f"B's boot took {BOOT_PORT} as A has it, with no driver",
            bridge_view(com2, BOOT_PORT) == a_boot_port and driver(com2, BOOT_PORT) == "none",
            f"{bridge_view(com2, BOOT_PORT)} driver {driver(com2, BOOT_PORT)}")

    ctx.step("baton handover while the host probes the service address at 1 kHz")
    with Prober(m.ports["service"], 1000, "service") as svc:
        time.sleep(1)
        com1.send("baton handover\n")
        com1.expect(r"handover: cpu 0 +A stops now", 300, "the handover's last step")
        t_a_stops = time.time()
        time.sleep(2)
    steps = re.findall(r"handover: (\S+ \S+) +(.+) \(([\d.]+) ms\)", com1.text())
    r.metric("handover_steps", steps)
    moved = [s[0] for s in steps]
    r.check(f"the handover moved NIC-A ({NIC_A}), CPU 1 and A's movable memory to B",
            f"pci {NIC_A}" in moved and "cpu 1" in moved and
            any(s.startswith("mem") for s in moved), str(moved))
    st = svc.stats()
    r.metric("service_probe", st)
    r.metric("service_blackout_ms", st["blackout_ms"])
    r.check("the service address answered A before and B after",
            st.get("first_tag") == "A" and st.get("last_tag") == "B", str(st))

    ctx.step("B takes over: every vCPU, A's memory, NIC-A through the root port")
    b_dmesg = check_b_has_everything(ctx, com2, fw_ram)
    r.check("B owns the machine and adopted A's CPU 0 (APIC 0)",
            "this kernel owns the machine" in b_dmesg and
            re.search(r"adopted CPU \d+ \(APIC 0\) from the other kernel", b_dmesg) is not None)
    status = json.loads(com2.run("baton status --ledger /sys/kernel/baton/ledger --json")
                        .strip().splitlines()[-1])
    r.check("B's ledger says handed over", status.get("state") == "handed-over",
            status.get("state"))
    fig = timeline.figures(status)
    for k in ("critical_path_ms", "critical_path_a_ms", "critical_path_b_ms"):
        r.metric(k, fig.get(k))
    r.check(f"status: NIC-A ({NIC_A}) is owned by B",
            {"resource": "pci", "id": NIC_A, "owner": "B"} in status.get("devices", []),
            str(status.get("devices")))
    r.check("B adopted NIC-A", re.search(rf"0000:{NIC_A}: adopted from the other kernel, "
                                         r"driver virtio-pci", b_dmesg) is not None)
    r.check("B took the root port as it is",
            f"0000:{ROOT_PORT}: the other kernel's bridge: used as it is configured, "
            "never written" in b_dmesg)
    r.check("B left the root port's bus numbers and windows as A had them",
            bridge_view(com2, ROOT_PORT) == a_bridge, str(bridge_view(com2, ROOT_PORT)))
    b_windows = resources(com2, ROOT_PORT)
    r.check("B claimed the root port's windows where they are",
            bool(b_windows) and all(w in a_windows for w in b_windows), str(b_windows))
    r.check("NIC-A's BARs stayed where A had them", resources(com2, NIC_A) == a_nic,
            str(resources(com2, NIC_A)))
    r.check("no port driver of B's on the root port", driver(com2, ROOT_PORT) == "none",
            driver(com2, ROOT_PORT))
    r.check("B's virtio-pci drives NIC-A", driver(com2, NIC_A) == "virtio-pci",
            driver(com2, NIC_A))
    check_b_on_com1(ctx, com1, com2)
    t_b_owns = time.time()
    addrs = com1.run("ip addr")
    r.check("B has A's service address on NIC-A's MAC",
            re.search(NIC_A_MAC + r"[\s\S]*?inet 10\.0\.2\.15/24", addrs) is not None,
            addrs.strip()[-300:])
    check_path(r, "the service address after", probe_for(m.ports["service"], "service_after",
                                                          2), "B")
    com1.pos = len(com1.text())  # beats printed before A stopped do not count
    r.check("A's heartbeat has stopped for good (no beat of A's for 5 s on COM1, now B's)",
            com1.absent(r"HB \d+ \d+\r?\n", 5.0))
    time.sleep(1)
    check_config_access(ctx, trace.writes(), t_launch, t_b_owns, t_a_stops)
    check_b_memtest_and_power_button(ctx, m)
