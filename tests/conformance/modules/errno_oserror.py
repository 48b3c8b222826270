# requires: module:errno os_files os_mkdir oserror_errno
import errno, os
try:
    os.remove("_conf_no_such_file")
except OSError as e:
    print(e.args[0] == errno.ENOENT)
os.mkdir("_conf_edir")
try:
    os.mkdir("_conf_edir")
except OSError as e:
    print(e.args[0] == errno.EEXIST)
os.rmdir("_conf_edir")
