# a comment line

x = 1  # trailing comment
   # indented comment
if x:
    # inside block
    print("x is", x)  # after print
# end
