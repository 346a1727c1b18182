"""The external blackout probe: a host-side UDP client that asks a service in the guest for
an echo (netprobe echo) at a fixed rate, with sequence numbers, through QEMU's user-mode
network (hostfwd).  Every answer names the kernel that sent it ("A" or "B").

The blackout is the longest stretch of send times with no answered probe: a probe sent at t
and answered means the service was reachable at t.
"""
from __future__ import annotations

import socket
import threading
import time


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prober:
    def __init__(self, port: int, hz: int = 1000, name: str = ""):
        self.port, self.hz, self.name = port, hz, name or f"udp:{port}"
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.sent: list[float] = []            # send time of probe i
        self.answers: dict[int, tuple[float, str]] = {}  # seq -> (receive time, tag)
        self.bad = 0                            # answers that are not an echo of a probe
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._send, daemon=True),
                         threading.Thread(target=self._receive, daemon=True)]

    def __enter__(self) -> "Prober":
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if not self._stop.is_set():
            self._stop.set()
            for t in self._threads:
                t.join()
            self.sock.close()

    def _send(self) -> None:
        period = 1.0 / self.hz
        t_next = time.monotonic()
        seq = 0
        while not self._stop.is_set():
            now = time.monotonic()
            if now < t_next:
                time.sleep(t_next - now)
                continue
            self.sent.append(time.monotonic())
            try:
                self.sock.sendto(f"{seq}".encode(), ("127.0.0.1", self.port))
            except OSError:
                pass
            seq += 1
            t_next += period
            if t_next < now - 0.1:      # fell behind (host busy): do not burst to catch up
                t_next = now

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(256)
            except (socket.timeout, OSError):
                continue
            parts = data.decode(errors="replace").split()
            if len(parts) != 2 or not parts[0].isdigit():
                self.bad += 1
                continue
            self.answers[int(parts[0])] = (time.monotonic(), parts[1])

    def mark(self) -> int:
        """The next probe's sequence number: brackets a phase for stats()."""
        return len(self.sent)

    def stats(self, first: int = 0, last: int | None = None) -> dict:
        """Answered probes, the longest blackout and who answered, over probes [first, last)."""
        last = len(self.sent) if last is None else last
        seqs = [s for s in range(first, last) if s in self.answers]
        out = {"name": self.name, "sent": last - first, "answered": len(seqs),
               "bad_answers": self.bad, "tags": {}}
        for s in seqs:
            tag = self.answers[s][1]
            out["tags"][tag] = out["tags"].get(tag, 0) + 1
        if not seqs:
            out["blackout_ms"] = None
            return out
        # A gap at either end counts too: from the phase's first probe to the first answer.
        times = [self.sent[first]] + [self.sent[s] for s in seqs] + [self.sent[last - 1]]
        gaps = [(b - a, a) for a, b in zip(times, times[1:])]
        gap, at = max(gaps)
        out["blackout_ms"] = round(gap * 1e3, 1)
        out["blackout_at_s"] = round(at - self.sent[first], 3)
        rtts = sorted(self.answers[s][0] - self.sent[s] for s in seqs)
        out["rtt_ms_median"] = round(rtts[len(rtts) // 2] * 1e3, 2)
        # The switch: the first answer from a kernel other than the first one's.
        first_tag = self.answers[seqs[0]][1]
        switch = next((s for s in seqs if self.answers[s][1] != first_tag), None)
        out["first_tag"] = first_tag
        out["last_tag"] = self.answers[seqs[-1]][1]
        if switch is not None:
            before = max(s for s in seqs if s < switch)
            out["switch_gap_ms"] = round((self.sent[switch] - self.sent[before]) * 1e3, 1)
        return out
