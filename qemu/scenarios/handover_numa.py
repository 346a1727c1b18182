"""Scenario handover-numa: the handover on a machine of two NUMA nodes, B's side on node 1.

The machine (machine.TWO_NODES): two sockets of two vCPUs, one node each; node 0 has 512 MiB
(A's kernel), node 1 the other 1.5 GiB.  A reserves B's partition at node 1's start
(crashkernel=512M@512M) and keeps 1 GiB unmovable, spread over both nodes: all of node 0
and the partition, so that A's movable blocks lie above the partition (design.md, "A's
memory: hot and late").  B launches on CPUs 2-3, node 1's, boots with both nodes from its
partition record, and `baton handover` moves A's CPUs and blocks.  Checked on B, besides
what `handover` checks: both nodes, each CPU on its node by APIC ID, each memory block on
the node A had it on, each node's memory.
"""
from baton_qemu.machine import TWO_NODES

from scenarios.handover import run_shape

A_PARTITION = "512M@512M"
A_MOVABLE = "1G"


def run(ctx) -> None:
    run_shape(ctx, TWO_NODES, A_PARTITION, A_MOVABLE)
