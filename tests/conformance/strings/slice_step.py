# requires: seq_slice_step
s = "abcdefgh"
print(s[::2], s[1::3], s[::-1], s[-2::-2])
print(s[6:1:-2], "racecar" == "racecar"[::-1])
