"""The handover's timeline: who owns each CPU and memory range over time.

Input is `baton status --json` (in A before it stops, or in B with --ledger
/sys/kernel/baton/ledger afterwards): its "timeline" lists release / limbo / adopt /
return events with ms since the trampoline started.  Output: per-resource spans, the
figures the bench and the reports quote (critical path, per-move times), and an SVG.

    python3 -m baton_qemu.timeline STATUS.json OUT.svg
"""
from __future__ import annotations

import html
import json
import sys
from dataclasses import dataclass

OWNER_COLOURS = {"A": "#8fb8de", "moving": "#f2c14e", "limbo": "#f78154", "B": "#4d9078"}


@dataclass
class Span:
    owner: str
    start: float
    end: float


def resource_key(ev: dict) -> str:
    if ev["resource"] in ("cpu", "last-cpu"):
        return f"cpu APIC {ev['arg']}"
    if ev["resource"] == "uart":
        return f"uart {ev['arg']:#x} (pin)"
    if ev["resource"] == "pci":
        a = ev["arg"]
        return f"pci {(a >> 8) & 0xff:02x}:{(a >> 3) & 0x1f:02x}.{a & 7}"
    if ev["resource"] == "irq":
        return f"irq GSI {ev['arg']} (pin)"
    return f"mem {ev['arg']:#x}+{ev['size'] >> 20}M"


def preparations_out(status: dict) -> list[dict]:
    """The timeline without the events that change no owner: B's preparation of a CPU it will
    get, and the marks of a failover (A died, B noticed, B owns everything)."""
    return [e for e in status.get("timeline", [])
            if e["resource"] not in ("prepare-cpu", "failover")]


FATES = {1: "panicked", 2: "crash-kexec", 3: "hung"}  # enum baton_a_fate


def failover_figures(status: dict) -> dict | None:
    """A failover's times: from A's death (A's own mark; for a hang, from B's notice less the
    silence it measured) to B noticing, and to B owning the machine."""
    ev = {e["event"]: e for e in status.get("timeline", []) if e["resource"] == "failover"}
    if "take" not in ev:
        return None
    take = ev["take"]
    quiet = take["size"]
    died = ev["release"]["ms"] if "release" in ev else take["ms"] - quiet
    out = {"fate": FATES.get(take["arg"], str(take["arg"])), "silence_ms": quiet,
           "notice_ms": round(take["ms"] - died, 3)}
    if "adopt" in ev:
        out["own_ms"] = round(ev["adopt"]["ms"] - died, 3)
        out["cpus_left"] = ev["adopt"]["size"]
    return out


def spans(status: dict) -> dict[str, list[Span]]:
    """Resource -> owner spans, from t=0 (launch) to the last event."""
    events = sorted(preparations_out(status), key=lambda e: e["ms"])
    end = max([e["ms"] for e in events], default=0.0) * 1.02 + 1
    rows: dict[str, list[Span]] = {}
    # B's own CPUs belong to B from the launch on.
    for c in status.get("cpus", []):
        if not c.get("released_by_a"):
            rows[f"cpu APIC {c['apic_id']}"] = [Span("B", 0.0, end)]
    for ev in events:
        key = resource_key(ev)
        row = rows.setdefault(key, [Span("A", 0.0, end)])
        owner = {"release": "moving", "limbo": "limbo", "take": "moving", "adopt": "B",
                 "return": "A"}[ev["event"]]
        if ev["event"] == "take" and row[-1].owner == "limbo":
            continue  # B started on it; the CPU still waits in limbo
        row[-1].end = ev["ms"]
        row.append(Span(owner, ev["ms"], end))
    return rows


