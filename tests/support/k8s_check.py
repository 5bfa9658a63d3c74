"""k8s_check.py DIR [--command JOB]: checks ci/kubernetes/'s manifests.

Debian 12 has no kubeconform, so this is a structure check on top of a
real YAML parse (python3-yaml): the sweep is an Indexed Job whose
PYFAULT_SHARD_COUNT equals its completions and whose pods run `pyfault
sweep --shard auto` into shard-$JOB_COMPLETION_INDEX on the shared
volume; the merge Job agrees on the count, mounts the same claim and runs
merge, report and gate; volumes, claims and the ConfigMap match pvc.yaml
and run.sh. Prints one line per problem; exit status 0 when none.
With --command sweep|merge: prints that Job's shell command instead.
"""
import sys

import yaml

problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def pod(job):
    return job["spec"]["template"]["spec"]


def check_job(job, name):
    need(job.get("apiVersion") == "batch/v1", f"{name}: apiVersion is not batch/v1")
    need(job.get("kind") == "Job", f"{name}: kind is not Job")
    spec = pod(job)
    need(spec.get("restartPolicy") in ("Never", "OnFailure"), f"{name}: restartPolicy must be Never or OnFailure")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for c in spec["containers"]:
        for m in c.get("volumeMounts", []):
            need(m["name"] in volumes, f"{name}: mount {m['name']} has no volume")
        cmd = c.get("command", [])
        need(cmd[:2] == ["/bin/sh", "-c"] and len(cmd) == 3, f"{name}: command is not /bin/sh -c SCRIPT")
    return spec["containers"][0], volumes


def main():
    d = sys.argv[1]
    sweep, merge, pvc = (load(f"{d}/{n}.yaml") for n in ("sweep-job", "merge-job", "pvc"))
    if sys.argv[2:3] == ["--command"]:
        job = {"sweep": sweep, "merge": merge}[sys.argv[3]]
        print(pod(job)["containers"][0]["command"][2])
        return 0
    sc, svol = check_job(sweep, "sweep-job.yaml")
    mc, mvol = check_job(merge, "merge-job.yaml")
    spec = sweep["spec"]
    need(spec.get("completionMode") == "Indexed", "sweep-job.yaml: completionMode is not Indexed")
    n = spec.get("completions")
    need(isinstance(n, int) and n >= 2, "sweep-job.yaml: completions must be a number >= 2")
    need(env_of(sc).get("PYFAULT_SHARD_COUNT") == str(n),
         f"sweep-job.yaml: PYFAULT_SHARD_COUNT {env_of(sc).get('PYFAULT_SHARD_COUNT')} != completions {n}")
    need(env_of(mc).get("PYFAULT_SHARD_COUNT") == str(n),
         f"merge-job.yaml: PYFAULT_SHARD_COUNT {env_of(mc).get('PYFAULT_SHARD_COUNT')} != completions {n}")
    script = sc["command"][2]
    need("pyfault sweep" in script and "--shard auto" in script, "sweep-job.yaml: pods do not run pyfault sweep --shard auto")
    need('/results/shard-$JOB_COMPLETION_INDEX"' in script, "sweep-job.yaml: --out is not /results/shard-$JOB_COMPLETION_INDEX")
    need("test $? -le 1" in script, "sweep-job.yaml: findings (exit 1) would fail the pod")
    mscript = mc["command"][2]
    for step in ("pyfault merge /results/shard-*/results.json", "pyfault report /results/all",
                 "pyfault gate --baseline /baseline/baseline.json"):
        need(step in mscript, f"merge-job.yaml: does not run '{step}'")
    claim = pvc["metadata"]["name"]
    need(pvc.get("kind") == "PersistentVolumeClaim", "pvc.yaml: kind is not PersistentVolumeClaim")
    need("ReadWriteMany" in pvc["spec"].get("accessModes", []), "pvc.yaml: not ReadWriteMany (pods on several nodes)")
    for name, vols, c in (("sweep-job.yaml", svol, sc), ("merge-job.yaml", mvol, mc)):
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        v = vols.get(mounts.get("/results"), {})
        need(v.get("persistentVolumeClaim", {}).get("claimName") == claim,
             f"{name}: /results is not the claim {claim}")
    base = mvol.get({m["mountPath"]: m["name"] for m in mc["volumeMounts"]}.get("/baseline"), {})
    cm = base.get("configMap", {}).get("name")
    run = open(f"{d}/run.sh").read()
    need(cm is not None and f"create configmap {cm} --from-file=baseline.json=" in run,
         f"merge-job.yaml: the baseline ConfigMap {cm} is not the one run.sh creates")
    for f in ("pvc.yaml", "sweep-job.yaml", "merge-job.yaml"):
        need(f'"$here/{f}"' in run, f"run.sh: does not apply {f}")
    need(f"job/{sweep['metadata']['name']}" in run and f"job/{merge['metadata']['name']}" in run,
         "run.sh: does not wait for both Jobs by name")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
