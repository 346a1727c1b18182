"""Scenario launch-b-fails: B panics early (baton.test_panic on its command line).

A is unaffected, `baton status` reports B dead from its heartbeat, `baton abort` returns the
CPUs to A, and a second load + launch succeeds.
"""
import time

from scenarios.launch import boot_a, check_a_health


def run(ctx) -> None:
    r = ctx.report
    with ctx.a_machine() as m:
        com1, com2 = m.com1, m.com2
        boot_a(ctx, m)
        com1.run("start-health /dev/ttyS0 256")

        ctx.step("launch a B that panics early")
        com1.run("baton plan && baton load --append 'baton.test_panic earlyprintk=serial,ttyS1,115200'", 120)
        out = com1.run("baton launch --timeout 10 2>&1; true", 60)
        r.check("launch reports that B never started its heartbeat",
                "did not start its heartbeat" in out, out.strip().splitlines()[-1])
        com2.expect(r"Kernel panic - not syncing: baton: baton.test_panic", 30, "B's panic on COM2")

        ctx.step("wait until baton status calls B dead")
        deadline = time.monotonic() + 90
        status = ""
        while time.monotonic() < deadline:
            status = com1.run("baton status")
            if "dead" in status:
                break
            time.sleep(2)
        r.check("baton status reports B dead from its heartbeat", "dead" in status,
                status.strip().replace("\n", "; "))

        ctx.step("baton abort returns the CPUs to A")
        com1.run("baton abort", 60)
        online = com1.run("cat /sys/devices/system/cpu/online").strip()
        r.check("B's CPUs are online in A again", online == "0-3", online)
        nproc = com1.run("nproc").strip()
        r.check("A schedules on all 4 CPUs again", nproc == "4", nproc)

        ctx.step("a second load + launch succeeds")
        com1.run("baton plan && baton load", 120)
        out = com1.run("baton launch", 180)
        r.check("the second launch runs B", "B is running" in out, out.strip().splitlines()[-1])
        com2.expect(r"login: ", 120, "B's login prompt")
        com2.login()
        r.check("B answers on COM2 after the retry", com2.run("nproc").strip() == "2")

        check_a_health(ctx, com1)
