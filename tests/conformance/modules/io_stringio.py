# requires: module:io
import io
s = io.StringIO()
s.write("hello ")
s.write("world")
print(s.getvalue())
r = io.StringIO("line1\nline2\nline3")
print(repr(r.readline()), repr(r.read(3)), repr(r.read()))
