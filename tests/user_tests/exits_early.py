import sys

print("done early")
sys.exit()
print("never printed")
