# requires: os_files
import os
name = "_conf_bin.dat"
with open(name, "wb") as f:
    f.write(bytes([0, 1, 2, 255]))
with open(name, "rb") as f:
    b = f.read()
print(b, len(b))
os.remove(name)
