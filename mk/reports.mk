# reports.mk: what the reports (issue 5) add to the build.
# chromium: the headless screenshot test of index.html; libxml2-utils:
# xmllint checks junit.xml against reports/junit.xsd; python3-jsonschema:
# the tests validate results.json against reports/results.schema.json.
export PYFAULT_EXTRA_PACKAGES += chromium libxml2-utils python3-jsonschema
