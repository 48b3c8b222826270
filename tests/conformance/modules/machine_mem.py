# requires: module:machine machine_mem
# exp: machine.mem8/mem32 exist only on MicroPython ports with hardware
import machine
print(hasattr(machine, "mem8"), hasattr(machine, "mem16"), hasattr(machine, "mem32"))
