"""Scenario faults: what A (or its operator) may do wrong around a B, part by part.

PARTS is the list of parts, each `part(ctx, r)` on its own boot of the machine where it needs
one; a part that stops early (a ScenarioError) is reported and the next one still runs.

- crash-slot: while B runs, `kexec -p` with a kernel, initrd and command line, `kexec -p -u`,
  a kdump-tools style reload (unload, then load), `kexec -s -p` (kexec_file_load) and its
  unload, and writes to /sys/kernel/kexec_crash_size are each refused with EBUSY and a kernel
  log line that names baton; a normal `kexec -l` is not.  B stays healthy (heartbeat in the
  ledger, COM2), its image intact, and `baton abort` and a second launch still work.
- non-root: a user without CAP_SYS_BOOT is refused by every baton command, and cannot read
  baton.ko's status; then lockdown raised at runtime: baton.ko refuses every ioctl.
- lockdown: A booted with lockdown=integrity: every baton command refuses with the lockdown
  line (baton.ko, unsigned, does not even load), nothing changes.
- limits: A on 10 vCPUs: Debian's B plans; a B built for 8 CPUs, a B without its config and
  more PCI functions than the record holds are refused up front
  (before, the handover stopped at its 3rd CPU), as it does a B without its kernel config and
  more PCI functions than the record holds; nothing is saved.
- a-panics, a-crash-kexec, a-hangs, b-dies (faults_failover.py): A panics while B runs and B
  takes the machine; A's crash kexec runs anyway and B survives it; A hangs and B reports it,
  then takes the machine once its policy says so; B dies after A gave it a CPU and a block,
  and A takes them back.
"""
import dataclasses
import re
import time

from baton_qemu.context import A_CMDLINE, ledger_constant
from baton_qemu.machine import Machine, MachineSpec
from baton_qemu.serial import ScenarioError
from scenarios import faults_failover
from scenarios.handover_steps import launch_b, status_json
from scenarios.launch import boot_a, check_a_health

B_FILES = "/usr/lib/baton/bzImage --initrd=/usr/lib/baton/initramfs.cpio.gz"
B_APPEND = '--append="console=ttyS1,115200 nr_cpus=1"'
GUARDED = ("__x64_sys_kexec_load", "__ia32_compat_sys_kexec_load", "__x64_compat_sys_kexec_load",
           "__x64_sys_kexec_file_load", "crash_shrink_memory")
# Every command an operator has, as a user would type it.
COMMANDS = ("baton plan", "baton load", "baton launch", "baton release cpu 1",
            "baton release mem 0x30000000+128M", "baton handover", "baton status",
            "baton abort", "baton unload")
LOCKDOWN_LINE = "kernel A is locked down"


def attempt(port, command: str) -> tuple[int, str]:
    """Runs a command that may fail: its exit status and its output."""
    out = port.run(f"( {command} ) > /tmp/att 2>&1; echo rc=$?; cat /tmp/att", 120)
    rc = re.search(r"^rc=(\d+)$", out, re.M)
    return (int(rc.group(1)) if rc else -1), (out[rc.end():].strip() if rc else out)


def refusal_lines(port, call: str) -> int:
    return int(port.run(f"dmesg | grep -c 'baton: {call} by .* refused: kernel B' || true").strip())


def one_line(ctx, port, command: str, want: str, what: str) -> None:
    """`command` fails with exactly one line, which contains `want`."""
    rc, out = attempt(port, command)
    lines = [l for l in out.splitlines() if l.strip()]
    ctx.report.check(f"{what}: {command}", rc == 1 and len(lines) == 1 and want in lines[0],
                     f"rc {rc}: {' | '.join(lines[-2:])}")


def refused_by_baton(ctx, com1, command: str, call: str, what: str) -> None:
    """A kexec call baton must refuse: it fails with EBUSY and baton.ko logs one line for it."""
    before = refusal_lines(com1, call)
    rc, out = attempt(com1, command)
    after = refusal_lines(com1, call)
    ctx.report.check(f"refused: {what}", rc != 0 and "Device or resource busy" in out and
                     after == before + 1, f"rc {rc}, {after - before} baton line(s): "
                     f"{out.splitlines()[0] if out else ''}")


def heartbeat(com1) -> int:
    return int(status_json(com1)["heartbeat"])


