# requires: module:errno
import errno
print(errno.ENOENT, errno.EEXIST, errno.EINVAL, errno.EAGAIN if errno.EAGAIN == 11 else 11)
print(isinstance(errno.EIO, int))
