# requires: os_files file_append
import os
name = "_conf_app.txt"
with open(name, "w") as f:
    f.write("one\n")
with open(name, "a") as f:
    f.write("two\n")
with open(name) as f:
    print(f.read().split())
os.remove(name)
