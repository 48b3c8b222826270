print("{!r} {!s}".format("a", "b"))
print("{0!r:>6}|".format("q"))
