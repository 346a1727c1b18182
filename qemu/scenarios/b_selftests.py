"""The kernel's own hotplug selftests, run in B after the handover (scenario handover).

B's initramfs carries tools/testing/selftests/{cpu-hotplug,memory-hotplug} of B's source
tree with bash (busybox has the rest) and the error-injection module memory-hotplug's second
half loads.  They run as kselftest's run_full_test does: every hot-pluggable CPU offline and
online again, then 10% of the hot-pluggable memory blocks, with and without injected errors.
"""
import re

from scenarios.b_hotplug import dmesg_lines, new_dmesg
from scenarios.launch import bad_lines

SELFTESTS = "/usr/lib/kselftest"
# (name, script, arguments, timeout in s): kselftest's run_full_test targets.
TESTS = [("cpu-hotplug", "cpu-hotplug/cpu-on-off-test.sh", "-a", 600),
         ("memory-hotplug", "memory-hotplug/mem-on-off-test.sh", "-r 10", 900)]


def run_selftest(ctx, com2, name: str, script: str, args: str, timeout: float) -> None:
    r = ctx.report
    since = dmesg_lines(com2)
    out = com2.run(f"cd {SELFTESTS}/{script.rsplit('/', 1)[0]} && "
                   f"bash ./{script.rsplit('/', 1)[1]} {args}; echo selftest-rc=$?",
                   timeout)
    (ctx.run_dir / f"selftest-{name}.log").write_text(out)
    m = re.search(r"selftest-rc=(\d+)", out)
    rc = int(m.group(1)) if m else None
    # 4 is kselftest's skip: a test that did not run does not pass.
    r.check(f"selftest {name} ({script} {args}) passes in B: exit 0", rc == 0,
            f"rc {rc}: {' | '.join(l for l in out.splitlines()[-4:] if l.strip())}")
    r.metric(f"selftest_{name.replace('-', '_')}_lines", len(out.splitlines()))
    # "skip all tests:" and memory-hotplug's "skip extra tests:" (no error injection) exit
    # 0 or 4 without testing; "SKIPPED - no ... memory in offline state" is a step with
    # nothing to do.
    skipped = [l for l in out.splitlines() if re.search(r"skip (all|extra) tests", l)]
    r.check(f"selftest {name}: no part skipped", not skipped, " | ".join(skipped[:2]))
    bad = bad_lines("\n".join(new_dmesg(com2, since)))
    r.check(f"selftest {name}: B's dmesg stays clean", not bad, str(bad[:3]))


def check_selftests(ctx, com2) -> None:
    """Both hotplug selftests of B's tree, with debugfs for memory-hotplug's error injection."""
    com2.run("mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug")
    # The test runs /sbin/modprobe, which finds the module through modules.dep.
    dep = com2.run("grep -h memory-notifier-error-inject /lib/modules/$(uname -r)/modules.dep "
                   "|| true; ls /sbin/modprobe").strip()
    ctx.report.check("B's initramfs has memory-hotplug's error-injection module for modprobe",
                     "notifier-error-inject.ko" in dep and "/sbin/modprobe" in dep, dep[-160:])
    for name, script, args, timeout in TESTS:
        ctx.step(f"B: the kernel's selftest {name}")
        run_selftest(ctx, com2, name, script, args, timeout)
