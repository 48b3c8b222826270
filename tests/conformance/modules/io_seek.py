# requires: module:io io_seek
import io
b = io.BytesIO(b"0123456789")
b.seek(5)
print(b.read(2), b.tell())
b.seek(0)
print(b.read(3))
