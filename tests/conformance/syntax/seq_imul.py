# requires: seq_imul
s = "ab"
s *= 3
print(s)
l = [1, 2]
l *= 2
print(l)
t = (0,)
t *= 3
print(t)