def figures(status: dict) -> dict:
    """What the reports and the bench quote."""
    ev = sorted(preparations_out(status), key=lambda e: e["ms"])
    out: dict = {"moves": []}
    open_at: dict[str, float] = {}
    for e in ev:
        key = resource_key(e)
        if e["event"] == "release":
            open_at[key] = e["ms"]
        elif e["event"] == "adopt" and key in open_at:
            out["moves"].append({"resource": key, "ms": round(e["ms"] - open_at.pop(key), 3)})
    last = {e["event"]: e["ms"] for e in ev if e["resource"] == "last-cpu"}
    uart = [e for e in ev if e["resource"] == "uart"]
    if "release" in last and "adopt" in last:
        # The last step: A stops serving (it gives up its UARTs, then interrupts go off on its
        # last CPU) until B owns that CPU and every pin; split where the CPU reached limbo:
        # A's part, then B's adoption.
        start = min([last["release"]] + [e["ms"] for e in uart if e["event"] == "release"])
        end = max([last["adopt"]] + [e["ms"] for e in uart if e["event"] == "adopt"])
        out["critical_path_ms"] = round(end - start, 3)
        if "limbo" in last:
            out["critical_path_a_ms"] = round(last["limbo"] - start, 3)
            out["critical_path_b_ms"] = round(end - last["limbo"], 3)
        # Where B's part goes: the doorbell until B took the request, then the adoption.
        out["last_step_ms"] = {k: round(v - start, 3) for k, v in sorted(
            list(last.items()) + [("uart_" + e["event"], e["ms"]) for e in uart],
            key=lambda kv: kv[1])}
    last_adopt = [last["adopt"]] if "adopt" in last else []
    mem_adopts = [e for e in ev if e["resource"] == "mem" and e["event"] == "adopt"]
    late = [e for e in mem_adopts if last_adopt and e["ms"] >= last_adopt[0]]
    if late:
        t0 = last_adopt[0]
        out["late_memory_mib"] = sum(e["size"] for e in late) >> 20
        out["late_memory_ms"] = round(max(e["ms"] for e in late) - t0, 3)
    fo = failover_figures(status)
    if fo:
        out["failover"] = fo
    return out


def render_svg(status: dict, title: str = "baton handover") -> str:
    rows = spans(status)
    if not rows:
        return "<svg xmlns='http://www.w3.org/2000/svg' width='400' height='40'>" \
               "<text x='10' y='25'>no timeline</text></svg>"
    end = max(s.end for row in rows.values() for s in row)
    start = min([s.start for row in rows.values() for s in row if s.owner != "A"] or [0.0])
    start = max(0.0, start - (end - start) * 0.05)
    left, width, row_h, top = 170, 900, 18, 40
    scale = width / max(end - start, 1e-9)
    h = top + row_h * len(rows) + 50
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{left + width + 20}' height='{h}' "
           "font-family='sans-serif' font-size='11'>",
           f"<text x='10' y='20' font-size='14'>{html.escape(title)}</text>"]
    for i, (name, row) in enumerate(sorted(rows.items(), key=lambda kv: (kv[0][:3], kv[0]))):
        y = top + i * row_h
        out.append(f"<text x='10' y='{y + 12}'>{html.escape(name)}</text>")
        for s in row:
            a, b = max(s.start, start), s.end
            if b <= a:
                continue
            out.append(f"<rect x='{left + (a - start) * scale:.1f}' y='{y}' "
                       f"width='{max((b - a) * scale, 0.8):.1f}' height='{row_h - 3}' "
                       f"fill='{OWNER_COLOURS[s.owner]}'><title>{s.owner} "
                       f"{a:.3f}-{b:.3f} ms</title></rect>")
    y = top + row_h * len(rows) + 15
    for k in range(6):
        t = start + (end - start) * k / 5
        out.append(f"<text x='{left + (t - start) * scale:.0f}' y='{y}'>{t:.0f} ms</text>")
    x = left
    for owner, colour in OWNER_COLOURS.items():
        out.append(f"<rect x='{x}' y='{y + 10}' width='12' height='10' fill='{colour}'/>"
                   f"<text x='{x + 16}' y='{y + 19}'>{owner}</text>")
        x += 80
    out.append("</svg>")
    return "\n".join(out)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    status = json.load(open(sys.argv[1]))
    open(sys.argv[2], "w").write(render_svg(status))
    print(json.dumps(figures(status)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
