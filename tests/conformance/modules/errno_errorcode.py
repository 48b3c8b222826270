# requires: errorcode
import errno
print(errno.errorcode[errno.ENOENT], errno.errorcode[errno.EEXIST])
