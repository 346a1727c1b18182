"""Who wrote PCI config space, and how: QEMU's trace of device register writes.

QEMU traces every write the guest makes to a device register (memory_region_ops_write: the
vCPU, the address, the value, the register block's name).  That is every MMIO and port write
of the machine, so the trace goes through a FIFO and only the config space registers are
kept: the type 1 index (0xcf8, 'pci-conf-idx'), its data port ('pci-conf-data') and the ECAM
window ('pcie-mmcfg-mmio' on q35).  With -msg timestamp=on each line carries the host's wall
clock, so a write can be placed before or after a moment the scenario saw.

A type 1 access always starts with a write of the index, so the index writes are the type 1
accesses: 0x80000000 | bus << 16 | device << 11 | function << 8 | register.
"""
from __future__ import annotations

import dataclasses
import os
import re
import threading
from pathlib import Path

KEPT = ("'pci-conf-idx'", "'pci-conf-data'", "'pcie-mmcfg-mmio'")
LINE = re.compile(r"^\d+@(\d+)\.(\d+):memory_region_ops_write cpu (-?\d+) mr \S+ "
                  r"addr (0x[0-9a-f]+) value (0x[0-9a-f]+) size (\d+) name '([^']*)'")


@dataclasses.dataclass(frozen=True)
class Write:
    t: float        # host wall clock
    cpu: int        # QEMU's vCPU index (-1: not a vCPU)
    addr: int
    value: int
    name: str


def parse(lines) -> list[Write]:
    """The config space writes among trace lines; other lines are skipped."""
    out = []
    for line in lines:
        m = LINE.match(line)
        if m:
            out.append(Write(int(m.group(1)) + int(m.group(2)) / 1e6, int(m.group(3)),
                             int(m.group(4), 16), int(m.group(5), 16), m.group(7)))
    return out


def conf1_index(w: Write) -> bool:
    return w.name == "pci-conf-idx"


def conf1_target(value: int) -> str:
    """An index register value as BB:DD.F+reg."""
    return (f"{(value >> 16) & 0xff:02x}:{(value >> 11) & 0x1f:02x}.{(value >> 8) & 7}"
            f"+{value & 0xfc:#04x}")


def type1_accesses(writes: list[Write], cpus=None, since: float = 0.0,
                   until: float = float("inf")) -> list[Write]:
    """The type 1 accesses (index writes) by the given vCPUs (None: any) in [since, until)."""
    return [w for w in writes if conf1_index(w) and since <= w.t < until and
            (cpus is None or w.cpu in cpus)]


def ecam_writes(writes: list[Write], cpus=None, since: float = 0.0) -> list[Write]:
    return [w for w in writes if w.name == "pcie-mmcfg-mmio" and w.t >= since and
            (cpus is None or w.cpu in cpus)]


class ConfigTrace:
    """QEMU's config space writes, read from a FIFO while the machine runs.  Start it before
    the machine: QEMU opens the FIFO at start-up and waits for a reader."""

    def __init__(self, run_dir: Path):
        self.fifo = run_dir / "qemu-trace.fifo"
        self.log = run_dir / "config-writes.log"   # the kept lines, for people
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def qemu_args(self) -> tuple[str, ...]:
        return ("-trace", f"memory_region_ops_write,file={self.fifo}", "-msg", "timestamp=on")

    def start(self) -> "ConfigTrace":
        self.fifo.parent.mkdir(parents=True, exist_ok=True)
        self.fifo.unlink(missing_ok=True)
        os.mkfifo(self.fifo)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        return self

    def _read(self) -> None:
        with open(self.fifo, errors="replace") as f, open(self.log, "w") as keep:
            for line in f:
                if any(k in line for k in KEPT):
                    keep.write(line)
                    with self._lock:
                        self._lines.append(line)

    def writes(self) -> list[Write]:
        with self._lock:
            return parse(list(self._lines))

    def close(self) -> None:
        """After the machine is gone: QEMU closed the FIFO, the reader ends."""
        if self._thread:
            self._thread.join(10)
        self.fifo.unlink(missing_ok=True)
