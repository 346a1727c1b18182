"""What a scenario gets: paths to the built pieces, its run directory, its report."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from pathlib import Path

from .machine import Machine, MachineSpec, Shape
from .probe import free_tcp_port, free_udp_port
from .report import Report

REPO = Path(__file__).resolve().parents[2]


def ledger_constant(name: str) -> int:
    """A constant of the one ABI header, so that no layout figure is kept twice."""
    m = re.search(rf"^#define {name}\s+(0x[0-9a-fA-F]+|\d+)u?l*", (REPO / "include" / "baton" /
                  "ledger.h").read_text(), re.M)
    if not m:
        raise KeyError(f"{name} is not defined in include/baton/ledger.h")
    return int(m.group(1), 0)


def window_low_ram(n: int) -> tuple[int, int]:
    """A guest's RAM below 1 MiB in low window n (ledger.h), [begin, end)."""
    begin = (ledger_constant("BATON_WINDOW0_BASE") + n * ledger_constant("BATON_WINDOW_SIZE") +
             ledger_constant("BATON_WINDOW_LOW_RAM"))
    return begin, begin + ledger_constant("BATON_WINDOW_LOW_RAM_SIZE")


# B's RAM below 1 MiB, inside A's low window (window 0).
B_LOW_RAM = window_low_ram(0)


@dataclasses.dataclass
class Artifacts:
    build: Path

    @property
    def cmake(self) -> Path:
        return self.build / "cmake"

    @property
    def trampoline(self) -> Path:
        return self.cmake / "trampoline" / "trampoline.elf"

    @property
    def b_bzimage(self) -> Path:
        return self.build / "kernel-b" / "bzImage"

    @property
    def b_initramfs(self) -> Path:
        return self.cmake / "initramfs-b.cpio.gz"

    @property
    def chain_a_initramfs(self) -> Path:
        """A's initramfs of the chain of upgrades: B's carries C, C's carries D."""
        return self.cmake / "chain" / "initramfs-a.cpio.gz"

    @property
    def a_vmlinuz(self) -> Path:
        return self.build / "kernel-a" / "vmlinuz"

    @property
    def a_initramfs(self) -> Path:
        return self.cmake / "initramfs-a.cpio.gz"

    def check(self) -> None:
        for p in (self.trampoline, self.b_bzimage, self.b_initramfs, self.a_vmlinuz,
                  self.a_initramfs):
            if not p.exists():
                raise FileNotFoundError(f"{p} is missing: run `make` first")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


GRUB_DROP_IN = Path(__file__).resolve().parents[2] / "packaging/baton/grub.cfg"


def host_params(crashkernel: str | None = None, movablecore: str | None = None) -> str:
    """The parameters of a host, as the baton package's GRUB drop-in gives them (its one
    source): its defaults, or this machine's partition and movable share."""
    text = GRUB_DROP_IN.read_text()
    vals = dict(re.findall(r"^(baton_\w+)=(\S+)$", text, re.M))
    line = re.search(r'^GRUB_CMDLINE_LINUX="\$GRUB_CMDLINE_LINUX (.*)"$', text, re.M).group(1)
    vals["baton_crashkernel"] = crashkernel or vals["baton_crashkernel"]
    vals["baton_movablecore"] = movablecore or vals["baton_movablecore"]
    line = re.sub(r"\$(baton_\w+)", lambda m: vals[m.group(1)], line)
    return line.replace("\\\\\\$", "$")


def a_cmdline(crashkernel: str | None = None, movablecore: str | None = None) -> str:
    """Kernel A's command line: its console and the host parameters (README explains each).
    A machine of another shape may need B's partition (crashkernel=) and A's movable memory
    elsewhere."""
    return "console=ttyS0,115200 " + host_params(crashkernel, movablecore)


A_CMDLINE = a_cmdline()
# B's partition = the crashkernel region.  At 256 MiB it sits below the memory blocks A hands
# over (6-14), so hot-removing them never has to split a System RAM resource that has
# children (A's kernel code, the crash kernel) on both sides.
A_PARTITION_BASE = 0x10000000
A_PARTITION_SIZE = 512 << 20
A_PARTITION = f"{A_PARTITION_BASE:#x}+{A_PARTITION_SIZE >> 20}M"


# The reference machine's two NICs (virtio-net), on one segment like two ports in a rack: a
# QEMU hub joins them and the user network (10.0.2.0/24, gateway 10.0.2.2).  NIC-A at 00:04.0
# is A's (A serves 10.0.2.15; B reaches the network through A's bridge and the link as
# 10.0.2.16), NIC-B at 00:05.0 is B's from launch (10.0.2.17).  The host reaches each UDP echo
# service, and SSH on the service address, through a forwarded port on 127.0.0.1.
NIC_A_MAC, NIC_B_MAC = "52:54:00:ba:70:0a", "52:54:00:ba:70:0b"
NIC_B_BDF = "00:05.0"
SERVICE_IP, SHARED_IP, NIC_B_IP = "10.0.2.15", "10.0.2.16", "10.0.2.17"


