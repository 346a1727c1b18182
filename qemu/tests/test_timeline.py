"""The timeline's rows: every kind of resource the ledger records gets its own, named row."""
import unittest

from baton_qemu import timeline


def ev(event, resource, arg, size=0, ms=1.0):
    return {"event": event, "resource": resource, "arg": arg, "size": size, "ms": ms}


class ResourceRows(unittest.TestCase):
    def test_names(self):
        self.assertEqual(timeline.resource_key(ev("adopt", "pci", 0x20)), "pci 00:04.0")
        self.assertEqual(timeline.resource_key(ev("adopt", "irq", 10)), "irq GSI 10 (pin)")
        self.assertEqual(timeline.resource_key(ev("adopt", "uart", 0x3f8)), "uart 0x3f8 (pin)")
        self.assertEqual(timeline.resource_key(ev("adopt", "mem", 0x30000000, 128 << 20)),
                         "mem 0x30000000+128M")
        self.assertEqual(timeline.resource_key(ev("adopt", "last-cpu", 0)), "cpu APIC 0")

    def test_a_device_moves_to_b(self):
        rows = timeline.spans({"timeline": [ev("release", "pci", 0x20, ms=1.0),
                                            ev("take", "pci", 0x20, ms=2.0),
                                            ev("adopt", "pci", 0x20, ms=5.0)]})
        self.assertEqual([s.owner for s in rows["pci 00:04.0"]], ["A", "moving", "moving", "B"])


class Failover(unittest.TestCase):
    def test_a_panics(self):
        st = {"timeline": [ev("release", "failover", 1, ms=10.0),
                           ev("release", "cpu", 1, ms=10.5), ev("limbo", "cpu", 1, ms=11.0),
                           ev("take", "failover", 1, 40, ms=50.0),
                           ev("adopt", "cpu", 1, ms=70.0),
                           ev("adopt", "failover", 1, 0, ms=900.0)]}
        fo = timeline.figures(st)["failover"]
        self.assertEqual(fo, {"fate": "panicked", "silence_ms": 40, "notice_ms": 40.0,
                              "own_ms": 890.0, "cpus_left": 0})
        # The failover's marks own nothing: only the CPU has a row.
        self.assertEqual(sorted(timeline.spans(st)), ["cpu APIC 1"])

    def test_a_hangs(self):
        # No mark of A's: its death is dated by the silence B measured.
        st = {"timeline": [ev("take", "failover", 3, 1020, ms=2000.0),
                           ev("adopt", "failover", 3, 1, ms=2500.0)]}
        fo = timeline.figures(st)["failover"]
        self.assertEqual((fo["fate"], fo["notice_ms"], fo["own_ms"], fo["cpus_left"]),
                         ("hung", 1020.0, 1520.0, 1))

    def test_no_failover(self):
        self.assertNotIn("failover", timeline.figures({"timeline": []}))


if __name__ == "__main__":
    unittest.main()
