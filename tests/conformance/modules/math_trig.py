# requires: float
import math
for deg in (0, 30, 45, 90, 180):
    r = math.radians(deg)
    print(deg, "%.4f %.4f" % (math.sin(r), math.cos(r)))
print("%.4f %.4f %.4f" % (math.tan(math.pi / 4), math.atan(1) * 4, math.atan2(1, -1)))
print(round(math.degrees(math.pi)), "%.4f" % math.asin(1), "%.4f" % math.acos(0))
