"""Part `faults` of scenario chain: the fault handling of the first hop holds on the hops
after it, where the host is itself a kernel baton launched.  One boot of the machine: A hands
over to B; on B -> C and on C -> D the guest dies first (the host notices, takes back what it
lent, and a baton abort leaves it as it was), then the host panics while the guest runs (the
guest takes the machine).  kexec -p in each host is refused while its guest runs.
"""
import time

from baton_qemu import timeline

from scenarios.chain_hop import abort_hop, host_ready, launch_next, ledger_of, release, status
from scenarios.faults_failover import OWNED, dmesg_expect
from scenarios.handover import (check_b_has_everything, check_b_memtest_and_power_button,
                                firmware_ram_kib, hand_over)
from scenarios.handover_steps import meminfo_kib


def guest_dies(ctx, name: str, host, guest, window: int) -> None:
    """The guest panics while it runs: its host takes back its CPUs, says it died, and a
    baton abort gives back the partition it had set aside."""
    r = ctx.report
    host_ready(ctx, name, host, window)
    before = {"memtotal_kib": meminfo_kib(host), "release": release(host)}
    launch_next(ctx, name, host, guest)
    ctx.step(f"{name}: the guest dies (sysrq c)")
    guest.send("echo c > /proc/sysrq-trigger\n")
    dead = dmesg_expect(host, r"B's heartbeat stopped (\d+) ms ago: B is dead", 60,
                        f"{name}: the host's notice of the guest's death")
    r.metric("host_notices_guest_dead_ms", int(dead.group(1)))
    st = status(host)
    r.check(f"{name}: baton status in the host says the guest died",
            st.get("state") == "failed" and "heartbeat stopped" in st.get("failure", ""),
            f"{st.get('state')}: {st.get('failure')}")
    abort_hop(ctx, name, host, guest, before)


def host_panics(ctx, name: str, host, guest, window: int, fw_ram: int) -> None:
    """The host panics while its guest runs: the host's CPUs walk into limbo, the guest takes
    the machine and has all of it."""
    r = ctx.report
    host_ready(ctx, name, host, window)
    launch_next(ctx, name, host, guest)
    ctx.step(f"{name}: the host panics (sysrq c)")
    t0 = time.monotonic()
    host.send("echo c > /proc/sysrq-trigger\n")
    host.expect(r"Kernel panic - not syncing", 60, f"{name}: the host's panic")
    host.expect(r"baton: A panicked: its CPUs go to limbo", 30, f"{name}: baton's notifier")
    owned = dmesg_expect(guest, OWNED, 120, f"{name}: the guest's failover")
    r.metric("failover_host_s", round(time.monotonic() - t0, 2))
    r.check(f"{name}: the guest adopted every CPU of the host's", owned.group(3) == "0",
            owned.group(0))
    check_b_has_everything(ctx, guest, fw_ram)
    own = ledger_of(guest)
    r.check(f"{name}: the guest's ledger says handed over", own.get("state") == "handed-over",
            str(own.get("state")))
    fo = timeline.figures(own).get("failover") or {}
    r.metric("failover", fo)
    r.check(f"{name}: the timeline records the failover (host panicked)",
            fo.get("fate") == "panicked", str(fo))
    host.expect(r"kernel-b login: ", 60, f"{name}: the guest's login on the host's console")
    host.login()
    rel = release(host)
    r.check(f"{name}: logins on both ports reach the guest", rel == release(guest), rel)


def faults(ctx, r) -> None:
    with ctx.a_machine("faults", initrd=ctx.art.chain_a_initramfs) as m:
        com1, com2 = m.com1, m.com2
        fw = {}
        hand_over(ctx, m, before_handover=lambda: fw.update(ram=firmware_ram_kib(com1)))
        r.part = "faults b-to-c-dies"  # each step's figures and checks by its name
        guest_dies(ctx, "B -> C", com2, com1, 1)
        r.part = "faults b-panics"
        host_panics(ctx, "B -> C", com2, com1, 1, fw["ram"])
        r.part = "faults c-to-d-dies"
        guest_dies(ctx, "C -> D", com1, com2, 0)
        r.part = "faults c-panics"
        host_panics(ctx, "C -> D", com1, com2, 0, fw["ram"])
        check_b_memtest_and_power_button(ctx, m)
        r.part = "faults"


PARTS = [("faults", faults)]
