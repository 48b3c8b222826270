# requires: os_files
import os
name = "_conf_lines.txt"
f = open(name, "w")
f.write("a\nbb\nccc\n")
f.close()
f = open(name)
print(repr(f.readline()), repr(f.readline()))
print(repr(f.read()))
f.close()
os.remove(name)
