"""Scenario reports: <out>/reports/<scenario>.json (context.out_root(), build/ by default) with
name, pass/fail and every figure."""
from __future__ import annotations

import json
import time
import traceback
from pathlib import Path


class Report:
    def __init__(self, scenario: str, reports_dir: Path, run_dir: Path):
        self.data = {"scenario": scenario, "pass": False, "metrics": {}, "checks": [],
                     "logs": {"com1": str(run_dir / "com1.log"), "com2": str(run_dir / "com2.log"),
                              "qemu": str(run_dir / "qemu.out")},
                     "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        self.path = reports_dir / f"{scenario}.json"
        # Now, not in write(): scenarios put their own files (SVGs, bench.json) next to the
        # report before it is written, and on a first run nothing has made the folder yet.
        reports_dir.mkdir(parents=True, exist_ok=True)
        self.failed = False
        # A scenario made of parts (each its own boot) names every figure and check by part,
        # so that parts sharing helpers do not overwrite each other's figures.
        self.part = ""

    def metric(self, name: str, value) -> None:
        name = f"{self.part}.{name}" if self.part else name
        self.data["metrics"][name] = value
        print(f"  {name} = {value}", flush=True)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        name = f"{self.part}: {name}" if self.part else name
        self.data["checks"].append({"check": name, "pass": bool(ok), "detail": detail})
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}{': ' + detail if detail else ''}", flush=True)
        if not ok:
            self.failed = True
        return ok

    def error(self, exc: BaseException) -> None:
        self.failed = True
        self.data["error"] = str(exc)
        if not isinstance(exc, AssertionError) and type(exc).__name__ != "ScenarioError":
            self.data["traceback"] = traceback.format_exc()
        print(f"  [FAIL] {exc}", flush=True)

    def write(self) -> bool:
        self.data["pass"] = not self.failed and bool(self.data["checks"])
        self.path.write_text(json.dumps(self.data, indent=2) + "\n")
        return self.data["pass"]
