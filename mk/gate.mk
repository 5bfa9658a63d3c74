# gate.mk: what the gate, bisect-run and repro (issue 6) add to the build.
# git: bisect-run and its tests; gdb: pyfault repro --gdb; python3-yaml:
# the CI template tests parse the workflows.
export PYFAULT_EXTRA_PACKAGES += git gdb python3-yaml
