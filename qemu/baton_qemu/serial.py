"""One UART of the machine: read from QEMU's log of it, type into its socket."""
from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path


HEARTBEAT = re.compile(r"^HB \d+ \d+$")


class ScenarioError(Exception):
    """A scenario step failed; the message says which and why."""


class SerialPort:
    def __init__(self, name: str, log_path: Path, sock_path: Path, machine):
        self.name = name
        self.log_path = log_path
        self.sock_path = sock_path
        self.machine = machine
        self.pos = 0           # how far expect() has consumed the log
        self.sock: socket.socket | None = None

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

    def _connect(self) -> socket.socket:
        if self.sock is None:
            deadline = time.monotonic() + 10
            while True:
                try:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(str(self.sock_path))
                    self.sock = s
                    # QEMU's log file is what we read; the socket must still be drained or
                    # the UART blocks once the socket buffer is full.
                    threading.Thread(target=self._drain, args=(s,), daemon=True).start()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise ScenarioError(f"{self.name}: cannot connect to {self.sock_path}")
                    time.sleep(0.1)
        return self.sock

    def send(self, text: str) -> None:
        sock = self._connect()
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

    def run(self, command: str, timeout: float = 30) -> str:
        """Runs a shell command at this port's prompt and returns its output."""
        tag = f"{int(time.monotonic() * 1000) % 100000}"
        # The markers are typed split ("@@""B"), so the echo of the command line never matches.
        self.send(f"echo @@\"\"B{tag}; {command}; echo @@\"\"E{tag} $?\n")
        begin = self.expect(rf"^@@B{tag}\r?\n", timeout, f"start of `{command}`")
        end = self.expect(rf"^@@E{tag} (\d+)\r?$", timeout, f"end of `{command}`")
        out = self.text()[begin.end():end.start()].replace("\r", "")
        # A's health heartbeat shares the console: its lines are not command output.
        out = "\n".join(l for l in out.split("\n") if not HEARTBEAT.match(l))
        if end.group(1) != "0":
            raise ScenarioError(f"{self.name}: `{command}` exited {end.group(1)}: {out.strip()}")
        return out

    @staticmethod
    def _drain(sock: socket.socket) -> None:
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass

    def close(self) -> None:
        if self.sock:
            self.sock.close()
            self.sock = None
