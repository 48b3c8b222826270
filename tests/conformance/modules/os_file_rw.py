# requires: os_files
import os
name = "_conf_rw.txt"
with open(name, "w") as f:
    n = f.write("line1\nline2\n")
print(n)
with open(name) as f:
    data = f.read()
print(data.split("\n"), len(data))
with open(name) as f:
    print(f.read(3), f.read(2), repr(f.read(1)))
os.remove(name)
