# requires: collections_deque_full
from collections import deque
d = deque([1, 2, 3], 4)
d.appendleft(0)
print(list(d), d[0], d[-1])
d.append(4)
print(list(d), d.pop(), len(d))
