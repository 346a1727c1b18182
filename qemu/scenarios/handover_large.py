"""Scenario handover-large: the handover on a machine of 12 vCPUs and 6 GiB, half above 4 GiB.

The machine (machine.LARGE): QEMU puts 3 GiB below 4 GiB and 3 GiB at 4-7 GiB.  B's
partition stays at 256 MiB (the trampoline runs below 4 GiB).  Linux makes only the highest
zone movable, so A's movable memory is all of 4-7 GiB (movablecore=3G): `baton handover`
moves A's 10 other CPUs and 24 memory blocks above 4 GiB one at a time, and B takes A's
memory below 4 GiB when A stops.  Checked: what `handover` checks, and B's one node with
every CPU and every memory block.
"""
from baton_qemu.machine import LARGE

from scenarios.handover import run_shape

A_PARTITION = "512M@256M"
A_MOVABLE = "3G"


def run(ctx) -> None:
    run_shape(ctx, LARGE, A_PARTITION, A_MOVABLE)
