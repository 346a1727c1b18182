"""The reference machine as data, and a running QEMU built from it.

The command line is fixed by the dataclass and printed before the run.  Both UARTs are unix
sockets (in a short /tmp directory: socket paths are limited to 107 bytes) that QEMU waits on;
the driver records every byte to comN.log in the run directory and relays each port to
comN.attach.sock, linked there, so a person can log in while a scenario runs.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shlex
import signal
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .serial import SerialPort


@dataclasses.dataclass(frozen=True)
class NumaNode:
    """One NUMA node: its vCPUs (QEMU's cpus=, e.g. "2-3") and its RAM."""
    cpus: str
    mem_mib: int


@dataclasses.dataclass(frozen=True)
class Shape:
    """The machine's size: MachineSpec's fields of the same names."""
    vcpus: int = 4
    ram_mib: int = 2048
    sockets: int = 1                  # the vCPUs split evenly, `cores` per socket
    numa: tuple[NumaNode, ...] = ()   # () = no SRAT, one node


REFERENCE = Shape()
# Two sockets, one node each; node 0 is the smaller, so that A's movable memory on node 1
# lies above B's partition at node 1's start (design.md, "A's memory: hot and late").
TWO_NODES = Shape(sockets=2, numa=(NumaNode("0-1", 512), NumaNode("2-3", 1536)))
# More vCPUs than the reference, and RAM above 4 GiB (QEMU puts 3 GiB below 4 GiB).
LARGE = Shape(vcpus=12, ram_mib=6144)


@dataclasses.dataclass(frozen=True)
class MachineSpec:
    kernel: Path                      # -kernel: the trampoline (multiboot) or a bzImage
    machine: str = "pc"               # -M: the reference machine, or q35 (PCIe, ECAM)
    append: str = ""
    initrd: str = ""                  # -initrd: for multiboot, "mod args,,with,,commas,mod2"
    vcpus: int = 4
    ram_mib: int = 2048
    gdb: bool = False                 # -s -S: gdbstub on :1234, CPUs stopped at reset
    extra: tuple[str, ...] = ()
    sockets: int = 1
    numa: tuple[NumaNode, ...] = ()

    def with_shape(self, shape: Shape) -> "MachineSpec":
        return dataclasses.replace(self, vcpus=shape.vcpus, ram_mib=shape.ram_mib,
                                   sockets=shape.sockets, numa=shape.numa)

    def topology(self) -> list[str]:
        """Sockets (QEMU merges a second -smp into the first) and NUMA nodes, each with its
        own RAM backend; nothing for one socket without nodes."""
        if self.vcpus % self.sockets or sum(n.mem_mib for n in self.numa) not in (0, self.ram_mib):
            raise ValueError(f"shape: {self.vcpus} vCPUs on {self.sockets} sockets, nodes of "
                             f"{[n.mem_mib for n in self.numa]} MiB for {self.ram_mib} MiB")
        args = []
        if self.sockets > 1:
            args += ["-smp", f"sockets={self.sockets},cores={self.vcpus // self.sockets}"]
        for i, n in enumerate(self.numa):
            args += ["-object", f"memory-backend-ram,id=ram{i},size={n.mem_mib}M",
                     "-numa", f"node,nodeid={i},cpus={n.cpus},memdev=ram{i}"]
        return args

    def command(self, run_dir: Path, sock_dir: Path) -> list[str]:
        cmd = ["qemu-system-x86_64", "-M", self.machine, "-accel", "tcg,thread=multi",
               "-cpu", "qemu64", "-smp", str(self.vcpus), "-m", str(self.ram_mib),
               "-display", "none", "-monitor", "none", "-no-reboot", "-nodefaults",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        for port in ("com1", "com2"):
            # wait=on: QEMU starts the guest only once the driver is connected, so the
            # recording (SerialPort) misses nothing.
            cmd += ["-chardev", f"socket,id={port},path={sock_dir / (port + '.sock')},"
                                f"server=on,wait=on",
                    "-serial", f"chardev:{port}"]
        # QMP (QEMU's machine protocol): the scenarios press the power button through it.
        cmd += self.topology()
        cmd += ["-qmp", f"unix:{sock_dir / 'qmp.sock'},server=on,wait=off"]
        cmd += ["-kernel", str(self.kernel)]
        if self.append:
            cmd += ["-append", self.append]
        if self.initrd:
            cmd += ["-initrd", self.initrd]
        if self.gdb:
            cmd += ["-s", "-S"]
        cmd += list(self.extra)
        return cmd


class Machine:
    """A QEMU process; use as a context manager so it is always killed."""

    def __init__(self, spec: MachineSpec, run_dir: Path, log=print):
        self.spec = spec
        self.ports: dict = {}         # host ports of the guest services (Context.a_machine)
        self.run_dir = run_dir
        self.log = log
        self.proc: subprocess.Popen | None = None
        self.sock_dir = Path()
        self.com1: SerialPort | None = None
        self.com2: SerialPort | None = None
        self.started_at = 0.0
        # Under a debugger every wait is a person's: stretch the timeouts.
        self.timeout_scale = 1000 if spec.gdb else 1

    def __enter__(self) -> "Machine":
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for name in ("com1.log", "com2.log", "com1.sock", "com2.sock", "com1.attach.sock",
                     "com2.attach.sock"):
            (self.run_dir / name).unlink(missing_ok=True)
        # Unix socket paths are limited to 107 bytes: keep the sockets in a short /tmp
        # directory and link them into the run directory for people.
        self.sock_dir = Path(tempfile.mkdtemp(prefix="baton-"))
        cmd = self.spec.command(self.run_dir, self.sock_dir)
        (self.run_dir / "qemu.cmdline").write_text(shlex.join(cmd) + "\n")
        self.log(f"qemu: {shlex.join(cmd)}")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=open(self.run_dir / "qemu.out", "w"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        if self.spec.gdb:
            self.log("qemu: waiting for gdb on :1234 -> gdb -x qemu/gdb/trampoline.gdb")
        self.com1 = SerialPort("COM1", self.run_dir / "com1.log", self.sock_dir / "com1.sock", self)
        self.com2 = SerialPort("COM2", self.run_dir / "com2.log", self.sock_dir / "com2.sock", self)
        for port in ("com1", "com2"):
            (self.run_dir / f"{port}.attach.sock").symlink_to(self.sock_dir / f"{port}.attach.sock")
        return self

    def qmp(self, command: str, **arguments) -> dict:
        """One QMP command, e.g. system_powerdown (the power button); QEMU's reply."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(str(self.sock_dir / "qmp.sock"))
            f = s.makefile("rw")
            json.loads(f.readline())  # the greeting
            reply: dict = {}
            for cmd in ({"execute": "qmp_capabilities"},
                        {"execute": command, "arguments": arguments}):
                f.write(json.dumps(cmd) + "\n")
                f.flush()
                while True:  # events may come first
                    reply = json.loads(f.readline())
                    if "return" in reply or "error" in reply:
                        break
            return reply

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def uptime(self) -> float:
        return time.monotonic() - self.started_at

    def stop(self) -> None:
        for port in (self.com1, self.com2):
            if port:
                port.close()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for port in ("com1", "com2"):
            (self.run_dir / f"{port}.attach.sock").unlink(missing_ok=True)
        shutil.rmtree(self.sock_dir, ignore_errors=True)

    def __exit__(self, *exc) -> None:
        self.stop()
