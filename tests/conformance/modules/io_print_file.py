# requires: module:io print_file
import io
buf = io.StringIO()
print("to buffer", 42, file=buf)
print("x", end="", file=buf)
print(repr(buf.getvalue()))
