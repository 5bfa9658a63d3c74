# slurm.mk: what ci/slurm/ and its test (tests/system/test_slurm.c: a
# single-node cluster of its own, support/slurm_local.sh) need.
export PYFAULT_EXTRA_PACKAGES += slurmctld slurmd slurm-client munge