def b_healthy(ctx, com1, com2, when: str) -> None:
    r = ctx.report
    hb0 = heartbeat(com1)
    time.sleep(1.5)
    hb1 = heartbeat(com1)
    r.check(f"{when}: B's heartbeat in the ledger advances", hb1 > hb0, f"{hb0} -> {hb1}")
    out = com2.run("echo b-answers-$((6 * 7))")
    r.check(f"{when}: a command on COM2 (B) works", "b-answers-42" in out, out.strip())


def crash_slot(ctx, r) -> None:
    with ctx.a_machine("crash-slot") as m:
        com1, com2 = m.com1, m.com2
        launch_b(ctx, m)
        com1.run("mount -t tracefs tracefs /sys/kernel/tracing")
        funcs = com1.run("grep -xE '" + "|".join(GUARDED) + "' "
                         "/sys/kernel/tracing/available_filter_functions || true").split()
        r.check("A can trace every entry point the guard needs", sorted(funcs) == sorted(GUARDED),
                " ".join(funcs))
        st = status_json(com1)
        slot = st.get("crash_slot", {})
        r.check("status: baton holds the crash slot, guard armed, B's image intact",
                slot.get("held") and slot.get("guard_armed") and slot.get("intact"), str(slot))
        text = com1.run("baton status")
        r.check("baton status says so", "crash slot  held by baton, guard armed" in text,
                [l for l in text.splitlines() if "crash slot" in l][0] if "crash slot" in text
                else text.strip()[-120:])
        size0 = com1.run("cat /sys/kernel/kexec_crash_size").strip()

        ctx.step("every way A could replace, unload or shrink B's crash image")
        refused_by_baton(ctx, com1, f"kexec -p {B_FILES} {B_APPEND}", "kexec_load",
                         "kexec -p with a kernel, an initrd and a command line")
        refused_by_baton(ctx, com1, "kexec -p -u", "kexec_load", "kexec -p -u")
        # kdump-config try-reload: unload, then load; its unload fails, so it stops there.
        refused_by_baton(ctx, com1, f"kexec -p -u && kexec -p {B_FILES} {B_APPEND}", "kexec_load",
                         "a kdump-tools style reload (unload, then load)")
        refused_by_baton(ctx, com1, f"kexec -s -p {B_FILES} {B_APPEND}", "kexec_file_load",
                         "kexec -s -p (kexec_file_load)")
        refused_by_baton(ctx, com1, "kexec -s -p -u", "kexec_file_load",
                         "kexec -s -p -u (kexec_file_load unload)")
        refused_by_baton(ctx, com1, "echo 0 > /sys/kernel/kexec_crash_size", "kexec_crash_size",
                         "a write of 0 to /sys/kernel/kexec_crash_size")
        refused_by_baton(ctx, com1, "echo 268435456 > /sys/kernel/kexec_crash_size",
                         "kexec_crash_size", "a shrink to 256 MiB of /sys/kernel/kexec_crash_size")
        r.metric("a_refusal_lines", com1.run("dmesg | grep 'baton: .* refused: kernel B' || true")
                 .strip().splitlines())
        ctx.step("a normal kexec load does not touch the crash slot: it goes through")
        before = sum(refusal_lines(com1, c) for c in ("kexec_load", "kexec_file_load"))
        rc, out = attempt(com1, f"kexec -l {B_FILES} {B_APPEND} && kexec -u")
        after = sum(refusal_lines(com1, c) for c in ("kexec_load", "kexec_file_load"))
        r.check("kexec -l and kexec -u (not the crash image) are let through",
                rc == 0 and after == before, f"rc {rc}: {out.strip()[-120:]}")

        ctx.step("nothing changed")
        loaded = com1.run("cat /sys/kernel/kexec_crash_loaded").strip()
        size1 = com1.run("cat /sys/kernel/kexec_crash_size").strip()
        r.check("the crash image is still loaded and the region not shrunk",
                loaded == "1" and size1 == size0, f"loaded {loaded}, size {size0} -> {size1}")
        slot = status_json(com1).get("crash_slot", {})
        r.metric("crash_refusals", slot.get("refused"))
        r.check("status: B's image intact, the 7 refusals counted",
                slot.get("intact") and slot.get("refused") == 7, str(slot))
        b_healthy(ctx, com1, com2, "after the refusals")
        online = com1.run("cat /sys/devices/system/cpu/online").strip()
        r.check("A still runs on CPUs 0-1", online == "0-1", online)

        ctx.step("baton abort still works, and a second launch")
        t0 = time.monotonic()
        out = com1.run("baton abort", 120)
        # Freeing the slot unregisters the ftrace ops: it must not make an abort slow.
        r.metric("abort_s", round(time.monotonic() - t0, 2))
        r.check("baton abort unloads baton's own image", "image is unloaded" in out, out.strip())
        st = status_json(com1)
        r.check("after abort: the slot is free, nothing loaded",
                st["state"] == "empty" and not st["crash_slot"]["held"] and
                not st["crash_slot"]["loaded"], str(st["crash_slot"]))
        com1.run("baton plan", 60)
        t0 = time.monotonic()
        com1.run("baton load", 120)
        r.metric("load_s", round(time.monotonic() - t0, 2))
        out = com1.run("baton launch --timeout 120", 180)
        r.check("a second baton plan && load && launch succeeds", "B is running" in out,
                out.strip().splitlines()[-1] if out.strip() else "")
        com2.expect(r"login: ?$", 120, "B's login prompt after the second launch")
        com2.login()
        b_healthy(ctx, com1, com2, "after the second launch")
        com1.run("baton abort", 120)
        check_a_health(ctx, com1)


