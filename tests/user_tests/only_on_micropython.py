import sys

if sys.implementation.name != "micropython":
    print("SKIP")
    raise SystemExit
print("running on", sys.implementation.name)
