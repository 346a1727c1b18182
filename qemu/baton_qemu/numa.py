"""The machine's NUMA layout as a kernel sees it, read over a console, against the machine's.

A kernel's view: the node of each online CPU by APIC ID (/proc/cpuinfo and the node links
of /sys/devices/system/cpu), each node's MemTotal, and the node of each memory block.  The
machine's own layout comes from its Shape (QEMU numbers APIC IDs socket by socket).
"""
from __future__ import annotations

import dataclasses
import re

from .machine import Shape

# One line per fact; busybox sh, no awk.
VIEW_CMD = (
    "for c in /sys/devices/system/cpu/cpu[0-9]*; do for l in $c/node[0-9]*; do "
    "[ -e $l ] && echo cpu ${c##*cpu} node ${l##*node}; done; done; "
    "grep -E '^(processor|apicid)' /proc/cpuinfo | tr -d ' \\t'; "
    "for n in /sys/devices/system/node/node[0-9]*; do echo mem ${n##*node} "
    "$(sed -n 's/.*MemTotal: *\\([0-9]*\\) kB/\\1/p' $n/meminfo); done; "
    "for b in /sys/devices/system/memory/memory[0-9]*; do for l in $b/node[0-9]*; do "
    "[ -e $l ] && echo block ${b##*memory} node ${l##*node}; done; done")


@dataclasses.dataclass
class View:
    cpu_nodes: dict[int, int]     # APIC ID -> node, online CPUs
    node_mem_kib: dict[int, int]  # node -> MemTotal
    block_nodes: dict[int, int]   # memory block -> node

    def nodes(self) -> dict:
        """Per node: its CPUs' APIC IDs and its memory, for the report."""
        return {n: {"apic_ids": sorted(a for a, m in self.cpu_nodes.items() if m == n),
                    "memtotal_mib": kib >> 10} for n, kib in sorted(self.node_mem_kib.items())}


def parse(text: str) -> View:
    cpu_node = {int(c): int(n) for c, n in re.findall(r"^cpu (\d+) node (\d+)\s*$", text, re.M)}
    apic, cpu = {}, None
    for key, val in re.findall(r"^(processor|apicid):(\d+)\s*$", text, re.M):
        if key == "processor":
            cpu = int(val)
        elif cpu is not None:
            apic[cpu] = int(val)
    return View(
        cpu_nodes={apic[c]: n for c, n in cpu_node.items() if c in apic},
        node_mem_kib={int(n): int(k) for n, k in re.findall(r"^mem (\d+) (\d+)\s*$", text, re.M)},
        block_nodes={int(b): int(n)
                     for b, n in re.findall(r"^block (\d+) node (\d+)\s*$", text, re.M)})


def read(port) -> View:
    return parse(port.run(VIEW_CMD, 60))


def machine_cpu_nodes(shape: Shape) -> dict[int, int]:
    """APIC ID -> node as QEMU builds the machine: APIC ID = socket << core bits | core."""
    cores = shape.vcpus // shape.sockets
    bits = (cores - 1).bit_length()
    node_of = {}
    for node, n in enumerate(shape.numa):
        for part in n.cpus.split(","):
            lo, _, hi = part.partition("-")
            for i in range(int(lo), int(hi or lo) + 1):
                node_of[i] = node
    return {(i // cores) << bits | i % cores: node_of.get(i, 0) for i in range(shape.vcpus)}


def check_b_at_launch(r, shape: Shape, b: View) -> None:
    """Before the handover: B's CPUs on their nodes, its memory on theirs (the partition's)."""
    want = machine_cpu_nodes(shape)
    r.metric("b_nodes_at_launch", b.nodes())
    r.check("at launch, B's CPUs are on their nodes",
            bool(b.cpu_nodes) and all(want.get(a) == n for a, n in b.cpu_nodes.items()),
            f"B: {b.cpu_nodes}")
    home = max(b.node_mem_kib, key=b.node_mem_kib.get, default=None)
    r.check("at launch, B's memory is on its CPUs' node", home in set(b.cpu_nodes.values()),
            f"memory by node: {b.node_mem_kib}, CPUs: {b.cpu_nodes}")


def check_b_knows_the_machine(r, shape: Shape, a_blocks: dict[int, int], b: View) -> None:
    """After the handover: B has every node of the machine, each CPU on its node, each memory
    block on the node A had it on, and each node's memory."""
    want_cpus = machine_cpu_nodes(shape)
    want_nodes = set(range(len(shape.numa))) or {0}
    r.metric("b_nodes", b.nodes())
    r.check("B has every node of the machine", set(b.node_mem_kib) == want_nodes,
            f"B: {sorted(b.node_mem_kib)}, machine: {sorted(want_nodes)}")
    r.check("B has every CPU on its node (by APIC ID)", b.cpu_nodes == want_cpus,
            f"B: {b.cpu_nodes}, machine: {want_cpus}")
    wrong = {k: (a_blocks[k], b.block_nodes.get(k)) for k in a_blocks
             if b.block_nodes.get(k) != a_blocks[k]}
    r.metric("memory_blocks_compared", len(a_blocks))
    r.check("B has every memory block of A's on the node A had it on",
            bool(a_blocks) and not wrong, f"block: (A's node, B's node) {dict(list(wrong.items())[:6])}")
    for node, n in enumerate(shape.numa):
        kib = b.node_mem_kib.get(node, 0)
        # A node's struct pages may live on another node; 10% covers them and the firmware's.
        r.check(f"B's node {node} has its memory ({n.mem_mib} MiB in the machine)",
                kib >= n.mem_mib * 1024 * 0.9, f"{kib >> 10} MiB")
