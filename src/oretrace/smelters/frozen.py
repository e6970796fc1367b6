"""Quick construction of frozen slotted dataclasses on the identification hot path.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` looked up
anew per field; setting the slots through their descriptors builds the same object in about
half the time. Only for classes without ``__post_init__`` whose every field is passed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def maker(cls: type[T]) -> Callable[..., T]:
    """A function taking every field of ``cls`` positionally, in order, and returning the
    instance ``cls(*fields)`` would."""
    if hasattr(cls, "__post_init__") or not hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__} needs its __init__")
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope.update({f"set_{name}": vars(cls)[name].__set__ for name in names})
    sets = "".join(f"    set_{name}(made, {name})\n" for name in names)
    # Generated like dataclasses' own __init__: one call per slot, no loop.
    exec(f"def make({', '.join(names)}):\n    made = new(cls)\n{sets}    return made\n", scope)
    made: Callable[..., T] = scope["make"]
    return made
