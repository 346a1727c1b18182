"""The harness's own parsers, on saved and synthetic serial logs (no QEMU)."""
import re
import tempfile
import threading
import time
import unittest
from pathlib import Path

from baton_qemu.serial import ScenarioError, SerialLog
from scenarios.standalone_boot import parse_iomem_ram


class FakeMachine:
    def __init__(self, alive=True):
        self._alive = alive

    def alive(self):
        return self._alive


class ExpectTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.log = Path(self.dir.name) / "com2.log"

    def tearDown(self):
        self.dir.cleanup()

    def port(self, alive=True):
        return SerialLog("COM2", self.log, FakeMachine(alive))

    def test_waits_for_output_that_arrives_later(self):
        self.log.write_text("baton: trampoline dev on APIC ID 0\r\n")

        def later():
            time.sleep(0.3)
            with self.log.open("a") as f:
                f.write("baton: AP APIC ID 1 checked in, parked in limbo (slot 1)\r\n")
        threading.Thread(target=later).start()
        p = self.port()
        p.expect(r"trampoline \S+ on APIC ID 0", 2)
        m = p.expect(r"AP APIC ID (\d+) checked in", 2)
        self.assertEqual(m.group(1), "1")

    def test_consumed_output_does_not_match_twice(self):
        self.log.write_text("BATON-B-READY\n")
        p = self.port()
        p.expect(r"^BATON-B-READY", 1)
        with self.assertRaises(ScenarioError):
            p.expect(r"^BATON-B-READY", 0.3)

    def test_timeout_names_what_was_awaited_and_shows_the_tail(self):
        self.log.write_text("[    2.2] Kernel panic - not syncing: No working init found.\n")
        with self.assertRaises(ScenarioError) as e:
            self.port().expect(r"^BATON-B-READY", 0.3, "B's shell")
        self.assertIn("no \"B's shell\" within 0 s", str(e.exception))
        self.assertIn("Kernel panic", str(e.exception))

    def test_dead_qemu_fails_at_once(self):
        self.log.write_text("")
        t = time.monotonic()
        with self.assertRaises(ScenarioError) as e:
            self.port(alive=False).expect("anything", 30)
        self.assertLess(time.monotonic() - t, 5)
        self.assertIn("QEMU exited", str(e.exception))


class IomemTest(unittest.TestCase):
    SAVED = """00000000-00023fff : Reserved
00024000-0002ffff : System RAM
00030000-0009ffff : Reserved
000f0000-401fffff : Reserved
  40100000-40113fff : ACPI Tables
40200000-5fffffff : System RAM
  40400000-40bfffff : Kernel code
60000000-7fffffff : Reserved
"""

    def test_top_level_system_ram_only(self):
        self.assertEqual(parse_iomem_ram(self.SAVED),
                         [(0x24000, 0x30000), (0x40200000, 0x60000000)])

    def test_nested_system_ram_is_not_top_level(self):
        self.assertEqual(parse_iomem_ram("  00100000-001fffff : System RAM\n"), [])


if __name__ == "__main__":
    unittest.main()


class HeartbeatTest(unittest.TestCase):
    # Saved from a launch run: heartbeat lines after prompts and between command output.
    SAVED = ("@@E65954 0\na:~# \x1b[6nHB 2 4053\nHB 3 4153\nHB 4 4253\n"
             "ne at 0x40000000\n@@E69769 0\na:~# \x1b[6nHB 5 4556\necho @@\"\"B70256; baton launch\n"
             "HB 7 4753\n")

    def test_prompt_prefixed_lines_count_and_gaps_are_found(self):
        from scenarios.launch import heartbeat_stats
        st = heartbeat_stats(self.SAVED)
        self.assertEqual(st["beats"], 5)
        self.assertEqual(st["lost"], 1)            # 6 is missing
        self.assertEqual(st["max_gap_ms"], 303)    # 4253 -> 4556

    def test_a_line_still_arriving_does_not_count(self):
        from scenarios.launch import heartbeat_stats
        st = heartbeat_stats("HB 1 100\nHB 2 200\nHB 3 3")
        self.assertEqual(st["last"], 2)
        self.assertEqual(st["max_gap_ms"], 100)

    def test_too_few_beats(self):
        from scenarios.launch import heartbeat_stats
        self.assertIsNone(heartbeat_stats("HB 1 100\n"))


