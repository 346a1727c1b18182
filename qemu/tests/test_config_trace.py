"""The config space trace: QEMU's memory_region_ops_write lines, as QEMU 7.2's log backend
writes them with -msg timestamp=on, parsed and sorted into type 1 and ECAM accesses."""
import unittest

from baton_qemu import config_trace

SAVED = """\
4242@1764635000.000100:memory_region_ops_write cpu 0 mr 0x55d0c1a0 addr 0xcf8 value 0x80000000 size 4 name 'pci-conf-idx'
4242@1764635000.000200:memory_region_ops_write cpu 0 mr 0x55d0c1b0 addr 0xcfc value 0x7 size 2 name 'pci-conf-data'
4242@1764635010.500000:memory_region_ops_write cpu 2 mr 0x55d0c1a0 addr 0xcf8 value 0x8000c068 size 4 name 'pci-conf-idx'
4242@1764635010.600000:memory_region_ops_write cpu 2 mr 0x55d0c1a0 addr 0xcf8 value 0x80001000 size 4 name 'pci-conf-idx'
4242@1764635011.000000:memory_region_ops_write cpu 3 mr 0x55d0d000 addr 0xb0028004 value 0x6 size 2 name 'pcie-mmcfg-mmio'
4242@1764635012.000000:memory_region_ops_write cpu 2 mr 0x55d0d000 addr 0xb00e003e value 0x12 size 2 name 'pcie-mmcfg-mmio'
4242@1764635020.000000:memory_region_ops_write cpu 1 mr 0x55d0c1a0 addr 0xcf8 value 0x80002004 size 4 name 'pci-conf-idx'
4242@1764635020.000001:memory_region_ops_write cpu 1 mr 0x55d0c1a0 addr 0x3f8 value 0x41 size 1 name 'serial'
4242@1764635020.00000:memory_region_ops_write cpu 1 mr 0x55d0c1a0 addr 0xcf8 value 0x80002004 size 4 name 'pci-conf-id
not a trace line
"""


class Parse(unittest.TestCase):
    def setUp(self):
        self.w = config_trace.parse(SAVED.splitlines())

    def test_fields(self):
        first = self.w[0]
        self.assertAlmostEqual(first.t, 1764635000.0001, places=6)
        self.assertEqual((first.cpu, first.addr, first.value, first.name),
                         (0, 0xcf8, 0x80000000, "pci-conf-idx"))

    def test_truncated_and_foreign_lines_are_kept_out_by_name(self):
        # The last full-format line is cut mid-name (a trace still being written).
        self.assertEqual(len(self.w), 8)
        self.assertEqual([w.name for w in self.w].count("serial"), 1)
        self.assertEqual(len(config_trace.type1_accesses(self.w)), 4)

    def test_type1_by_cpu_and_time(self):
        b = config_trace.type1_accesses(self.w, {2, 3}, since=1764635010.0)
        self.assertEqual([hex(w.value) for w in b], ["0x8000c068", "0x80001000"])
        self.assertEqual(config_trace.type1_accesses(self.w, None, since=1764635015.0)[0].cpu, 1)
        self.assertEqual(config_trace.type1_accesses(self.w, None, 0, until=1764635000.0001), [])

    def test_targets(self):
        self.assertEqual(config_trace.conf1_target(0x8000c068), "00:18.0+0x68")
        self.assertEqual(config_trace.conf1_target(0x80012344), "01:04.3+0x44")

    def test_ecam(self):
        e = config_trace.ecam_writes(self.w, {2, 3})
        self.assertEqual([hex(w.addr) for w in e], ["0xb0028004", "0xb00e003e"])
        self.assertEqual(config_trace.ecam_writes(self.w, {0, 1}), [])


if __name__ == "__main__":
    unittest.main()
