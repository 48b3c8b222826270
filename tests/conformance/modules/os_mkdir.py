# requires: os_mkdir
import os
os.mkdir("_conf_dir")
print("_conf_dir" in os.listdir())
os.rmdir("_conf_dir")
print("_conf_dir" in os.listdir())
