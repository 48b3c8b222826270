# requires: module:io
import io
b = io.BytesIO()
b.write(b"\x00\x01")
b.write(b"ab")
print(b.getvalue(), len(b.getvalue()))
r = io.BytesIO(b"xyz")
print(r.read(1), r.read())
