# harness.mk: what the harness adds to the build.
# skip_list.c embeds harness/classify/skip-frames.txt with .incbin: rebuild
# it when the data file changes.
$(B)/obj/harness/classify/skip_list.o: harness/classify/skip-frames.txt

# bench/sweep_memory.sh reads peak memory with /usr/bin/time -v.
export PYFAULT_EXTRA_PACKAGES += time
