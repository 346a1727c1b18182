"""Scenario upgrade: `baton upgrade`, the whole upgrade in one command, as an operator runs it.

One boot of A (4 vCPUs, 2 GiB) with its health workload:
- refusals that change nothing: a --ready spec that is not one (exit 2), no --yes without a
  terminal (exit 2), an image no manifest vouches for (exit 1);
- `baton upgrade --dry-run`: the plan and every step, nothing changed;
- an upgrade whose B never becomes ready (`--ready tcp:10.99.0.2:1`, nobody listens there):
  B launches, the wait times out, B is aborted, exit 4; A is as it was (CPUs, MemTotal, the
  crash slot, COM2, its workload) and a second upgrade starts from there;
- `baton upgrade --yes --ready udp:10.99.0.2:7 --json`: B comes up, answers its UDP echo on
  the link, the handover runs, A stops; B has every vCPU and the memory, logins on both
  ports, the power button.
The transcript of the good upgrade is kept in the run folder (upgrade.txt).
"""
import json
import re
import time

from scenarios.handover import (check_b_has_everything, check_b_on_com1, check_power_button,
                                firmware_ram_kib)
from scenarios.handover_steps import meminfo_kib
from scenarios.launch import boot_a, check_a_health


def attempt(com1, command: str, timeout: float = 120) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of a command that may fail."""
    out = com1.run(f"{command} >/tmp/up.out 2>/tmp/up.err; echo rc=$?", timeout)
    rc = re.search(r"^rc=(\d+)$", out, re.M)
    return (int(rc.group(1)) if rc else -1, com1.run("cat /tmp/up.out"),
            com1.run("cat /tmp/up.err").strip())


def a_state(com1) -> dict:
    st = json.loads(com1.run("baton status --json").strip().splitlines()[-1])
    return {"cpus": com1.run("cat /sys/devices/system/cpu/online").strip(),
            "state": st.get("state"),
            "crash_loaded": com1.run("cat /sys/kernel/kexec_crash_loaded").strip(),
            "memtotal_kib": meminfo_kib(com1),
            "panic_order": com1.run("cat /sys/module/kernel/parameters/"
                                    "crash_kexec_post_notifiers").strip(),
            "lent": com1.run("cat /run/baton/lent 2>/dev/null; true").strip()}


def check_unchanged(ctx, com1, before: dict, what: str) -> None:
    now = a_state(com1)
    ctx.report.check(f"nothing changed after {what}", now == before, f"{before} -> {now}")


def refused(ctx, com1, command: str, rc_want: int, want: str, before: dict, what: str) -> None:
    rc, _out, err = attempt(com1, command)
    lines = [l for l in err.splitlines() if l.strip()]
    ctx.report.check(f"{what}: exit {rc_want} and one line", rc == rc_want and len(lines) == 1
                     and want in lines[0], f"rc {rc}: {' | '.join(lines)}")
    check_unchanged(ctx, com1, before, what)


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine() as m:
        com1, com2 = m.com1, m.com2
        ctx.step("boot A, start its health workload")
        boot_a(ctx, m)
        com1.run("start-health /dev/ttyS0 256")
        before = a_state(com1)
        r.metric("a_before", before)

        ctx.step("refusals that change nothing")
        refused(ctx, com1, "baton upgrade --yes --ready tcp:10.99.0.2", 2,
                "--ready 'tcp:10.99.0.2': no :PORT", before, "a --ready that is not one")
        refused(ctx, com1, "baton upgrade < /dev/null", 2, "give --yes when no one is at a "
                "terminal", before, "no --yes without a terminal")
        com1.run("mkdir -p /tmp/bare && cp /usr/lib/baton/bzImage /usr/lib/baton/bzImage.config "
                 "/tmp/bare/")
        refused(ctx, com1, "baton upgrade --yes --kernel /tmp/bare/bzImage", 1,
                "no manifest vouches for /tmp/bare/bzImage", before, "an image without a manifest")

        ctx.step("baton upgrade --dry-run: the plan and every step")
        rc, out, err = attempt(com1, "baton upgrade --dry-run --ready udp:10.99.0.2:7")
        (ctx.run_dir / "upgrade-dry-run.txt").write_text(out)
        r.check("the dry run succeeds", rc == 0, f"rc {rc}: {err}")
        for want in ("upgrade: plan", "plan        ", "upgrade: ready: udp:10.99.0.2:7",
                     "upgrade: handover: cpu 1 -> B", "upgrade: handover: cpu 0 A stops now",
                     "upgrade: dry run, nothing changed"):
            r.check(f"the dry run says '{want.strip()}'", want in out, out.strip()[-200:])
        r.check("the dry run's handover leaves out B's own CPUs (they go at launch)",
                "upgrade: handover: cpu 2 " not in out and "upgrade: handover: cpu 3 " not in out,
                " | ".join(l for l in out.splitlines() if "handover: cpu" in l))
        check_unchanged(ctx, com1, before, "the dry run")

        ctx.step("an upgrade whose B never becomes ready: aborted, A as it was")
        t0 = time.monotonic()
        rc, out, err = attempt(com1, "baton upgrade --yes --ready tcp:10.99.0.2:1 "
                               "--ready-timeout 20", 400)
        r.metric("not_ready_upgrade_s", round(time.monotonic() - t0, 1))
        (ctx.run_dir / "upgrade-not-ready.txt").write_text(out + err)
        r.check("B launched before the wait", "B is running (heartbeat)" in out, out[-300:])
        r.check("exit 4 (B failed) with one line that names the check", rc == 4 and
                len(err.splitlines()) == 1 and "B was not ready within 20 s (tcp:10.99.0.2:1: "
                "connection refused)" in err and "B aborted, the running kernel is as it was"
                in err, f"rc {rc}: {err}")
        r.check("the abort ran", "abort: B stopped" in out, out[-300:])
        check_unchanged(ctx, com1, before, "the upgrade B failed")
        check_a_health(ctx, com1)

        ctx.step("baton upgrade --yes --ready udp:10.99.0.2:7 --json")
        fw_ram = firmware_ram_kib(com1)
        t0 = time.monotonic()
        # The transcript starts here (not at the command's echo: A's heartbeat lines can cut it).
        start = len(com1.text())
        com1.send("baton upgrade --yes --ready udp:10.99.0.2:7 --json\n")
        last = com1.expect(r'\{"step":"cpu 0","result":"A stops now, B adopts it"', 600,
                           "the upgrade's last step")
        r.metric("upgrade_until_last_step_s", round(time.monotonic() - t0, 1))
        text = com1.text()
        transcript = text[start:last.end() + 80]
        # Without A's heartbeat lines (its workload writes them to the same console).
        (ctx.run_dir / "upgrade.txt").write_text("".join(
            l for l in transcript.replace("\r", "").splitlines(keepends=True)
            if not re.match(r"HB \d+ \d+$", l.strip())))
        events = [json.loads(l) for l in re.findall(r'^\{"event":.*\}\r?$', transcript, re.M)]
        steps = [e["step"] for e in events if e.get("event") == "step"]
        r.metric("upgrade_steps", steps)
        r.check("events: plan, load, launch, ready, handover in order",
                steps == ["plan", "load", "launch", "ready", "handover"], str(steps))
        ready = [e for e in events if e.get("event") == "ready"]
        r.check("B was ready (its UDP echo on the link) before the handover", len(ready) == 1 and
                ready[0].get("check") == "udp:10.99.0.2:7", str(ready))
        if ready:
            r.metric("ready_after_heartbeat_s", ready[0].get("seconds"))
        launch = re.search(r'\{"ok":true,"state":"b-running","seconds":([\d.]+)\}', transcript)
        r.metric("launch_to_b_running_s", float(launch.group(1)) if launch else None)

        ctx.step("B owns the machine")
        com2.expect(r"login: ?$", 120, "B's login prompt on COM2")
        com2.login()
        b_dmesg = check_b_has_everything(ctx, com2, fw_ram)
        r.check("B says it owns the machine", "this kernel owns the machine" in b_dmesg)
        check_b_on_com1(ctx, com1, com2)
        st = json.loads(com2.run("baton status --ledger /sys/kernel/baton/ledger --json")
                        .strip().splitlines()[-1])
        r.check("B's ledger says handed over", st.get("state") == "handed-over", st.get("state"))
        check_power_button(ctx, m)
