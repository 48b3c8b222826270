# requires: micropython micropython_kbd_intr
# exp: micropython.kbd_intr exists only on MicroPython
import micropython
micropython.kbd_intr(3)
print("ok")
