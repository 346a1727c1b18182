"""One UART of the machine: read from QEMU's log of it, type into its socket."""
from __future__ import annotations

import bisect
import re
import socket
import threading
import time

import hashlib
from pathlib import Path


# A's health heartbeat shares the console; its lines are written whole but may land between
# two writes of a command's output, even mid-line.
HEARTBEAT = re.compile(r"HB \d+ \d+( b)?\r?\n")


def clean_output(raw: str) -> str:
    """Command output as the guest wrote it: CRLF back to LF, heartbeat lines removed."""
    return HEARTBEAT.sub("", raw.replace("\r\n", "\n"))


class ScenarioError(Exception):
    """A scenario step failed; the message says which and why."""


class SerialLog:
    """Reading one UART's recorded output: expect() consumes it in order."""

    def __init__(self, name: str, log_path: Path, machine):
        self.name = name
        self.log_path = log_path
        self.machine = machine
        self.pos = 0           # how far expect() has consumed the log

    def text(self) -> str:
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def expect(self, pattern: str, timeout: float, what: str | None = None) -> re.Match:
        """Waits for `pattern` (regex) after what was consumed; fails loudly on timeout."""
        rx = re.compile(pattern, re.M)
        timeout *= getattr(self.machine, "timeout_scale", 1)
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            m = rx.search(text, self.pos)
            if m:
                self.pos = m.end()
                return m
            if not self.machine.alive():
                raise ScenarioError(f"{self.name}: QEMU exited while waiting for "
                                    f"{what or pattern!r}")
            if time.monotonic() > deadline:
                tail = text[self.pos:][-400:].replace("\r", "")
                raise ScenarioError(f"{self.name}: no {what or pattern!r} within {timeout:.0f} s; "
                                    f"last output: {tail!r}")
            time.sleep(0.05)

    def absent(self, pattern: str, within: float) -> bool:
        """True if `pattern` does not appear in the next `within` seconds."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if rx.search(self.text(), self.pos):
                return False
            time.sleep(0.1)
        return True


class SerialPort(SerialLog):
    """One UART: the driver is QEMU's only client on the port's socket, records everything to
    `log_path` (the source of truth for expect()), and relays it to people who attach to
    `<port>.attach.sock` (e.g. `socat -,raw,echo=0 UNIX-CONNECT:build/runs/launch/com1.attach.sock`).

    The stream is recorded by us, not by QEMU's chardev logfile: QEMU 7.2 logs some bytes
    twice when a socket write is partial, which corrupts about one byte in a thousand.
    """

    def __init__(self, name: str, log_path: Path, sock_path: Path, machine):
        super().__init__(name, log_path, machine)
        self.sock_path = sock_path
        self.sock = self._connect()
        self.lock = threading.Lock()
        self.clients: list[socket.socket] = []
        # (host monotonic time, bytes recorded so far) per chunk: when each byte arrived.
        self.arrivals: list[tuple[float, int]] = []
        self.log = open(log_path, "wb")
        threading.Thread(target=self._record, daemon=True).start()
        self.attach_path = sock_path.with_name(sock_path.stem + ".attach.sock")
        self.attach_path.unlink(missing_ok=True)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(self.attach_path))
        self.listener.listen(4)
        threading.Thread(target=self._accept, daemon=True).start()

    def _connect(self) -> socket.socket:
        deadline = time.monotonic() + 20
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(str(self.sock_path))
                return s
            except OSError:
                s.close()
                if time.monotonic() > deadline or not self.machine.alive():
                    raise ScenarioError(f"{self.name}: cannot connect to {self.sock_path}")
                time.sleep(0.05)

    def _record(self) -> None:
        try:
            while True:
                d = self.sock.recv(65536)
                if not d:
                    break
                self.log.write(d)
                self.log.flush()
                total = (self.arrivals[-1][1] if self.arrivals else 0) + len(d)
                self.arrivals.append((time.monotonic(), total))
                with self.lock:
                    for c in list(self.clients):
                        try:
                            c.sendall(d)
                        except OSError:
                            self.clients.remove(c)
        except (OSError, ValueError):
            pass

    def arrival(self, offset: int) -> float | None:
        """Host time at which the byte at `offset` of the recording arrived."""
        i = bisect.bisect_right([n for _, n in self.arrivals], offset)
        return self.arrivals[i][0] if i < len(self.arrivals) else None

    def heartbeat_arrivals(self) -> list[tuple[str, int, float]]:
        """(kernel "a" or "b", sequence, host arrival time) of every whole heartbeat line."""
        raw = self.log_path.read_bytes()
        out = []
        for m in re.finditer(rb"HB (\d+) \d+( b)?\r?\n", raw):
            t = self.arrival(m.end() - 1)
            if t is not None:
                out.append(("b" if m.group(2) else "a", int(m.group(1)), t))
        return out

    def _accept(self) -> None:
        while True:
            try:
                c, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.clients.append(c)
            threading.Thread(target=self._relay_in, args=(c,), daemon=True).start()

    def _relay_in(self, c: socket.socket) -> None:
        try:
            while True:
                d = c.recv(4096)
                if not d:
                    break
                self.sock.sendall(d)
        except OSError:
            pass
        with self.lock:
            if c in self.clients:
                self.clients.remove(c)

    def send(self, text: str) -> None:
        sock = self.sock
        # The 16550 has a 16-byte FIFO and the guest drains it by interrupt: type in small
        # pieces so nothing is dropped under TCG.
        data = text.encode()
        for i in range(0, len(data), 8):
            sock.sendall(data[i:i + 8])
            time.sleep(0.01)

    def login(self, user: str = "root", password: str = "baton", timeout: float = 60) -> None:
        """Logs in at the getty on this port (the documented test login)."""
        self.send("\n")
        self.expect(r"login: ", timeout, "login prompt")
        self.send(user + "\n")
        self.expect(r"Password: ", timeout, "password prompt")
        self.send(password + "\n")
        self.expect(r"[ab]:[^\n]*# ", timeout, "shell prompt after login")

    def run(self, command: str, timeout: float = 30, retries: int = 5) -> str:
        """Runs a shell command at this port's prompt; returns its output (stdout+stderr).

        The command runs once, its output goes to a file in the guest, and the file is sent
        back with its size and md5: a serial line under TCG load can drop or repeat a
        byte, so a transfer that does not check out is asked for again (not the command).
        """
        tag = f"{int(time.monotonic() * 1000) % 100000}"
        # Markers are typed split ("@@""B"), so the echo of the command line never matches.
        self.send(f"echo @@\"\"B{tag}; ( {command} ) > /tmp/.baton-out 2>&1; "
                  f"echo @@\"\"R{tag} $? $(md5sum < /tmp/.baton-out | cut -c1-32) "
                  f"$(wc -c < /tmp/.baton-out)\n")
        # Every marker must end with its newline: the log grows while we read it, and "$"
        # would also match a line still arriving ("1112" of "11124").
        self.expect(rf"^@@B{tag}\r?\n", timeout, f"start of `{command}`")
        res = self.expect(rf"^@@R{tag} (\d+) ([0-9a-f]{{32}}) +(\d+)\r?\n", timeout,
                          f"end of `{command}`")
        rc, digest, size = int(res.group(1)), res.group(2), int(res.group(3))
        for attempt in range(retries):
            ctag = f"{tag}c{attempt}"
            self.send(f"echo @@\"\"C{ctag}; cat /tmp/.baton-out; echo; echo @@\"\"D{ctag}\n")
            begin = self.expect(rf"^@@C{ctag}\r?\n", timeout, f"output of `{command}`")
            end = self.expect(rf"\r?\n@@D{ctag}\r?\n", timeout, f"end of output of `{command}`")
            raw = self.text()[begin.end():end.start()]
            # The newline before @@D is echo's, so `raw` is exactly the file.
            out = clean_output(raw)
            data = out.encode()
            if len(data) == size and hashlib.md5(data).hexdigest() == digest:
                break
        else:
            raise ScenarioError(f"{self.name}: output of `{command}` did not arrive intact "
                                f"in {retries} tries ({size} bytes, md5 {digest})")
        if rc != 0:
            raise ScenarioError(f"{self.name}: `{command}` exited {rc}: {out.strip()[-300:]}")
        return out

    def close(self) -> None:
        for s in [self.listener, self.sock] + self.clients:
            try:
                s.close()
            except OSError:
                pass
        self.attach_path.unlink(missing_ok=True)
        self.log.close()
