"""brotli 1.0.9 (Debian python3-brotli 1.0.9-2+deb12u1): brotli_decompress()
in python/_brotli.cc (brotli.decompress) does not check the result of
BrotliDecoderCreateInstance(0, 0, 0).

When the decoder state's allocation (the first of the call) fails, the
NULL state goes to BrotliDecoderDecompressStream(), which dereferences it:
a segfault instead of MemoryError. Run (the region and dso= keep the
failure to the extension's own allocations in that one call; layer=all
because the bundled decoder allocates with malloc):

    build/pyfault run --python /usr/bin/python3.11 \\
        --inject 'nth=1,region,dso=_brotli*,layer=all' \\
        scenarios/findings/ext/brotli_decompress_null.py
"""
import brotli
import pyfault

packed = brotli.compress(b"pyfault")
brotli.decompress(packed)           # warm: nothing first-time in the region
with pyfault.region():
    v = brotli.decompress(packed)
print("no crash", v)
