# pyfault-scenario: broken
# issue: https://example.invalid/1
# plan: sometimes
# timeout: 10
# expect: *=ok
pass
