"""Scenario link: A and B talk over baton0, the inter-kernel link (rings + doorbell NMIs).

A boots with its health workload and launches B; both bring up baton0 (A 10.99.0.1, B
10.99.0.2).  Checked: the carrier on both sides, ping both ways, a TCP transfer both ways,
control-message round trips (PING/PONG without the IP stack), and the refusals: malformed,
oversized and bad-index messages are dropped and counted by the receiver and the link goes
on; a peer that stops reading costs the sender its carrier after a second, never a hang, and
the link recovers when it reads again.  A's health and both kernels' logs stay clean.
"""
import re

from scenarios.handover_steps import launch_b
from scenarios.launch import bad_lines, check_a_health

A_IP, B_IP = "10.99.0.1", "10.99.0.2"
SYS = "/sys/class/net/baton0/baton_link"


def counter(port, name: str) -> int:
    return int(port.run(f"cat {SYS}/{name}").strip().splitlines()[-1])


def peer(port) -> str:
    return port.run(f"cat {SYS}/peer").strip().splitlines()[-1]


def ping(port, host: str, count: int, interval: str = "0.05") -> dict:
    out = port.run(f"ping -c {count} -i {interval} -W 2 {host}", 30 + count)
    loss = re.search(r"(\d+)% packet loss", out)
    rtt = re.search(r"min/avg/max = ([\d.]+)/([\d.]+)/([\d.]+)", out)
    return {"loss_pct": int(loss.group(1)) if loss else 100,
            "rtt_ms": [float(x) for x in rtt.groups()] if rtt else None}


def tcp(ctx, sender, receiver, dst: str, mib: int) -> float | None:
    receiver.run("netprobe sink 5001 > /tmp/sink.log 2>&1 &")
    out = sender.run(f"netprobe send {dst} 5001 {mib}", 120)
    m = re.search(r"MiBps=([\d.]+)", out)
    sink = receiver.run("sleep 0.5; cat /tmp/sink.log")
    got = re.search(r"SINK bytes=(\d+)", sink)
    ctx.report.check(f"TCP {mib} MiB to {dst} arrives whole",
                     got is not None and int(got.group(1)) == mib << 20, sink.strip())
    return float(m.group(1)) if m else None


def control_rtt(port, n: int) -> dict | None:
    out = port.run(f"echo {n} > {SYS}/ping && cat {SYS}/ping", 60)
    m = re.search(r"^(\d+) (\d+) (\d+) (\d+)\s*$", out, re.M)
    if not m:
        return None
    count, lo, avg, hi = (int(x) for x in m.groups())
    return {"count": count, "min_us": lo / 1e3, "avg_us": avg / 1e3, "max_us": hi / 1e3}


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine() as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m)

        ctx.step("both inits bring up their end of baton0")
        r.check("B's init brought the link up", "link up: baton0" in com2.text(),
                "no 'link up' line on COM2")
        com1.run(f"for i in $(seq 50); do grep -q up {SYS}/peer && break; sleep 0.2; done")
        r.check("A: peer up", peer(com1) == "up", peer(com1))
        r.check("B: peer up", peer(com2) == "up", peer(com2))

        ctx.step("ping both ways")
        a2b, b2a = ping(com1, B_IP, 50), ping(com2, A_IP, 50)
        r.metric("ping_a_to_b", a2b)
        r.metric("ping_b_to_a", b2a)
        r.check("ping A -> B: no loss", a2b["loss_pct"] == 0, str(a2b))
        r.check("ping B -> A: no loss", b2a["loss_pct"] == 0, str(b2a))

        ctx.step("TCP both ways")
        r.metric("tcp_a_to_b_mibps", tcp(ctx, com1, com2, B_IP, 32))
        r.metric("tcp_b_to_a_mibps", tcp(ctx, com2, com1, A_IP, 32))

        ctx.step("control round trips (PING/PONG on the rings)")
        rtt = control_rtt(com1, 1000)
        r.metric("control_rtt_a", rtt)
        r.check("1000 control round trips from A", rtt is not None and rtt["count"] == 1000,
                str(rtt))
        r.metric("control_rtt_b", control_rtt(com2, 1000))

        ctx.step("refusals: malformed, oversized, bad index")
        for what, name in (("malformed", "malformed"), ("oversized", "oversized_rx"),
                           ("bad-index", "bad_index")):
            before = counter(com2, name)
            com1.run(f"echo {what} > {SYS}/test")
            com1.run("sleep 0.3")
            after = counter(com2, name)
            r.check(f"B dropped and counted A's {what} message", after == before + 1,
                    f"{name} {before} -> {after}")
        again = ping(com1, B_IP, 10)
        r.check("the link goes on after them", again["loss_pct"] == 0, str(again))

        ctx.step("a peer that stops reading")
        com2.run(f"echo deaf > {SYS}/test")
        out = com1.run(f"echo 3 > {SYS}/ping; echo rc=$?", 30)
        r.check("a control ping to a deaf peer times out", "rc=1" in out, out.strip())
        com1.run(f"netprobe blast {B_IP} 9 2000", 60)
        com1.run("sleep 2")
        r.check("A: the deaf peer's link lost its carrier (stalled)", peer(com1) == "stalled",
                peer(com1))
        r.check("A: one stall counted", counter(com1, "tx_timeouts") == 1,
                str(counter(com1, "tx_timeouts")))
        alive = com1.run("echo alive").strip()
        r.check("A still answers on COM1", alive.endswith("alive"), alive)
        com2.run(f"echo hear > {SYS}/test")
        com1.run("sleep 1")
        r.check("A: the carrier came back when B read again", peer(com1) == "up", peer(com1))
        back = ping(com1, B_IP, 10)
        r.check("ping A -> B works again", back["loss_pct"] == 0, str(back))

        ctx.step("health and logs")
        check_a_health(ctx, com1)
        b_bad = bad_lines(com2.run("dmesg"))
        r.check("B's dmesg is clean", not b_bad, "; ".join(b_bad[:3]))
        r.metric("a_link_counters", {n: counter(com1, n) for n in
                                     ("rung", "doorbells", "ring_full", "hellos")})
        r.metric("b_link_counters", {n: counter(com2, n) for n in
                                     ("rung", "doorbells", "ring_full", "hellos", "malformed",
                                      "oversized_rx", "bad_index")})
