# requires: module:micropython
# exp: micropython.viper/native exist only on MicroPython; only checks they are names
import micropython
print(hasattr(micropython, "const"), hasattr(micropython, "mem_info"))
