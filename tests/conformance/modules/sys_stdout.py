# requires: sys_stdout
import sys
n = sys.stdout.write("written\n")
sys.stdout.write("a")
sys.stdout.write("b\n")
print(n in (None, 8))