class OutputTest(unittest.TestCase):
    def test_heartbeat_lines_are_removed_even_mid_line(self):
        from baton_qemu.serial import clean_output
        raw = "00020000-0002ffff : ReHB 12 3456\r\nserved\r\nHB 13 3556\r\nlast\r\n"
        self.assertEqual(clean_output(raw), "00020000-0002ffff : Reserved\nlast\n")
        self.assertEqual(clean_output("a\nHB 3 400 b\r\nb\n"), "a\nb\n")


class RelayTest(unittest.TestCase):
    """SerialPort against a stand-in for QEMU's chardev socket: it records every byte and
    relays the port to a person attached to <port>.attach.sock, both ways."""

    def test_record_and_attach(self):
        import socket
        from baton_qemu.serial import SerialPort
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            qemu = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            qemu.bind(str(d / "com1.sock"))
            qemu.listen(1)
            port = SerialPort("COM1", d / "com1.log", d / "com1.sock", FakeMachine())
            guest, _ = qemu.accept()
            guest.sendall(b"kernel-a login: ")
            port.expect(r"login: ", 2)
            person = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            person.connect(str(d / "com1.attach.sock"))
            time.sleep(0.2)
            guest.sendall(b"HB 1 100\n")
            self.assertEqual(person.recv(100), b"HB 1 100\n")
            person.sendall(b"root\n")
            self.assertEqual(guest.recv(100), b"root\n")
            port.send("nproc\n")
            self.assertEqual(guest.recv(100), b"nproc\n")
            self.assertEqual((d / "com1.log").read_bytes(), b"kernel-a login: HB 1 100\n")
            # Host arrival times per heartbeat line, A's and B's (tagged) apart.
            t0 = time.monotonic()
            time.sleep(0.3)
            guest.sendall(b"HB 0 5 b\n")
            port.expect(r"HB 0 5 b\n", 2)
            beats = port.heartbeat_arrivals()
            self.assertEqual([(k, s) for k, s, _ in beats], [("a", 1), ("b", 0)])
            self.assertLess(beats[0][2], t0)
            self.assertGreaterEqual(beats[1][2], t0 + 0.3)
            port.close()
            person.close()
            guest.close()
            qemu.close()


class RunTest(unittest.TestCase):
    """run() against a fake guest shell that sends its result line in two pieces."""

    def test_result_line_split_in_transit(self):
        import hashlib
        import socket
        from baton_qemu.serial import SerialPort
        data = b"x" * 11123 + b"\n"   # 11124 bytes: "1112" arrives first
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            qemu = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            qemu.bind(str(d / "com2.sock"))
            qemu.listen(1)
            port = SerialPort("COM2", d / "com2.log", d / "com2.sock", FakeMachine())
            guest, _ = qemu.accept()

            def shell():
                typed = b""
                while b"@@\"\"D" not in typed or not typed.endswith(b"\n"):
                    typed += guest.recv(4096)
                    if b"@@\"\"R" in typed and b"sent-R" not in typed:
                        tag = re.search(rb'@@""B(\d+);', typed).group(1)
                        result = b"@@R" + tag + b" 0 " + hashlib.md5(data).hexdigest().encode()
                        guest.sendall(b"@@B" + tag + b"\n" + result + b" 1112")
                        time.sleep(0.3)
                        guest.sendall(b"4\n")
                        typed += b"sent-R"
                ctag = re.search(rb'@@""C(\w+);', typed).group(1)
                guest.sendall(b"@@C" + ctag + b"\n" + data + b"\n@@D" + ctag + b"\n")

            t = threading.Thread(target=shell)
            t.start()
            out = port.run("dmesg", timeout=5, retries=1)
            t.join(5)
            self.assertEqual(out.encode(), data)
            port.close()
            guest.close()
            qemu.close()
