"""Scenario reports: build/reports/<scenario>.json with name, pass/fail and every figure."""
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
        self.failed = False

    def metric(self, name: str, value) -> None:
        self.data["metrics"][name] = value
        print(f"  {name} = {value}", flush=True)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=2) + "\n")
        return self.data["pass"]
