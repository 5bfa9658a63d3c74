"""brotli 1.0.9 (Debian python3-brotli 1.0.9-2+deb12u1): a failed
allocation of the output std::vector in python/_brotli.cc throws
std::bad_alloc, which nothing catches: the exception reaches the
interpreter's C frames and std::terminate() aborts the process.

compress_stream() (Compressor.process/flush/finish, and so
brotli.compress), decompress_stream() (Decompressor.process) and
brotli_decompress() (brotli.decompress) all grow their output with
std::vector::insert outside any try. Run (FORM "compress" fails the
vector of Compressor.finish(), the first allocation of that call;
"decompress" the 4th allocation of brotli.decompress(), its output
vector, after the decoder's state and its own buffers; both abort with
"terminate called after throwing an instance of 'std::bad_alloc'"):

    build/pyfault run --python /usr/bin/python3.11 \\
        --inject 'nth=1,region,dso=_brotli*,layer=all' \\
        scenarios/findings/ext/brotli_bad_alloc_abort.py
    PFX_FORM=decompress build/pyfault run --python /usr/bin/python3.11 \\
        --inject 'nth=4,region,dso=_brotli*,layer=all' \\
        scenarios/findings/ext/brotli_bad_alloc_abort.py

With from= (persistent) instead of nth= the process dies too, with exit
127: the throw needs libstdc++'s per-thread exception globals, whose TLS
block ld.so cannot allocate ("cannot allocate memory for thread-local
data: ABORT"). layer=all: the vector's operator new and the bundled encoder and decoder
allocate with malloc, which the default pymem layer does not count.
"""
import os

import brotli
import pyfault

DATA = b"pyfault"
packed = brotli.compress(DATA)
brotli.decompress(packed)           # warm: nothing first-time in the region
comp = brotli.Compressor(quality=0)
comp.process(DATA)
if os.environ.get("PFX_FORM") == "decompress":
    with pyfault.region():
        v = brotli.decompress(packed)
else:
    with pyfault.region():
        v = comp.finish()
print("no crash", v)
