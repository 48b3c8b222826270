# Never ends, and swallows Ctrl-C: only a hard reset (or killing the process) stops it.
print("started")
while True:
    try:
        while True:
            pass
    except KeyboardInterrupt:
        pass
