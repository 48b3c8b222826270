# requires: format_index
print("{0[1]} {1[k]}".format([5, 6], {"k": "v"}))
print("{a[0]}".format(a="xyz"))
