"""Scenario chain: one boot of the machine, A (Debian's 6.1) -> B -> C -> D, three handovers.

Every kernel baton starts can host the next upgrade.  B (6.12) takes the machine from A as in
`handover`; then B loads baton.ko and hands the machine to C (the same tree built again as
another release, 6.12.117-c), and C to D (B's kernel again).  A host runs on the console its
guest does not: B on COM2 hosts C on COM1, C on COM1 hosts D on COM2.  Each hop is checked
like `handover` (every vCPU, MemTotal, a clean dmesg, a memory test, the login on COM1), and
nothing leaks from hop to hop.
"""
import json
import re
import time

from baton_qemu.context import window_low_ram

from scenarios.handover import check_b_has_everything, firmware_ram_kib, hand_over
from scenarios.handover_steps import meminfo_kib
from scenarios.launch import check_b_memtest


def plan_json(com) -> dict:
    return json.loads(com.run("baton plan --json", 60).strip().splitlines()[-1])


def hop(ctx, m, name: str, host, guest, fw_ram: int, window: int) -> dict:
    """The kernel on `host` (a port it logs in on) hands the machine to the next one, whose
    console is `guest`.  Returns the hop's figures."""
    r = ctx.report
    figures = {}
    ctx.step(f"{name}: baton.ko in the host, plan, load, launch")
    out = host.run("insmod /lib/modules/baton.ko 2>&1 || dmesg | tail -5; "
                   "grep -E 'low_window|bsp' /sys/kernel/baton/status || true")
    r.check(f"{name}: the host's baton.ko hosts through window {window}",
            f"low_window: {window_low_ram(window)[0] - 0x6000:#x}" in out, out.strip())
    plan = plan_json(host)
    r.check(f"{name}: the host plans the next kernel", plan.get("ok") is True, str(plan)[:300])
    figures["plan"] = plan.get("plan")
    out = host.run("baton load 2>&1", 180)
    r.check(f"{name}: the next kernel is loaded", "loaded:" in out, out.strip()[-300:])
    out = host.run("baton launch --timeout 180 2>&1", 240)
    secs = re.search(r"B is running \(heartbeat\) ([\d.]+) s", out)
    r.check(f"{name}: the next kernel runs", secs is not None, out.strip()[-300:])
    figures["launch_to_running_s"] = float(secs.group(1)) if secs else None
    guest.expect(r"login: ?$", 180, f"{name}: the next kernel's login prompt")
    guest.login()
    figures["release"] = guest.run("uname -r").strip()

    ctx.step(f"{name}: baton handover")
    t0 = time.monotonic()
    host.send("baton handover\n")
    host.expect(r"handover: cpu 0 +A stops now", 300, f"{name}: the handover's last step")
    figures["handover_until_last_step_s"] = round(time.monotonic() - t0, 2)
    b_dmesg = check_b_has_everything(ctx, guest, fw_ram)
    r.check(f"{name}: the new kernel says it owns the machine",
            "this kernel owns the machine" in b_dmesg)
    figures["memtotal_kib"] = meminfo_kib(guest)
    st = json.loads(guest.run("baton status --ledger /sys/kernel/baton/ledger --json")
                    .strip().splitlines()[-1])
    figures["critical_path_ms"] = st.get("critical_path_ms")
    figures["state"] = st.get("state")
    return figures


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine(initrd=ctx.art.chain_a_initramfs) as m:
        com1, com2 = m.com1, m.com2
        fw = {}
        hand_over(ctx, m, before_handover=lambda: fw.update(ram=firmware_ram_kib(com1)))
        fw_ram = fw["ram"]
        hops = {"a_to_b": {"memtotal_kib": meminfo_kib(com2)}}
        hops["b_to_c"] = hop(ctx, m, "B -> C", com2, com1, fw_ram, 1)
        r.check("C is another build: 6.12.117-c", hops["b_to_c"]["release"].endswith("-c"),
                hops["b_to_c"]["release"])
        hops["c_to_d"] = hop(ctx, m, "C -> D", com1, com2, fw_ram, 0)
        r.metric("hops", hops)
        ctx.step("memory test over D's RAM")
        check_b_memtest(ctx, com2, "D's RAM, all of the machine's", 600)

