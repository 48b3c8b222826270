# requires: collections_deque
from collections import deque
d = deque((), 5)
for i in range(3):
    d.append(i)
print(d.popleft(), d.popleft(), len(d))
try:
    d.popleft()
    d.popleft()
except IndexError:
    print("IndexError")