@dataclasses.dataclass(frozen=True)
class NicTopology:
    """Where the two NICs sit on a machine type."""
    ports: tuple[str, ...]    # what they hang off (-device ...), besides bus 0
    nic_a: str                # NIC-A's place (virtio-net-pci bus/addr properties)
    nic_a_bdf: str            # and its address as the kernels see it
    nic_b: str


# On the reference pc both NICs are on bus 0.  On q35 NIC-A is behind a PCIe root port
# (00:1c.0, bus 1), as a server's NIC is; NIC-B stays on bus 0, where A fences it at boot.
NIC_TOPOLOGIES = {
    "pc": NicTopology((), "addr=04.0", "00:04.0", "addr=05.0"),
    "q35": NicTopology(("-device", "pcie-root-port,id=rp1,bus=pcie.0,addr=1c.0,chassis=1"),
                       "bus=rp1,addr=00.0", "01:00.0", "addr=05.0"),
}


def nic_args(ports: dict, machine: str = "pc") -> tuple[str, ...]:
    where = NIC_TOPOLOGIES[machine]
    return ("-netdev", f"user,id=wire,ipv6=off,net=10.0.2.0/24,"
                       f"hostfwd=udp:127.0.0.1:{ports['service']}-{SERVICE_IP}:7,"
                       f"hostfwd=udp:127.0.0.1:{ports['shared']}-{SHARED_IP}:7,"
                       f"hostfwd=udp:127.0.0.1:{ports['nic_b']}-{NIC_B_IP}:7,"
                       f"hostfwd=tcp:127.0.0.1:{ports['ssh']}-{SERVICE_IP}:22",
            "-netdev", "hubport,id=uplink,hubid=0,netdev=wire",
            "-netdev", "hubport,id=porta,hubid=0",
            "-netdev", "hubport,id=portb,hubid=0",
            *where.ports,
            "-device", f"virtio-net-pci,netdev=porta,{where.nic_a},mac={NIC_A_MAC}",
            "-device", f"virtio-net-pci,netdev=portb,{where.nic_b},mac={NIC_B_MAC}")


def build_root() -> Path:
    """Where the built pieces are: BATON_BUILD, else build/."""
    return Path(os.environ.get("BATON_BUILD") or REPO / "build").resolve()


def out_root() -> Path:
    """Where scenarios write reports/ and runs/: BATON_OUT, else the build folder."""
    out = os.environ.get("BATON_OUT")
    return Path(out).resolve() if out else build_root()


class Context:
    def __init__(self, name: str, vcpus: int = 4, ram_mib: int = 2048, gdb: bool = False):
        self.name = name
        self.art = Artifacts(build_root())
        self.run_dir = out_root() / "runs" / name
        self.report = Report(name, out_root() / "reports", self.run_dir)
        self.shape = Shape(vcpus, ram_mib)  # a scenario of a fixed shape replaces it
        self.gdb = gdb
        self.t0 = time.monotonic()

    @property
    def vcpus(self) -> int:
        return self.shape.vcpus

    @property
    def ram_mib(self) -> int:
        return self.shape.ram_mib

    def step(self, text: str) -> None:
        print(f"[{time.monotonic() - self.t0:7.1f}s] {self.name}: {text}", flush=True)

    def a_machine(self, sub: str = "", nics: bool = False, machine: str = "pc",
                  extra: tuple[str, ...] = (), cmdline: str = A_CMDLINE,
                  initrd: Path | None = None) -> Machine:
        """The machine (the reference, or another -M type or shape) booting kernel A with its
        reservation parameters.  With nics, its two NICs; machine.ports names the host ports
        of the echo services (nic_args)."""
        ports = {k: free_udp_port() for k in ("service", "shared", "nic_b")} if nics else {}
        if nics:
            ports["ssh"] = free_tcp_port()
        m = self.machine(MachineSpec(kernel=self.art.a_vmlinuz, machine=machine,
                                     initrd=str(initrd or self.art.a_initramfs),
                                     append=cmdline,
                                     extra=(nic_args(ports, machine) if nics else ()) + extra),
                         sub)
        m.ports = ports
        return m

    def machine(self, spec: MachineSpec, sub: str = "") -> Machine:
        run_dir = self.run_dir / sub if sub else self.run_dir
        # BATON_QEMU_EXTRA: more QEMU arguments for a post-mortem, e.g. "-d cpu_reset -D f".
        extra = spec.extra + tuple(os.environ.get("BATON_QEMU_EXTRA", "").split())
        return Machine(dataclasses.replace(spec.with_shape(self.shape), gdb=self.gdb,
                                           extra=extra), run_dir, log=self.step)
