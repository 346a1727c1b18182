"""Scenario launch-refusals: every bad input gives a one-line error, changes nothing, and A
stays healthy.

Refused: CPU 0; a CPU that does not exist; a partition outside the crashkernel region or too
small for B; a corrupted bzImage and a truncated initramfs (load checks them against their
folder's SHA256SUMS and refuses, as it does an image without a manifest; past load with
--no-verify the trampoline's digest check refuses, `baton status` reports it, the CPUs return
to A); launch before load; launch twice;
unload while B runs.  Then A booted without the reservation parameters: the message names
what to add.
"""
import re

from baton_qemu.machine import MachineSpec
from scenarios.launch import boot_a, check_a_health


def refused(ctx, port, command: str, expect: str, timeout: float = 120) -> str:
    """Runs `command`, which must fail with exactly one line on stderr containing `expect`."""
    out = port.run(f"{command} 2>/tmp/err; echo rc=$?; cat /tmp/err", timeout)
    rc = re.search(r"^rc=(\d+)$", out, re.M)
    err = out[rc.end():].strip() if rc else ""
    lines = [l for l in err.splitlines() if l.strip()]
    ok = rc is not None and rc.group(1) != "0" and len(lines) == 1 and expect in lines[0]
    ctx.report.check(f"refused: {command}", ok, lines[0] if lines else f"no error, {out.strip()[-120:]}")
    return lines[0] if lines else ""


def unchanged(ctx, port, what: str, state: str = "empty") -> None:
    online = port.run("cat /sys/devices/system/cpu/online").strip()
    status = port.run("baton status --json").strip().splitlines()[-1]
    loaded = port.run("cat /sys/kernel/kexec_crash_loaded").strip()
    ok = online == "0-3" and f'"state":"{state}"' in status and (loaded == "0" or state != "empty")
    ctx.report.check(f"nothing changed after {what}", ok,
                     f"cpus {online}, kexec_crash_loaded {loaded}, {status[:80]}")


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine("reserved") as m:
        com1 = m.com1
        boot_a(ctx, m)
        com1.run("start-health /dev/ttyS0 256")

        ctx.step("plan refusals")
        refused(ctx, com1, "baton plan --cpus 0,1", "CPU 0 stays with A")
        unchanged(ctx, com1, "CPU 0")
        refused(ctx, com1, "baton plan --cpus 2,9", "CPU 9 does not exist")
        unchanged(ctx, com1, "a CPU that does not exist")
        refused(ctx, com1, "baton plan --partition 0x50000000+512M", "outside the crashkernel region")
        unchanged(ctx, com1, "a partition outside the crashkernel region")
        refused(ctx, com1, "baton plan --partition 0x10000000+32M", "cannot hold B's kernel")
        unchanged(ctx, com1, "a partition too small for B")
        refused(ctx, com1, "baton plan --cpus 2,x", "is not a CPU number")
        refused(ctx, com1, "baton plan --bogus 1", "takes no --bogus")
        refused(ctx, com1, "baton launch", "nothing is loaded")
        unchanged(ctx, com1, "launch before load")

        ctx.step("images their manifest does not vouch for: load refuses, nothing changes")
        com1.run("mkdir -p /tmp/bad /tmp/bare && cp /usr/lib/baton/bzImage /usr/lib/baton/initramfs.cpio.gz "
                 "/usr/lib/baton/trampoline.bin /tmp/bad/ && cp /usr/lib/baton/SHA256SUMS /tmp/bad/ && "
                 "cp /usr/lib/baton/bzImage /tmp/bare/")
        com1.run("printf '\\377\\377\\377\\377' | dd of=/tmp/bad/bzImage bs=1 seek=1000000 conv=notrunc 2>/dev/null")
        com1.run("baton plan")
        refused(ctx, com1, "baton load --kernel /tmp/bad/bzImage",
                "/tmp/bad/bzImage is not the image /tmp/bad/SHA256SUMS vouches for")
        unchanged(ctx, com1, "a corrupted bzImage, checked by load")
        refused(ctx, com1, "baton load --kernel /tmp/bare/bzImage",
                "no manifest vouches for /tmp/bare/bzImage")
        unchanged(ctx, com1, "a bzImage without a manifest")

        ctx.step("the same images past load (--no-verify): the trampoline refuses at launch")
        com1.run("baton load --no-verify --kernel /tmp/bad/bzImage", 120)
        line = refused(ctx, com1, "baton launch", "kernel sha256 does not match the plan")
        r.check("launch names the trampoline's refusal and returns the CPUs",
                "back in A" in line, line)
        status = com1.run("baton status")
        r.check("baton status reports the failure", "failed" in status and "sha256" in status,
                status.strip().replace("\n", "; "))
        unchanged(ctx, com1, "a corrupted bzImage", state="failed")
        com1.run("baton unload")
        unchanged(ctx, com1, "unload after the failure")

        com1.run("cp /usr/lib/baton/bzImage /tmp/bad/bzImage && "
                 "head -c 500000 /usr/lib/baton/initramfs.cpio.gz > /tmp/bad/initramfs.cpio.gz")
        refused(ctx, com1, "baton load --initrd /tmp/bad/initramfs.cpio.gz",
                "/tmp/bad/initramfs.cpio.gz is not the image /tmp/bad/SHA256SUMS vouches for")
        com1.run("baton load --no-verify --initrd=/tmp/bad/initramfs.cpio.gz", 120)
        refused(ctx, com1, "baton launch", "initrd sha256 does not match the plan")
        unchanged(ctx, com1, "a truncated initramfs", state="failed")
        com1.run("baton unload")

        ctx.step("launch twice, unload while B runs")
        com1.run("baton load", 120)
        out = com1.run("baton launch", 180)
        r.check("a good launch after the refusals", "B is running" in out, out.strip()[-120:])
        refused(ctx, com1, "baton launch", "already b-running")
        refused(ctx, com1, "baton unload", "baton abort stops it first")
        refused(ctx, com1, "baton load", "already b-running")
        status = com1.run("baton status")
        r.check("B still runs after the refused commands", "alive" in status,
                status.strip().replace("\n", "; "))
        com1.run("baton abort", 60)
        unchanged(ctx, com1, "abort")

        check_a_health(ctx, com1)

    ctx.step("A booted without the reservation parameters")
    plain = MachineSpec(kernel=ctx.art.a_vmlinuz, initrd=str(ctx.art.a_initramfs),
                        append="console=ttyS0,115200 nokaslr panic=0")
    with ctx.machine(plain, "unreserved") as m:
        loaded = m.com1.expect(r"baton-a: baton.ko (loaded|failed to load)", 120, "module load")
        m.com1.expect(r"login: ", 60, "A's login prompt")
        m.com1.login()
        r.check("baton.ko refuses to load without the low window", loaded.group(1) == "failed to load")
        kmsg = m.com1.run("dmesg | grep 'baton:' || true")
        r.check("baton.ko names the parameter to add", "memmap=64K$0x20000" in kmsg, kmsg.strip())
        refused(ctx, m.com1, "baton plan", "boot A with crashkernel=512M@256M")
