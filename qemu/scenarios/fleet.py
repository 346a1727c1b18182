"""Scenario fleet: a rolling upgrade of three machines with Ansible (fleet/ansible/rollout.yml).

Three VMs (the reference machine, each with its two NICs; SSH to each one's service address
forwarded from a port on 127.0.0.1; one host key for every kernel of a VM, pinned in the
playbook's known_hosts).  The playbook upgrades them one at a time (serial 1, a health gate
after each) with `baton upgrade --yes --json`: vm1 is upgraded; vm2's B never becomes ready
(its --ready names a port nobody listens on), so baton aborts it, vm2 keeps running A, and the
rollout stops there: vm3 is never touched.  Meanwhile each VM's UDP echo service is probed
from the host every 50 ms: it stays reachable except during vm1's own switch.
"""
import contextlib
import json
import re
import subprocess
import threading
import time
from pathlib import Path

from baton_qemu.probe import Prober

from scenarios.launch import boot_a

REPO = Path(__file__).resolve().parents[2]
PLAYBOOK = REPO / "fleet/ansible/rollout.yml"
VMS = ("vm1", "vm2", "vm3")
# vm2's B is launched and then never ready: nothing listens on port 1.
READY = {"vm1": "udp:10.99.0.2:7", "vm2": "tcp:10.99.0.2:1", "vm3": "udp:10.99.0.2:7"}
EXTRA = {"vm2": "--ready-timeout 20"}
DARK_S = 1.0  # a stretch without an answer this long is an outage


def keys(ctx) -> tuple[Path, str]:
    """The login key and the machines' host key (public), from the build."""
    d = ctx.art.build / "cmake/fleet"
    pub = subprocess.run(["dropbearkey", "-y", "-f", str(d / "host_ed25519")], check=True,
                         capture_output=True, text=True).stdout
    host = next(l for l in pub.splitlines() if l.startswith("ssh-ed25519 "))
    return d / "id_ed25519", " ".join(host.split()[:2])


def inventory(ctx, machines: dict, login_key: Path, known_hosts: Path) -> Path:
    lines = ["[fleet]"]
    for name, m in machines.items():
        lines.append(f"{name} ansible_host=127.0.0.1 ansible_port={m.ports['ssh']} "
                     f"baton_ready={READY[name]} baton_upgrade_args='{EXTRA.get(name, '')}'")
    lines += ["", "[fleet:vars]", "ansible_user=root",
              f"ansible_ssh_private_key_file={login_key}",
              f"ansible_ssh_common_args='-o UserKnownHostsFile={known_hosts} "
              "-o StrictHostKeyChecking=yes -o ConnectTimeout=10'",
              "baton_health_command='pidof netprobe && baton status --ledger "
              "/sys/kernel/baton/ledger | grep -q handed-over'"]
    path = ctx.run_dir / "inventory.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def outages(p: Prober, t0: float, t1: float) -> list[tuple[float, float]]:
    """Stretches of at least DARK_S in [t0, t1] with no answered probe: (start, length)."""
    answered = sorted(p.sent[s] for s in p.answers if t0 <= p.sent[s] <= t1)
    marks = [t0] + answered + [t1]
    return [(a, b - a) for a, b in zip(marks, marks[1:]) if b - a >= DARK_S]


