# import_heavy.py: a dozen stdlib imports before a small body, for the
# fork engine's benchmark (bench/fork_engine.sh): an exec'd trial pays for
# the imports every time, a forked one does not.
import argparse, asyncio, csv, dataclasses, decimal, email.parser, http.client
import json, logging, pathlib, sqlite3, statistics, tarfile, unittest, xml.dom.minidom

rows = [{"n": i, "sq": i * i, "name": f"row{i}"} for i in range(40)]
text = json.dumps(rows)
assert json.loads(text) == rows
print(statistics.mean(r["sq"] for r in rows), decimal.Decimal("1.10") * 3)
