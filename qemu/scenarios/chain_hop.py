"""One hop of the chain, as scenario chain checks it: the kernel that owns the machine hosts
the next one (baton.ko, plan, load, launch), then aborts or hands over.  The host is on one
UART, its guest on the other (the host lends it at launch)."""
import json
import re
import time

from baton_qemu import timeline
from baton_qemu.context import window_low_ram

from scenarios.faults import attempt, refused_by_baton
from scenarios.handover import check_b_has_everything
from scenarios.handover_steps import meminfo_kib
from scenarios.launch import check_b_memtest

# A guest's own files, as `baton load` finds them by default.
NEXT_FILES = "/usr/lib/baton/bzImage --initrd=/usr/lib/baton/initramfs.cpio.gz"


def status(port) -> dict:
    return json.loads(port.run("baton status --json").strip().splitlines()[-1])


def release(port) -> str:
    return port.run("uname -r").strip()


def ledger_of(port) -> dict:
    """The ledger this kernel came in through: its own hop's."""
    return json.loads(port.run("baton status --ledger /sys/kernel/baton/ledger --json")
                      .strip().splitlines()[-1])


def host_ready(ctx, name: str, host, window: int) -> None:
    """baton.ko in the kernel that now owns the machine: it hosts through the window its own
    host did not use, and what an earlier hop left there is gone."""
    r = ctx.report
    out = host.run("grep -q '^baton ' /proc/modules || insmod /lib/modules/baton.ko 2>&1; "
                   "grep -E 'low_window|bsp' /sys/kernel/baton/status || true")
    base = window_low_ram(window)[0] - 0x6000
    r.check(f"{name}: the host's baton.ko hosts through window {window}, reserved",
            f"low_window: {base:#x}-{base + 0xffff:#x} reserved" in out, out.strip())
    st = status(host)
    r.check(f"{name}: the host's ledger starts empty (no earlier hop's state)",
            st.get("state") == "empty", str(st.get("state")))


def launch_next(ctx, name: str, host, guest) -> dict:
    """plan, load, launch in the host; the next kernel's login on its console."""
    r = ctx.report
    figures = {}
    plan = json.loads(host.run("baton plan --json", 60).strip().splitlines()[-1])
    r.check(f"{name}: the host plans the next kernel", plan.get("ok") is True, str(plan)[:300])
    figures["plan"] = plan.get("plan")
    out = host.run("baton load 2>&1", 180)
    r.check(f"{name}: the next kernel is loaded", "loaded:" in out, out.strip()[-300:])
    out = host.run("baton launch --timeout 180 2>&1", 240)
    secs = re.search(r"B is running \(heartbeat\) ([\d.]+) s", out)
    r.check(f"{name}: the next kernel runs", secs is not None, out.strip()[-300:])
    figures["launch_to_running_s"] = float(secs.group(1)) if secs else None
    guest.expect(r"kernel-b login: ", 180, f"{name}: the next kernel's login prompt")
    guest.login()
    figures["release"] = release(guest)
    refused_by_baton(ctx, host, f"kexec -p {NEXT_FILES} --append=nr_cpus=1", "kexec_load",
                     f"{name}: kexec -p in the host while the next kernel runs")
    return figures


def abort_hop(ctx, name: str, host, guest, before: dict) -> None:
    """`baton abort` while the next kernel runs: the host is as it was before the plan."""
    r = ctx.report
    rc, out = attempt(host, "baton abort")
    r.check(f"{name}: baton abort in the host", rc == 0, out[-200:])
    online = host.run("cat /sys/devices/system/cpu/online").strip()
    r.check(f"{name}: the host has every CPU back", online == f"0-{ctx.vcpus - 1}", online)
    mem = meminfo_kib(host)
    r.check(f"{name}: the host has its memory back (MemTotal as before the plan)",
            mem == before["memtotal_kib"], f"{before['memtotal_kib']} -> {mem}")
    crash = host.run("cat /sys/kernel/kexec_crash_size").strip()
    r.check(f"{name}: the partition set aside is given back", crash == "0", crash)
    st = status(host)
    r.check(f"{name}: the host's ledger is empty again", st.get("state") == "empty",
            str(st.get("state")))
    guest.expect(r"kernel-b login: ", 60, f"{name}: the host's login on the console it had lent")
    guest.login()
    r.check(f"{name}: the lent console is the host's again", release(guest) == before["release"],
            release(guest))
    check_b_memtest(ctx, host, f"{name}: the host's RAM after the abort", 300)