def as_nobody(command: str) -> str:
    return f"su nobody -c '{command}'"


def non_root(ctx, r) -> None:
    with ctx.a_machine("non-root") as m:
        com1 = m.com1
        boot_a(ctx, m)
        com1.run("baton plan && baton load", 120)
        out = com1.run("baton launch --timeout 120", 180)
        r.check("root launches B", "B is running" in out, out.strip().splitlines()[-1])
        before = com1.run("cat /sys/devices/system/cpu/online /sys/kernel/kexec_crash_loaded")
        state0 = status_json(com1)["state"]

        ctx.step("every baton command as a user without CAP_SYS_BOOT")
        r.check("nobody is not root", com1.run(as_nobody("id -u")).strip() == "65534")
        for cmd in COMMANDS:
            word = cmd.split()[1]
            one_line(ctx, com1, as_nobody(cmd),
                     f"baton: {word} needs root (CAP_SYS_BOOT, as kexec does): run baton as root",
                     "refused as nobody")
        rc, _ = attempt(com1, as_nobody("cat /sys/kernel/baton/status"))
        r.check("nobody cannot read /sys/kernel/baton/status (the partition's addresses)", rc != 0)
        rc, out = attempt(com1, as_nobody("cat /sys/kernel/baton/version"))
        r.check("nobody may read baton.ko's version", rc == 0 and "abi" in out, out.strip())
        rc, _ = attempt(com1, as_nobody(": < /dev/baton"))
        r.check("nobody cannot open /dev/baton", rc != 0)
        after = com1.run("cat /sys/devices/system/cpu/online /sys/kernel/kexec_crash_loaded")
        r.check("nothing changed (A's CPUs, the crash image, B's state)",
                after == before and status_json(com1)["state"] == state0,
                f"{before.split()} -> {after.split()}, {state0}")

        ctx.step("lockdown raised at runtime: baton.ko refuses every ioctl")
        com1.run("echo integrity > /sys/kernel/security/lockdown")
        # Without securityfs the CLI cannot read the mode: the refusal must come from baton.ko.
        com1.run("umount /sys/kernel/security")
        for cmd in COMMANDS:
            one_line(ctx, com1, cmd, LOCKDOWN_LINE, "refused by baton.ko under lockdown")
        kmsg = com1.run("dmesg | grep -c 'Lockdown: baton: kexec of unsigned images is restricted'"
                        " || true").strip()
        r.check("the kernel logs baton's ioctls as restricted by lockdown", int(kmsg) >= 1, kmsg)
        after = com1.run("cat /sys/devices/system/cpu/online /sys/kernel/kexec_crash_loaded")
        r.check("nothing changed under lockdown", after == before, f"{after.split()}")


