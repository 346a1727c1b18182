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


if __name__ == "__main__":
    unittest.main()