def check_steps(ctx, name: str, text: str, own_ram) -> None:
    """The host's step lines: movable blocks went over while it ran; what stays until it
    stops (not movable) is its own boot partition, which holds its kernel."""
    r = ctx.report
    steps = re.findall(r"handover: mem (0x[0-9a-f]+)\+128M +(.+?) \([\d.]+ ms\)", text)
    r.metric("mem_steps", [f"{b}: {res}" for b, res in steps])
    r.check(f"{name}: the host handed memory blocks over while it ran",
            any(res == "-> B" for _, res in steps), str(steps[:3]))
    kept = [int(b, 16) for b, res in steps if res.endswith("(not movable)")]
    if not own_ram:
        r.check(f"{name}: the host's own partition is in its dmesg", False)
        return
    lo, hi = int(own_ram.group(1), 16) & ~((128 << 20) - 1), int(own_ram.group(2), 16) + 1
    r.check(f"{name}: the blocks that stay until the host stops are its own partition's",
            kept and all(lo <= b < hi for b in kept) and len(kept) == (hi - lo) >> 27,
            f"{[hex(b) for b in kept]} in {lo:#x}-{hi - 1:#x}")


def hand_over_hop(ctx, name: str, host, guest, fw_ram: int, before: dict) -> dict:
    """`baton handover` in the host; the next kernel has everything, nothing leaked."""
    r = ctx.report
    figures = {}
    own_ram = re.search(r"partition guest, \d+ CPUs, RAM (0x[0-9a-f]+)-(0x[0-9a-f]+)",
                        host.run("dmesg | grep 'partition guest'"))
    start = len(host.text())
    t0 = time.monotonic()
    host.send("baton handover\n")
    last = host.expect(r"handover: cpu 0 +A stops now", 300, f"{name}: the handover's last step")
    figures["handover_until_last_step_s"] = round(time.monotonic() - t0, 2)
    check_steps(ctx, name, host.text()[start:last.end()], own_ram)
    dmesg = check_b_has_everything(ctx, guest, fw_ram)
    r.check(f"{name}: the new kernel says it owns the machine",
            "this kernel owns the machine" in dmesg)
    mem = meminfo_kib(guest)
    figures["memtotal_kib"] = mem
    r.check(f"{name}: nothing leaked: MemTotal as after the hop before (within 1 MiB)",
            mem >= before["memtotal_kib"] - 1024, f"{before['memtotal_kib']} -> {mem}")
    online = guest.run("cat /sys/devices/system/cpu/online").strip()
    r.check(f"{name}: nothing leaked: every CPU online in the new kernel",
            online == f"0-{ctx.vcpus - 1}", online)
    own = ledger_of(guest)
    r.check(f"{name}: the new kernel's ledger says handed over", own.get("state") ==
            "handed-over", str(own.get("state")))
    fig = timeline.figures(own)
    for k in ("critical_path_ms", "critical_path_a_ms", "critical_path_b_ms",
              "late_memory_mib", "late_memory_ms"):
        figures[k] = fig.get(k)
    # The host's console is the new kernel's now: a login there.
    host.expect(r"kernel-b login: ", 60, f"{name}: the new kernel's login on the host's console")
    host.login()
    rel = release(host)
    r.check(f"{name}: logins on both ports reach the new kernel", rel == release(guest), rel)
    check_b_memtest(ctx, guest, f"{name}: the new kernel's RAM, all of the machine's", 600)
    return figures
