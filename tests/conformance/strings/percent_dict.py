# requires: percent_dict
d = {"name": "bob", "n": 3}
print("%(name)s has %(n)d items" % d)
print("%(n)05d" % d)
