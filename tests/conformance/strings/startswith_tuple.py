# requires: startswith_tuple
s = "photo.jpg"
print(s.endswith((".png", ".jpg")), s.startswith(("x", "y")))
