# requires: os_files
import os
name = "_conf_listdir.txt"
f = open(name, "w")
f.write("x")
f.close()
print(name in os.listdir())
os.remove(name)
print(name in os.listdir())