def lockdown(ctx, r) -> None:
    spec = MachineSpec(kernel=ctx.art.a_vmlinuz, initrd=str(ctx.art.a_initramfs),
                       append=A_CMDLINE + " lockdown=integrity")
    with ctx.machine(spec, "lockdown") as m:
        com1 = m.com1
        loaded = com1.expect(r"baton-a: baton.ko (loaded|failed to load)", 120, "module load")
        boot_a(ctx, m)
        mode = com1.run("cat /sys/kernel/security/lockdown").strip()
        r.check("A runs locked down", "[integrity]" in mode, mode)
        r.check("baton.ko (unsigned) does not load under lockdown",
                loaded.group(1) == "failed to load", loaded.group(0))
        for cmd in COMMANDS:
            one_line(ctx, com1, cmd, LOCKDOWN_LINE + " (integrity)", "refused under lockdown")
        after = com1.run("cat /sys/devices/system/cpu/online /sys/kernel/kexec_crash_loaded; "
                         "ls /run/baton 2>/dev/null | wc -l")
        r.check("nothing changed: CPUs 0-3 online, no crash image, no saved plan",
                after.split() == ["0-3", "0", "0"], str(after.split()))


def limits(ctx, r) -> None:
    spec = MachineSpec(kernel=ctx.art.a_vmlinuz, initrd=str(ctx.art.a_initramfs), append=A_CMDLINE)
    # More vCPUs than the reference machine: its own spec, not the scenario's --vcpus.
    spec = dataclasses.replace(spec, vcpus=10, ram_mib=ctx.ram_mib)
    with Machine(spec, ctx.run_dir / "limits", log=ctx.step) as m:
        com1 = m.com1
        boot_a(ctx, m)
        r.check("A has 10 CPUs", com1.run("cat /sys/devices/system/cpu/present").strip() == "0-9")
        # Debian's B runs up to 8192 CPUs: 10 plan.  A B built for fewer is refused by name.
        out = com1.run("baton plan --json", 60).strip().splitlines()[-1]
        r.check("Debian's B (CONFIG_NR_CPUS=8192) may be planned on 10 CPUs", '"ok":true' in out,
                out[:100])
        com1.run("rm -f /run/baton/state")
        com1.run("mkdir -p /tmp/k && cp /usr/lib/baton/bzImage /tmp/k/")
        one_line(ctx, com1, "baton plan --kernel /tmp/k/bzImage",
                 "B's kernel config /tmp/k/bzImage.config is missing", "refused: no B config")
        com1.run("sed 's/^CONFIG_NR_CPUS=.*/CONFIG_NR_CPUS=8/' /usr/lib/baton/bzImage.config "
                 "> /tmp/k/bzImage.config")
        one_line(ctx, com1, "baton plan --kernel /tmp/k/bzImage",
                 "this machine has 10 CPUs but B's kernel runs at most 8 "
                 "(CONFIG_NR_CPUS in /tmp/k/bzImage.config): build B with "
                 "CONFIG_NR_CPUS=10 or more", "refused: more CPUs than B runs")
        max_pci = ledger_constant("BATON_MAX_PCI")
        # The list is made in A's shell (typed, a line that long wraps in the console's echo),
        # in a file: each command runs in a subshell of its own.
        com1.run(f'for i in $(seq 0 {max_pci}); do printf "%02x:%02x.%x," '
                 '$((1 + i / 256)) $((i / 8 % 32)) $((i % 8)); done > /tmp/pci')
        one_line(ctx, com1, 'pci=$(cat /tmp/pci); baton plan --pci "${pci%,}"',
                 f"--pci names {max_pci + 1} PCI functions; B's partition record holds {max_pci} "
                 "(BATON_MAX_PCI)", "refused: more PCI functions than the record holds")
        saved = com1.run("ls /run/baton 2>/dev/null | wc -l").strip()
        r.check("a refused plan saves nothing", saved == "0", saved)


PARTS = [("crash-slot", crash_slot), ("non-root", non_root), ("lockdown", lockdown),
         ("limits", limits)] + faults_failover.PARTS


def run_parts(ctx, parts) -> None:
    """Runs a scenario made of parts, each its own boot of the machine: one that fails does
    not stop the others."""
    r = ctx.report
    for name, part in parts:
        ctx.step(f"part {name}")
        t0 = time.monotonic()
        r.part = name  # parts share helpers: their figures and checks are named by part
        try:
            part(ctx, r)
            r.check("ran to its end", True)
        except (ScenarioError, AssertionError) as e:
            r.check("ran to its end", False, str(e)[-300:])
        r.metric("part_s", round(time.monotonic() - t0, 1))
        r.part = ""
    r.metric("parts", [name for name, _ in parts])


def run(ctx) -> None:
    run_parts(ctx, PARTS)
