# deb.mk: the Debian package (debian/). `dpkg-buildpackage -us -uc -b`
# builds ../pyfault_VERSION_amd64.deb; tests/system/test_deb.c builds it from
# a copy of the tracked files, runs lintian and the unpacked package.
export PYFAULT_EXTRA_PACKAGES += debhelper dpkg-dev lintian
