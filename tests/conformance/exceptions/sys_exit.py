import sys
try:
    sys.exit(3)
except SystemExit as e:
    print("SystemExit", e.args[0] if e.args else None)
try:
    sys.exit()
except SystemExit:
    print("SystemExit no code")
