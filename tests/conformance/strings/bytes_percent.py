# requires: bytes_percent
print(b"%d bytes from %s" % (5, b"host"))
print(b"%02x" % 10)
