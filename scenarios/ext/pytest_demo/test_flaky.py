"""A test whose outcome flips from run to run: it fails when the file named
by PFDEMO_FLIP_FILE exists and passes when it does not, and creates or
removes the file each time. `pyfault pytest` must skip it with a note
(its two counting runs disagree), never report it as a finding. Skipped
when PFDEMO_FLIP_FILE is not set.
"""
import os

import pytest

import pfdemo


def test_flips():
    path = os.environ.get("PFDEMO_FLIP_FILE")
    if not path:
        pytest.skip("PFDEMO_FLIP_FILE is not set")
    existed = os.path.exists(path)
    if existed:
        os.unlink(path)
    else:
        open(path, "w").close()
    assert pfdemo.joined(2) == "x,x"
    assert not existed
