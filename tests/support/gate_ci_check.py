"""gate_ci_check.py GITHUB.yml GITLAB.yml SCRIPT: checks the CI templates.

Debian 12 has no actionlint, so this is a structure check of our own on
top of a real YAML parse (python3-yaml): the keys each system requires,
references between jobs, expressions that name what exists, the steps
that must be there (shards, merge, gate, uploads, job summary), and that
the templates' settings equal ci/pyfault-ci.sh's defaults, so that the
test which runs the script with its defaults runs what CI runs.
Prints one line per problem; exit status 0 when there is none.
"""
import re
import sys

import yaml

problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)


def script_defaults(path):
    text = open(path).read()
    return dict(re.findall(r'\$\{(PYFAULT_CI_[A-Z]+):-([^}]*)\}', text))


def runs_of(steps):
    return "\n".join(s.get("run", "") for s in steps if isinstance(s, dict))


def check_github(path, defaults):
    doc = yaml.safe_load(open(path))
    need(isinstance(doc, dict), f"{path}: not a mapping")
    # YAML 1.1 reads the key `on` as true
    on = doc.get("on", doc.get(True))
    need(on is not None, f"{path}: no 'on' triggers")
    for k in doc:
        need(k in ("name", "on", True, "permissions", "env", "jobs", "concurrency", "defaults"),
             f"{path}: unknown top-level key {k!r}")
    env = doc.get("env", {})
    jobs = doc.get("jobs") or {}
    need(set(jobs) >= {"build", "sweep", "gate"}, f"{path}: jobs build, sweep, gate expected, got {sorted(jobs)}")
    for name, job in jobs.items():
        where = f"{path}: jobs.{name}"
        need("runs-on" in job, f"{where}: no runs-on")
        steps = job.get("steps")
        need(isinstance(steps, list) and steps, f"{where}: no steps")
        for i, s in enumerate(steps or []):
            need(("uses" in s) != ("run" in s), f"{where}.steps[{i}]: needs exactly one of uses/run")
            if "uses" in s:
                need(re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", s["uses"]) is not None,
                     f"{where}.steps[{i}]: uses {s['uses']!r} has no @version")
            for k in s:
                need(k in ("name", "uses", "run", "with", "env", "if", "id", "shell",
                           "continue-on-error", "timeout-minutes", "working-directory"),
                     f"{where}.steps[{i}]: unknown key {k!r}")
        needs = job.get("needs", [])
        for n in [needs] if isinstance(needs, str) else needs:
            need(n in jobs, f"{where}: needs unknown job {n!r}")
        text = yaml.safe_dump(job)
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        for m in re.findall(r"\$\{\{\s*matrix\.(\w+)", text):
            need(m in matrix, f"{where}: matrix.{m} used without strategy.matrix.{m}")
        for e in re.findall(r"\$\{\{\s*env\.(\w+)", text):
            need(e in env, f"{where}: env.{e} is not defined")
        for e in re.findall(r"\$\{\{\s*(\w+)\.", text):
            need(e in ("matrix", "env", "github", "steps", "needs", "secrets", "runner", "hashFiles"),
                 f"{where}: unknown expression context {e!r}")
    sweep = jobs.get("sweep", {})
    shards = (sweep.get("strategy") or {}).get("matrix", {}).get("shard", [])
    need(shards == list(range(1, len(shards) + 1)) and len(shards) >= 2,
         f"{path}: sweep matrix.shard must be 1..N, got {shards}")
    need(str(env.get("SHARDS")) == str(len(shards)), f"{path}: env SHARDS {env.get('SHARDS')} != {len(shards)} shards")
    need("ci/pyfault-ci.sh shard" in runs_of(sweep.get("steps", [])), f"{path}: sweep does not run pyfault-ci.sh shard")
    gate = jobs.get("gate", {})
    gruns = runs_of(gate.get("steps", []))
    need("ci/pyfault-ci.sh merge out/all out/shard-*" in gruns, f"{path}: gate does not merge the shards")
    need("ci/pyfault-ci.sh gate out/all" in gruns, f"{path}: gate does not run the gate")
    need("GITHUB_STEP_SUMMARY" in gruns and "summary.md" in gruns, f"{path}: summary.md is not the job summary")
    uploads = yaml.safe_dump([s for s in gate.get("steps", []) if "upload-artifact" in s.get("uses", "")])
    for f in ("index.html", "junit.xml", "summary.md"):
        need(f in uploads, f"{path}: gate does not upload {f}")
    need("build/cpython" in yaml.safe_dump(jobs.get("build")), f"{path}: build does not cache build/cpython")
    need("make deps" in runs_of(jobs.get("build", {}).get("steps", [])), f"{path}: build does not run make deps")
    for k, v in defaults.items():
        need(str(env.get(k)) == v, f"{path}: env {k}={env.get(k)!r}, ci/pyfault-ci.sh's default is {v!r}")


