import brotli, markupsafe, regex, xxhash
data = ("<p>pyfault & friends</p>" * 200).encode()
assert brotli.decompress(brotli.compress(data)) == data
assert markupsafe.escape(data.decode()).unescape() == data.decode()
assert regex.sub(r"(\w+)", r"\1", data.decode()) == data.decode()
assert xxhash.xxh64(data).intdigest() == xxhash.xxh64(data.decode()).intdigest()
