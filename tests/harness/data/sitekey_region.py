"""sitekey_region.py: one statement inside a region (test_sitekeys.c): the
failing allocation of region,nth=1 is made on line 6, the site key's file:line."""
import pyfault

with pyfault.region():
    words = ["w%d" % i for i in range(50)]
print(len(words))
