# requires: int_times_seq
print(3 * "ab", 2 * [0])
