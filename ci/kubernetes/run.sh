#!/bin/sh
# run.sh: runs the sweep on the current kubectl context: the volume, the
# baseline ConfigMap (from ci/baseline.json, or $PYFAULT_CI_BASELINE), the
# Indexed Job, then, once it completed, the merge-and-gate Job; exits with
# the merge's verdict and prints its log. Run from the top of the tree.
set -eu
here=ci/kubernetes
kubectl apply -f "$here/pvc.yaml"
kubectl create configmap pyfault-baseline --from-file=baseline.json="${PYFAULT_CI_BASELINE:-ci/baseline.json}" \
    --dry-run=client -o yaml | kubectl apply -f -
kubectl delete job pyfault-sweep pyfault-merge --ignore-not-found
kubectl apply -f "$here/sweep-job.yaml"
kubectl wait --for=condition=complete --timeout=24h job/pyfault-sweep
kubectl apply -f "$here/merge-job.yaml"
status=0
kubectl wait --for=condition=complete --timeout=1h job/pyfault-merge || status=1
kubectl logs job/pyfault-merge
exit $status
