"""The NUMA view parser and the machine's shapes (no QEMU)."""
import unittest
from pathlib import Path

from baton_qemu import numa
from baton_qemu.context import A_CMDLINE
from baton_qemu.machine import LARGE, REFERENCE, TWO_NODES, MachineSpec, NumaNode, Shape

# What VIEW_CMD prints in B after a handover on TWO_NODES (B's CPU numbers are not A's).
B_VIEW = """cpu0 node 1
cpu 0 node 1
cpu 1 node 1
cpu 2 node 0
cpu 3 node 0
processor:0
apicid:2
processor:1
apicid:3
processor:2
apicid:0
processor:3
apicid:1
mem 0 521216
mem 1 1497088
block 0 node 0
block 5 node 1
block 11 node 1
"""


class Report:
    def __init__(self):
        self.checks, self.metrics = {}, {}

    def check(self, name, ok, detail=""):
        self.checks[name] = ok

    def metric(self, name, value):
        self.metrics[name] = value


class Numa(unittest.TestCase):
    def test_parse(self):
        v = numa.parse(B_VIEW)
        self.assertEqual(v.cpu_nodes, {2: 1, 3: 1, 0: 0, 1: 0})
        self.assertEqual(v.node_mem_kib, {0: 521216, 1: 1497088})
        self.assertEqual(v.block_nodes, {0: 0, 5: 1, 11: 1})
        self.assertEqual(v.nodes()[1], {"apic_ids": [2, 3], "memtotal_mib": 1462})

    def test_apic_ids_by_socket(self):
        self.assertEqual(numa.machine_cpu_nodes(TWO_NODES), {0: 0, 1: 0, 2: 1, 3: 1})
        # Three cores a socket take two bits of the APIC ID: socket 1 starts at 4.
        s = Shape(vcpus=6, ram_mib=2048, sockets=2,
                  numa=(NumaNode("0-2", 1024), NumaNode("3-5", 1024)))
        self.assertEqual(numa.machine_cpu_nodes(s), {0: 0, 1: 0, 2: 0, 4: 1, 5: 1, 6: 1})
        self.assertEqual(set(numa.machine_cpu_nodes(LARGE).values()), {0})

    def test_checks_fail_on_a_wrong_node(self):
        r = Report()
        numa.check_b_knows_the_machine(r, TWO_NODES, {0: 0, 5: 1, 11: 1}, numa.parse(B_VIEW))
        self.assertTrue(all(r.checks.values()), r.checks)
        r = Report()
        numa.check_b_knows_the_machine(r, TWO_NODES, {0: 0, 5: 0, 11: 1}, numa.parse(B_VIEW))
        self.assertFalse(r.checks["B has every memory block of A's on the node A had it on"])
        r = Report()
        one_node = numa.parse(B_VIEW.replace("node 0", "node 1").replace("mem 0 521216\n", ""))
        numa.check_b_knows_the_machine(r, TWO_NODES, {0: 1}, one_node)
        self.assertFalse(r.checks["B has every node of the machine"])
        self.assertFalse(r.checks["B has every CPU on its node (by APIC ID)"])


    def test_at_launch(self):
        r = Report()
        numa.check_b_at_launch(r, TWO_NODES, numa.View({2: 1, 3: 1}, {0: 48, 1: 400000}, {}))
        self.assertTrue(all(r.checks.values()), r.checks)
        r = Report()  # one fake node: B's CPUs on node 0, which is not theirs
        numa.check_b_at_launch(r, TWO_NODES, numa.View({2: 0, 3: 0}, {0: 400000}, {}))
        self.assertFalse(r.checks["at launch, B's CPUs are on their nodes"])


class Shapes(unittest.TestCase):
    def spec(self, shape):
        return MachineSpec(kernel=Path("k")).with_shape(shape)

    def test_reference_command_line_has_no_topology(self):
        cmd = self.spec(REFERENCE).command(Path("/r"), Path("/s"))
        self.assertEqual(cmd[cmd.index("-smp") + 1], "4")
        self.assertEqual(cmd.count("-smp"), 1)
        self.assertNotIn("-numa", cmd)
        self.assertIn("crashkernel=512M@256M memmap=64K$0x20000 movablecore=1536M ", A_CMDLINE)

    def test_nodes_each_with_its_memory(self):
        cmd = " ".join(self.spec(TWO_NODES).command(Path("/r"), Path("/s")))
        self.assertIn("-smp sockets=2,cores=2", cmd)
        self.assertIn("-object memory-backend-ram,id=ram1,size=1536M "
                      "-numa node,nodeid=1,cpus=2-3,memdev=ram1", cmd)

    def test_inconsistent_shapes_are_refused(self):
        with self.assertRaises(ValueError):
            self.spec(Shape(vcpus=5, sockets=2)).topology()
        with self.assertRaises(ValueError):
            self.spec(Shape(numa=(NumaNode("0-3", 1024),))).topology()


if __name__ == "__main__":
    unittest.main()
