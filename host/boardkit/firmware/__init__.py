"""Firmware images: the pinned catalogue (boards/*.toml), the download cache with its lock
file, integrity checks per format, and kit images (firmware + lib/ + a lesson's files)."""