def run_playbook(ctx, inv: Path, log: list) -> int:
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(ctx.run_dir),
           "ANSIBLE_HOME": str(ctx.run_dir / "ansible"), "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_LOCAL_TEMP": str(ctx.run_dir / "ansible/tmp"),
           "ANSIBLE_PYTHON_INTERPRETER": "auto_silent", "ANSIBLE_TIMEOUT": "30"}
    proc = subprocess.Popen(["ansible-playbook", "-i", str(inv), str(PLAYBOOK)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(ctx.run_dir / "ansible.log", "w") as out:
        for line in proc.stdout:
            log.append((time.monotonic(), line.rstrip("\n")))
            out.write(f"[{time.monotonic() - ctx.t0:7.1f}s] {line}")
            out.flush()
    return proc.wait(timeout=60)


def when(log: list, pattern: str, after: float = 0.0) -> float | None:
    return next((t for t, l in log if t >= after and re.search(pattern, l)), None)


def run(ctx) -> None:
    r = ctx.report
    login_key, host_key = keys(ctx)
    with contextlib.ExitStack() as stack:
        machines = {n: stack.enter_context(ctx.a_machine(n, nics=True)) for n in VMS}
        for name, m in machines.items():
            ctx.step(f"{name}: boot A")
            boot_a(ctx, m)
        known = ctx.run_dir / "known_hosts"
        known.write_text("".join(f"[127.0.0.1]:{m.ports['ssh']} {host_key}\n"
                                 for m in machines.values()))
        inv = inventory(ctx, machines, login_key, known)
        probers = {n: stack.enter_context(Prober(m.ports["service"], 20, n))
                   for n, m in machines.items()}
        time.sleep(2)

        ctx.step("ansible-playbook fleet/ansible/rollout.yml: one machine at a time")
        log: list = []
        t0 = time.monotonic()
        rc = run_playbook(ctx, inv, log)
        t1 = time.monotonic()
        time.sleep(2)
        r.metric("rollout_s", round(t1 - t0, 1))
        # Each machine's turn: from its first line in the playbook's output to the next one's.
        began = [when(log, rf"\[{name}\]") for name in VMS]
        for i, name in enumerate(VMS):
            end = next((b for b in began[i + 1:] if b), t1)
            r.metric(f"{name}_turn_s", round(end - began[i], 1) if began[i] else None)
        r.check("the rollout stops with a failure (vm2's B never became ready)", rc == 2, f"rc {rc}")
        text = "\n".join(l for _, l in log)
        r.check("vm1 was upgraded (the role's last task ran for it)",
                re.search(r"ok: \[vm1\] => \{\s*\"msg\": \"vm1: 6\.1\.\S+ -> 6\.12\.\S+\"", text)
                is not None, text[-300:])
        fail = re.search(r"fatal: \[vm2\]: FAILED! => (.*)", text)
        r.check("vm2 failed at baton upgrade, exit 4, saying why",
                fail is not None and '"rc": 4' in fail.group(1) and
                "B was not ready within 20 s (tcp:10.99.0.2:1: connection refused)" in fail.group(1),
                fail.group(1)[:300] if fail else text[-300:])
        r.check("vm3 was never touched by the rollout", "[vm3]" not in text)

        ctx.step("each machine's kernel and state")
        for name, m in machines.items():
            if name == "vm1":
                m.com2.expect(r"login: ?$", 120, "vm1: B's login prompt on COM2")
                m.com2.login()
                st = json.loads(m.com2.run("baton status --ledger /sys/kernel/baton/ledger "
                                           "--json").strip().splitlines()[-1])
                r.check("vm1 runs B, handed over", m.com2.run("uname -r").strip()
                        .startswith("6.12") and st.get("state") == "handed-over", st.get("state"))
            else:
                st = json.loads(m.com1.run("baton status --json").strip().splitlines()[-1])
                online = m.com1.run("cat /sys/devices/system/cpu/online").strip()
                r.check(f"{name} runs A as before: every CPU, nothing loaded",
                        m.com1.run("uname -r").strip().startswith("6.1.") and
                        online == "0-3" and st.get("state") == "empty", f"{online} {st.get('state')}")

        ctx.step("each machine's service: reachable except during its own switch")
        start = when(log, r"TASK \[baton_upgrade : baton upgrade\]") or t0
        back = when(log, r"ok: \[vm1\]", when(log, r"TASK \[baton_upgrade : The machine answers") or t0)
        for name, p in probers.items():
            dark = outages(p, t0, t1)
            stats = p.stats()
            r.metric(f"{name}_outages_s", [[round(a - t0, 1), round(d, 2)] for a, d in dark])
            r.metric(f"{name}_answers", stats.get("tags"))
            if name == "vm1":
                inside = [d for a, d in dark if start <= a <= (back or t1)]
                r.check("vm1's service was dark only during its own switch",
                        len(dark) <= 1 and len(inside) == len(dark),
                        f"{[(round(a - t0, 1), round(d, 2)) for a, d in dark]}, window "
                        f"{round(start - t0, 1)}-{round((back or t1) - t0, 1)} s")
                r.metric("vm1_switch_dark_s", round(max([d for _, d in dark], default=0.0), 2))
                r.metric("vm1_switch_gap_ms", stats.get("switch_gap_ms"))
                r.metric("vm1_longest_gap_ms", stats.get("blackout_ms"))
                r.check("vm1's service answers from B after its switch",
                        stats.get("last_tag") == "B", str(stats.get("tags")))
            else:
                r.check(f"{name}'s service was never dark (A served throughout)", not dark,
                        str([(round(a - t0, 1), round(d, 2)) for a, d in dark]))
