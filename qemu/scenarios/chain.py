"""Scenario chain: one boot of the machine, A (Debian's 6.1) -> B -> C -> D, three handovers.

Every kernel baton starts can host the next upgrade.  B (6.12) takes the machine from A as in
`handover`; then B loads baton.ko and hands the machine to C (the same tree built again as
another release, 6.12.117-c), and C to D (B's kernel again).  A host runs on the console its
guest does not: B on COM2 hosts C on COM1, C on COM1 hosts D on COM2.  Each hop is checked
like `handover` (every vCPU, MemTotal, a clean dmesg, a memory test, the login on COM1), and
nothing leaks from hop to hop (MemTotal, the low window, the ledger, CPUs).  The first try of
B -> C is aborted once C runs: B must be fully working again, and the retry succeeds.

Part `faults` (chain_faults.py) boots the machine again for the faults on the hops after the
first: a guest that dies, a host that panics, kexec -p in a host.
"""
from scenarios import chain_faults
from scenarios.chain_hop import abort_hop, hand_over_hop, host_ready, launch_next, release
from scenarios.faults import attempt, run_parts
from scenarios.handover import check_power_button, firmware_ram_kib, hand_over
from scenarios.handover_steps import meminfo_kib


def refuse_stock_kernel(ctx, host) -> None:
    """Debian's stock 6.1 as the next kernel: refused with one line, nothing saved."""
    rc, out = attempt(host, "baton plan --kernel /usr/lib/baton/debian-6.1/vmlinuz")
    lines = [line for line in out.splitlines() if line.strip()]
    ctx.report.check("a downgrade to Debian's stock 6.1 is refused with one line that says why",
                     rc == 1 and len(lines) == 1 and "no partition-guest platform" in lines[0],
                     f"rc {rc}: {' | '.join(lines[-2:])}")
    saved = host.run("ls /run/baton/state 2>/dev/null | wc -l").strip()
    ctx.report.check("the refused plan saved nothing", saved == "0", saved)


def hops(ctx, r) -> None:
    with ctx.a_machine("hops", initrd=ctx.art.chain_a_initramfs) as m:
        com1, com2 = m.com1, m.com2
        fw = {}
        hand_over(ctx, m, before_handover=lambda: fw.update(ram=firmware_ram_kib(com1)))
        fw_ram = fw["ram"]
        last = {"memtotal_kib": meminfo_kib(com2), "release": release(com2)}
        figures = {"a_to_b": dict(last)}

        ctx.step("B -> C, first try: aborted once C runs")
        r.part = "hops b-to-c-aborted"  # each hop's figures and checks by its name
        host_ready(ctx, "B -> C", com2, 1)
        refuse_stock_kernel(ctx, com2)
        figures["b_to_c_aborted"] = launch_next(ctx, "B -> C (aborted)", com2, com1)
        abort_hop(ctx, "B -> C (aborted)", com2, com1, last)

        ctx.step("B -> C, the retry")
        r.part = "hops b-to-c"
        host_ready(ctx, "B -> C", com2, 1)
        hop = launch_next(ctx, "B -> C", com2, com1)
        r.check("C is another build: 6.12.117-c", hop["release"].endswith("-c"), hop["release"])
        hop.update(hand_over_hop(ctx, "B -> C", com2, com1, fw_ram, last))
        figures["b_to_c"] = hop
        last = {"memtotal_kib": hop["memtotal_kib"], "release": hop["release"]}

        ctx.step("C -> D")
        r.part = "hops c-to-d"
        host_ready(ctx, "C -> D", com1, 0)
        hop = launch_next(ctx, "C -> D", com1, com2)
        r.check("D is B's kernel again", hop["release"] == figures["a_to_b"]["release"],
                hop["release"])
        hop.update(hand_over_hop(ctx, "C -> D", com1, com2, fw_ram, last))
        figures["c_to_d"] = hop
        check_power_button(ctx, m)  # D's memory test was its hop's
        r.part = "hops"
        r.metric("hops", figures)


PARTS = [("hops", hops)] + chain_faults.PARTS


def run(ctx) -> None:
    run_parts(ctx, PARTS)
