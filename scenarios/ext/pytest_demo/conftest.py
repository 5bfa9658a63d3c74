"""Puts the pfdemo extension (built by tools/build-ext.sh into the folder
named by PFDEMO_EXT_DIR) on sys.path for the demo suite."""
import os
import sys

_dir = os.environ.get("PFDEMO_EXT_DIR")
if _dir:
    sys.path.insert(0, _dir)
