"""Installing library packages onto boards, into kits and onto fleets (`boardkit install`).

model.py       Requirement, Manifest (mip's package.json), FileRef, Loaded, ResolvedPackage
fetch.py       Fetcher: http(s), local files, zip members; bounded time and size
index.py       MipIndex: micropython-lib's index layout (package/{mpy}/{name}/{version}.json, file/..)
bundle_zip.py  LibraryBundle: a CircuitPython library bundle zip, read the way circup reads it
sources/       one module per kind of source (index, github:, URL, package.json path, bundle): SOURCES
resolve.py     Resolver: dependencies (cycles, conflicts), fetching, hash checks, compiling
lock.py        boardkit.lock: exact versions and file hashes, so every board gets the same files
installed.py   what a board holds: its files matched against the lock and the index

The public functions are in boardkit.api (api/packages.py); nothing here talks to a board.
"""
