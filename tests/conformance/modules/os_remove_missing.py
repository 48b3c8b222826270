# requires: os_files
import os
try:
    os.remove("_conf_does_not_exist.txt")
except OSError:
    print("OSError")
try:
    open("_conf_does_not_exist.txt")
except OSError:
    print("OSError open")
