# requires: module:machine machine_pulse
# exp: the machine module exists only on MicroPython ports with hardware
import machine
print(callable(machine.time_pulse_us), callable(machine.disable_irq), callable(machine.enable_irq))
s = machine.disable_irq()
machine.enable_irq(s)
print("irq ok")
