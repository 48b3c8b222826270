"""Extension points as tables: a name -> an implementation, loaded only when asked for.

Every extension point (link schemes, flash methods, image formats, virtual board kinds,
conformance targets) is one `Registry`. Built-in entries are "module:attribute" strings so
that naming them costs no import; a third-party package adds its own through a Python entry
point in the registry's group (e.g. ``[project.entry-points."boardkit.flashers"]``), and a
program or test can `register` one at run time. Nothing above a registry lists names itself.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from boardkit.errors import InvalidInput

T = TypeVar("T")


class Registry(Generic[T]):
    """Names of one kind of extension, each bound to an object (a class, a module, a function).

    what: how a user calls one of these ("flash method"), for messages.
    group: the entry-point group third-party packages add to ("boardkit.flashers").
    builtins: name -> "package.module:attribute", imported on first use.
    """

    def __init__(self, what: str, group: str, builtins: dict[str, str]) -> None:
        self.what = what
        self.group = group
        self._specs: dict[str, str] = dict(builtins)
        self._loaded: dict[str, T] = {}
        self._plugins_read = False

    def register(self, name: str, impl: T | str) -> None:
        """Add (or replace) one entry: an object, or a "module:attribute" string."""
        self._loaded.pop(name, None)
        if isinstance(impl, str):
            self._specs[name] = impl
        else:
            self._specs.pop(name, None)
            self._loaded[name] = impl

    def unregister(self, name: str) -> None:
        self._specs.pop(name, None)
        self._loaded.pop(name, None)

    def names(self) -> list[str]:
        """Every name this registry knows, built-in and installed, sorted."""
        self._read_plugins()
        return sorted(set(self._specs) | set(self._loaded))

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name in self._specs or name in self._loaded:
            return True  # a built-in: no need to read installed packages' entry points
        self._read_plugins()
        return name in self._specs or name in self._loaded

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> T:
        """The implementation registered as `name`; InvalidInput naming the known ones if none."""
        if name not in self._loaded and name not in self._specs:
            self._read_plugins()
        if name in self._loaded:
            return self._loaded[name]
        spec = self._specs.get(name)
        if spec is None:
            known = ", ".join(self.names()) or "none"
            raise InvalidInput(f"unknown {self.what} {name!r}", hint=f"known: {known}")
        impl: T = _load(spec)
        self._loaded[name] = impl
        return impl

    def _read_plugins(self) -> None:
        if self._plugins_read:
            return
        self._plugins_read = True
        from importlib import metadata  # ~25 ms: only when a name is not built in, or all are listed

        for entry in metadata.entry_points(group=self.group):
            if entry.name not in self._specs and entry.name not in self._loaded:
                self._specs[entry.name] = entry.value


def _load(spec: str) -> Any:  # whatever the spec names
    module_name, _, attribute = spec.partition(":")
    obj = importlib.import_module(module_name)
    for part in filter(None, attribute.split(".")):
        obj = getattr(obj, part)
    return obj
