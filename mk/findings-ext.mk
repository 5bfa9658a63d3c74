# findings-ext.mk: the pytest plugin's and `pyfault pytest`'s packages.
# python3-pytest runs the suites under Debian's /usr/bin/python3.11.
export PYFAULT_EXTRA_PACKAGES += python3-pytest