GITLAB_KEYWORDS = {"stages", "default", "variables", "include", "workflow", "image", "services",
                   "before_script", "after_script", "cache"}


def check_gitlab(path, defaults):
    doc = yaml.safe_load(open(path))
    stages = doc.get("stages") or []
    need(stages == ["build", "sweep", "gate"], f"{path}: stages {stages}")
    jobs = {k: v for k, v in doc.items() if k not in GITLAB_KEYWORDS and not str(k).startswith(".")}
    need(set(jobs) == {"build", "sweep", "gate"}, f"{path}: jobs {sorted(jobs)}")
    for name, job in jobs.items():
        where = f"{path}: {name}"
        need(job.get("stage") in stages, f"{where}: stage {job.get('stage')!r} not in stages")
        need(isinstance(job.get("script"), list) and job["script"], f"{where}: no script")
        for n in job.get("needs", []):
            n = n["job"] if isinstance(n, dict) else n
            need(n in jobs, f"{where}: needs unknown job {n!r}")
    need("make deps" in "\n".join(doc.get("default", {}).get("before_script", [])), f"{path}: no make deps")
    sweep = jobs.get("sweep", {})
    need(isinstance(sweep.get("parallel"), int) and sweep["parallel"] >= 2, f"{path}: sweep needs parallel: N")
    need(any('ci/pyfault-ci.sh shard "$CI_NODE_INDEX" "$CI_NODE_TOTAL"' in s for s in sweep.get("script", [])),
         f"{path}: sweep does not run pyfault-ci.sh shard with CI_NODE_INDEX/CI_NODE_TOTAL")
    need("build/cpython/" in yaml.safe_dump(sweep.get("cache")), f"{path}: sweep does not use the CPython cache")
    gate = jobs.get("gate", {})
    need("ci/pyfault-ci.sh merge out/all out/shard-*" in gate.get("script", []), f"{path}: gate does not merge")
    need("ci/pyfault-ci.sh gate out/all" in gate.get("script", []), f"{path}: gate does not gate")
    art = gate.get("artifacts", {})
    need(art.get("reports", {}).get("junit") == "out/all/junit.xml", f"{path}: gate has no junit report")
    for f in ("index.html", "junit.xml", "summary.md"):
        need(f"out/all/{f}" in art.get("paths", []), f"{path}: gate does not keep {f}")
    need(art.get("when") == "always", f"{path}: gate artifacts must be kept when the gate fails")
    variables = doc.get("variables", {})
    for k, v in defaults.items():
        need(str(variables.get(k)) == v, f"{path}: variables {k}={variables.get(k)!r}, ci/pyfault-ci.sh's default is {v!r}")


def main():
    github, gitlab, script = sys.argv[1:4]
    defaults = script_defaults(script)
    need(len(defaults) >= 5, f"{script}: found only {sorted(defaults)} defaults")
    defaults.pop("PYFAULT_CI_JOBS", None)
    for check, path in ((check_github, github), (check_gitlab, gitlab)):
        try:
            check(path, defaults)
        except (yaml.YAMLError, OSError, AttributeError, TypeError) as e:
            problems.append(f"{path}: {type(e).__name__}: {e}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
