"""Where scenarios write: BATON_OUT for reports/ and runs/, the build folder for artifacts, and
the report folder exists before a scenario writes its first file there (a first run)."""
import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from baton_qemu.context import REPO, Context, build_root, out_root


class OutRoot(unittest.TestCase):
    def test_default_is_the_build_folder(self):
        # Not through Context: it would make build/reports and hide a real first run.
        with mock.patch.dict(os.environ, {"BATON_BUILD": "", "BATON_OUT": ""}):
            self.assertEqual(build_root(), (REPO / "build").resolve())
            self.assertEqual(out_root(), (REPO / "build").resolve())
        with mock.patch.dict(os.environ, {"BATON_BUILD": "/srv/artifacts", "BATON_OUT": ""}):
            self.assertEqual(out_root(), Path("/srv/artifacts"))

    def test_first_run_into_an_empty_out_folder(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "fresh"  # not even the folder exists yet
            with mock.patch.dict(os.environ, {"BATON_BUILD": "/srv/artifacts",
                                              "BATON_OUT": str(out)}):
                ctx = Context("x-first")
            self.assertEqual(ctx.art.build, Path("/srv/artifacts"))
            self.assertEqual(ctx.run_dir, out.resolve() / "runs" / "x-first")
            # What handover.py and bench.py do before the report is written.
            ctx.report.path.with_name("x-first-timeline.svg").write_text("<svg/>")
            ctx.report.check("something", True)
            self.assertTrue(ctx.report.write())
            self.assertTrue((out / "reports" / "x-first.json").is_file())


if __name__ == "__main__":
    unittest.main()
