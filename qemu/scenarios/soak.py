"""Scenario soak: launch and abort B again and again in one boot of A, and A never notices.

A boots (4 vCPUs, 2 GiB) and starts its health workload; then CYCLES times `baton plan &&
baton load && baton launch`, B's login prompt on COM2, `baton abort`.  After every abort: CPUs
0-3 online in A, A's MemTotal what it was before the first launch, `baton status` empty, no
bad line in A's new dmesg.  Throughout: A's heartbeat loses no beat and its memory pattern
checker finds no error.  Per cycle: launch time (to B's heartbeat, the CLI's figure), abort
time (timed in A), MemTotal, A's beats and largest gap; totals at the end.
"""
import json
import re
import time

from baton_qemu.serial import ScenarioError
from scenarios.handover_steps import meminfo_kib, plan_load_launch, status_json
from scenarios.launch import bad_lines, boot_a, check_a_health, heartbeat_stats

CYCLES = 20


def line_start(text: str) -> int:
    """Offset of the last whole line's end: cutting there splits no heartbeat line."""
    return text.rfind("\n") + 1


def timed_abort(com1) -> tuple[dict, float]:
    """`baton abort --json` and its duration, from A's uptime (10 ms resolution) around it."""
    out = com1.run("read t0 _ < /proc/uptime; baton abort --json; read t1 _ < /proc/uptime; "
                   "echo \"abort_s $t0 $t1\"", 120)
    t = re.search(r"abort_s ([\d.]+) ([\d.]+)", out)
    res = json.loads(next(l for l in out.splitlines() if l.startswith("{")))
    return res, round(float(t.group(2)) - float(t.group(1)), 2)


def cycle(ctx, m, n: int, mem0: int, dmesg_seen: int) -> tuple[dict, int]:
    """One launch and abort; returns its figures and how many lines A's dmesg has now."""
    com1, com2 = m.com1, m.com2
    t0 = time.monotonic()
    start = line_start(com1.text())
    out, launch_s = plan_load_launch(com1)
    if launch_s is None:
        raise ScenarioError(f"baton launch did not run B: {out.strip()[-200:]}")
    com2.expect(r"login: ?$", 120, "B's login prompt")
    b_login_s = round(time.monotonic() - t0, 2)
    res, abort_s = timed_abort(com1)
    if res.get("ok") is not True:
        raise ScenarioError(f"baton abort failed: {res}")
    online = com1.run("cat /sys/devices/system/cpu/online").strip()
    mem = meminfo_kib(com1)
    state = status_json(com1).get("state")
    new = com1.run(f"dmesg | tail -n +{dmesg_seen + 1}").splitlines()
    text = com1.text()
    hb = heartbeat_stats(text[start:line_start(text)]) or {}
    fig = {"cycle": n, "launch_s": launch_s, "plan_to_b_login_s": b_login_s, "abort_s": abort_s,
           "a_cpus_online": online, "a_memtotal_kib": mem, "state": state,
           "a_dmesg_bad": bad_lines("\n".join(new)), "beats": hb.get("beats"),
           "lost": hb.get("lost"), "max_gap_ms": hb.get("max_gap_ms"),
           "cycle_s": round(time.monotonic() - t0, 1)}
    ctx.step(f"cycle {n}: launch {launch_s} s, abort {abort_s} s, CPUs {online}, MemTotal "
             f"{mem} KiB ({mem - mem0:+d}), beats {fig['beats']} lost {fig['lost']} "
             f"gap {fig['max_gap_ms']} ms, {fig['cycle_s']} s")
    return fig, dmesg_seen + len(new)


def every_cycle(r, what: str, cycles: list, ok) -> None:
    """One check over all cycles; its detail names the first cycles for which ok() fails."""
    bad = [c for c in cycles if not ok(c)]
    r.check(f"after every abort: {what}", bool(cycles) and not bad,
            "; ".join(json.dumps(c) for c in bad[:3]) if bad else f"{len(cycles)} cycles")


def run(ctx) -> None:
    r = ctx.report
    t_start = time.monotonic()
    with ctx.a_machine() as m:
        com1 = m.com1
        ctx.step("boot A, start its health workload")
        boot_a(ctx, m)
        com1.run("start-health /dev/ttyS0 256")
        mem0 = meminfo_kib(com1)
        r.metric("a_memtotal_kib_before", mem0)
        seen = int(com1.run("dmesg | wc -l").strip())
        cycles = []
        try:
            for n in range(1, CYCLES + 1):
                try:
                    fig, seen = cycle(ctx, m, n, mem0, seen)
                except ScenarioError as e:  # which cycle broke, not only which command
                    raise ScenarioError(f"cycle {n} of {CYCLES}: {e}") from e
                cycles.append(fig)
        finally:
            r.metric("cycles", cycles)
        every_cycle(r, "CPUs 0-3 online in A", cycles, lambda c: c["a_cpus_online"] == "0-3")
        every_cycle(r, f"A's MemTotal is back to {mem0} KiB", cycles,
                    lambda c: c["a_memtotal_kib"] == mem0)
        every_cycle(r, "baton status is empty", cycles, lambda c: c["state"] == "empty")
        every_cycle(r, "no new bad line in A's dmesg", cycles, lambda c: not c["a_dmesg_bad"])
        every_cycle(r, "no beat of A's heartbeat lost during the cycle", cycles,
                    lambda c: c["lost"] == 0)
        for key in ("launch_s", "plan_to_b_login_s", "abort_s", "cycle_s"):
            vals = [c[key] for c in cycles]
            r.metric(f"{key}_min_avg_max", [min(vals), round(sum(vals) / len(vals), 2), max(vals)])
        # The whole boot's totals: beats across cycle boundaries, pattern errors, full dmesg.
        check_a_health(ctx, com1)
    r.metric("wall_s", round(time.monotonic() - t_start, 1))
