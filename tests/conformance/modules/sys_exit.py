import sys
try:
    sys.exit(2)
except SystemExit as e:
    print("code", e.args[0])
try:
    sys.exit("message")
except SystemExit as e:
    print("msg", e.args[0])
