"""`make bench`, the chain: A -> B -> C -> D in one boot, twice.  Per hop: the launch (plan,
load, launch until the next kernel's heartbeat), `baton handover` until its last step (the
host's CPUs and memory moved; A's health workload does not run here, so every hop moves
nearly free memory), the critical path (from the new kernel's ledger).  The noise of a
figure is the difference between the two runs of the first hop (the reference); a later hop is "as fast as the first" if it is not
slower than the first hop by more than that noise.  Every hop's spread is reported too."""
from __future__ import annotations

import time

from baton_qemu import timeline
from scenarios.chain_hop import host_ready, launch_next, ledger_of
from scenarios.faults_failover import dmesg_expect
from scenarios.launch import boot_a

HOPS = ("A -> B", "B -> C", "C -> D")
FIGURES = ("launch_s", "handover_s", "critical_path_ms")


def timed_hop(ctx, name: str, host, guest, window: int | None) -> dict:
    if window is not None:
        host_ready(ctx, name, host, window)
    fig = launch_next(ctx, name, host, guest)
    t0 = time.monotonic()
    host.send("baton handover\n")
    host.expect(r"handover: cpu 0 +A stops now", 300, f"{name}: the handover's last step")
    handover_s = time.monotonic() - t0
    dmesg_expect(guest, r"this kernel owns the machine", 60, f"{name}: the new kernel's take")
    # The host's console is the new kernel's: consume its prompt there, so that the next hop
    # waits for its own guest's.
    host.expect(r"kernel-b login: ", 60, f"{name}: the new kernel's login on the host's console")
    tl = timeline.figures(ledger_of(guest))
    return {"launch_s": fig["launch_to_running_s"], "handover_s": round(handover_s, 2),
            "critical_path_ms": tl.get("critical_path_ms")}


def one_chain(ctx, run: int) -> dict:
    ctx.step(f"the chain, run {run}: A -> B -> C -> D")
    with ctx.a_machine(f"chain-{run}", initrd=ctx.art.chain_a_initramfs) as m:
        com1, com2 = m.com1, m.com2
        boot_a(ctx, m)
        return {"A -> B": timed_hop(ctx, "A -> B", com1, com2, None),
                "B -> C": timed_hop(ctx, "B -> C", com2, com1, 1),
                "C -> D": timed_hop(ctx, "C -> D", com1, com2, 0)}


def bench_chain(ctx, runs: int = 2) -> dict:
    per_run = [one_chain(ctx, i + 1) for i in range(runs)]
    out: dict = {"runs": per_run, "hops": {}, "noise": {}, "spread": {}}
    for f in FIGURES:
        vals = {h: [r[h][f] for r in per_run if r[h][f] is not None] for h in HOPS}
        spread = {h: round(max(v) - min(v), 3) if v else None for h, v in vals.items()}
        out["spread"][f] = spread
        # The reference's own spread: a hop that varies a lot must not widen its own margin.
        out["noise"][f] = spread[HOPS[0]] or 0
        for h in HOPS:
            v = vals[h]
            out["hops"].setdefault(h, {})[f] = round(sum(v) / len(v), 3) if v else None
    first = out["hops"][HOPS[0]]
    for h in HOPS[1:]:
        hop = out["hops"][h]
        hop["within_noise_of_first"] = all(
            hop[f] is not None and first[f] is not None and
            hop[f] - first[f] <= out["noise"][f] for f in FIGURES)
    return out


def print_chain(ch: dict) -> None:
    print(f"\n  the chain (A -> B -> C -> D, {len(ch['runs'])} runs; mean per hop; noise = the "
          "first hop's run-to-run difference):")
    print(f"    {'hop':8} {'launch':10} {'handover':10} {'critical path':14} "
          "not slower than the first (within the noise)")
    for h, v in ch["hops"].items():
        ok = v.get("within_noise_of_first")
        print(f"    {h:8} {str(v['launch_s']) + ' s':10} {str(v['handover_s']) + ' s':10} "
              f"{str(v['critical_path_ms']) + ' ms':14} {'-' if ok is None else 'yes' if ok else 'NO'}")
    n = ch["noise"]
    print(f"    noise: launch {n['launch_s']} s, handover {n['handover_s']} s, critical path "
          f"{n['critical_path_ms']} ms")
    for f in FIGURES:
        print(f"    run-to-run spread of {f}: " +
              ", ".join(f"{h} {v}" for h, v in ch["spread"][f].items()))
