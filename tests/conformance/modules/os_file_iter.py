# requires: os_files file_iter
import os
name = "_conf_iter.txt"
f = open(name, "w")
f.write("a\nbb\nccc\n")
f.close()
f = open(name)
print([l for l in f])
f.close()
os.remove(name)
