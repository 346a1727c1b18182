"""Scenario nic: the machine's two NICs, one of them shared, and the blackout of a handover.

The reference machine with its NICs (context.nic_args): A drives NIC-A and bridges it to the
link, B drives NIC-B from launch (`baton plan --pci 00:05.0`: B's PCI allow-list; A fenced the
function before its driver loaded).  Before the handover the host reaches A's echo service on
10.0.2.15 (NIC-A), B's on 10.0.2.17 (NIC-B) and B's on 10.0.2.16 (NIC-A shared: A's bridge
and the link).  Then `baton handover` while the host probes the service address at 1 kHz: A
unbinds NIC-A, B adopts it (PCI rescan, its own virtio-net) and takes 10.0.2.15 with NIC-A's
MAC.  Checked: every path answers before, B's own NIC keeps answering throughout, the service
address is answered by A before and by B after, and the largest gap (the external blackout)
is reported.
"""
import json
import re
import time

from baton_qemu import timeline
from baton_qemu.context import NIC_A_MAC, NIC_B_BDF
from baton_qemu.probe import Prober
from scenarios.handover_steps import launch_b
from scenarios.launch import bad_lines


def probe_for(port: int, name: str, seconds: float, hz: int = 200) -> dict:
    with Prober(port, hz, name) as p:
        time.sleep(seconds)
    return p.stats()


def check_path(r, what: str, st: dict, tag: str) -> None:
    r.metric(f"probe_{st['name']}", st)
    r.check(f"{what}: answered by {tag}, >= 95% of probes",
            st["answered"] >= 0.95 * st["sent"] and set(st["tags"]) == {tag}, str(st))


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine(nics=True) as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m, f"--pci {NIC_B_BDF}")

        ctx.step("who drives which NIC")
        a_nic_b = com1.run(f"[ -e /sys/bus/pci/devices/0000:{NIC_B_BDF}/driver ] && echo bound "
                           "|| echo free").strip()
        r.check("A does not drive NIC-B", a_nic_b.endswith("free"), a_nic_b)
        b_macs = com2.run("cat /sys/class/net/*/address")
        r.check("B drives NIC-B from launch", "52:54:00:ba:70:0b" in b_macs, b_macs.strip())
        r.check("B does not see NIC-A", NIC_A_MAC not in b_macs, b_macs.strip())
        com1.run("for i in $(seq 50); do ip link show br0 | grep -q baton0 && "
                 "grep -q up /sys/class/net/baton0/baton_link/peer && break; sleep 0.2; done")
        r.check("A bridges baton0 to NIC-A", "master br0" in com1.run("ip link show baton0"))

        ctx.step("before: each service on its own path")
        check_path(r, "A's service on NIC-A (10.0.2.15)",
                   probe_for(m.ports["service"], "service_before", 2), "A")
        check_path(r, "B's service on NIC-B (10.0.2.17)",
                   probe_for(m.ports["nic_b"], "nic_b_before", 2), "B")
        check_path(r, "B's service through the shared NIC-A (10.0.2.16)",
                   probe_for(m.ports["shared"], "shared_before", 2), "B")

        ctx.step("baton handover while the host probes the service address at 1 kHz")
        with Prober(m.ports["service"], 1000, "service") as svc, \
                Prober(m.ports["nic_b"], 200, "nic_b") as nic_b:
            time.sleep(1)
            com1.send("baton handover\n")
            com1.expect(r"handover: cpu 0 +A stops now", 300, "the handover's last step")
            com1.expect(r"kernel-b login: ", 60, "B's login prompt on COM1")
            time.sleep(2)
        steps = re.findall(r"handover: (pci \S+) +(.+) \(([\d.]+) ms\)", com1.text())
        st_b = json.loads(com2.run("baton status --ledger /sys/kernel/baton/ledger --json")
                          .strip().splitlines()[-1])
        r.metric("devices_after", st_b.get("devices"))
        svg = ctx.report.path.with_name("nic-timeline.svg")
        svg.write_text(timeline.render_svg(st_b, "baton handover with NICs: owner of each "
                                                 "CPU, memory range, pin and device"))
        r.metric("timeline_svg", str(svg))
        r.check("status: NIC-A (00:04.0) is owned by B",
                {"resource": "pci", "id": "00:04.0", "owner": "B"} in st_b.get("devices", []),
                str(st_b.get("devices")))
        r.metric("nic_steps", steps)
        r.check("the handover moved NIC-A (00:04.0) to B",
                any(s[0] == "pci 00:04.0" for s in steps), str(steps))
        st = svc.stats()
        r.metric("service_probe", st)
        r.metric("service_blackout_ms", st["blackout_ms"])
        r.check("the service address answered A before and B after",
                st.get("first_tag") == "A" and st.get("last_tag") == "B", str(st))
        r.check("the service address came back (blackout < 10 s)",
                st["blackout_ms"] is not None and st["blackout_ms"] < 10000, str(st["blackout_ms"]))
        sb = nic_b.stats()
        r.metric("nic_b_probe", sb)
        r.check("B's own NIC kept answering through the handover (gap < 2 s)",
                sb["blackout_ms"] is not None and sb["blackout_ms"] < 2000 and
                set(sb["tags"]) == {"B"}, str(sb))

        ctx.step("after: B drives both NICs with A's address and MAC")
        com1.login()
        addrs = com1.run("ip addr")
        r.check("B has A's service address on NIC-A's MAC",
                re.search(NIC_A_MAC + r"[\s\S]*?inet 10\.0\.2\.15/24", addrs) is not None,
                addrs.strip()[-300:])
        check_path(r, "the service address after", probe_for(m.ports["service"], "service_after", 2),
                   "B")
        check_path(r, "B's address on NIC-A after", probe_for(m.ports["shared"], "shared_after", 2),
                   "B")
        check_path(r, "B's NIC-B after", probe_for(m.ports["nic_b"], "nic_b_after", 2), "B")
        b_bad = bad_lines(com2.run("dmesg"))
        r.check("B's dmesg is clean", not b_bad, "; ".join(b_bad[:3]))
