"""A per-file cache of what was made from a data file, so that `check` and `build` do not parse an
unchanged file again.

An entry is one value made from one data file's bytes, pickled, under a name made from those bytes
and the version of the code that turns bytes into that value. There are two kinds, each with its
own suffix: the validated content (a schema.DataFile, VALIDATED, for `build` and the full loader)
and the file's facts (facts.FACTS, for `check`). Only a file that loaded and validated without a
single problem gets an entry; a file with problems is always read again, so every message and its
position come from the file itself. The cache never changes what a run reports or produces: a hit
is the very value the same code made from the same bytes.

Entries are written to a temporary file in the same folder and renamed into place, so a build
running at the same time sees a whole entry or none. An entry that cannot be read, fails its
checksum or holds anything else is ignored, and rewritten once the file validates again.

The folder stays bounded: when it holds more than four times as many entries of a kind as this run used
(plus a small allowance, so that switching between a few branches or editions keeps theirs),
the entries this run did not use are removed, oldest first, down to twice that number.
`make clean` removes the whole folder (it lives under build/).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from .cache_folder import entries, remove_oldest, write_atomically

ALLOWANCE = 32


@dataclass(frozen=True)
class Contents:
    """What one kind of entry holds: its file suffix, the code that makes its value from a file's
    bytes (besides the libraries), and the type of that value, named module.Class within this
    package. The type is imported only when an entry is read: a `check` of unchanged files never
    needs the schema, whose import takes longer than reading all their kept facts."""

    suffix: str
    code_files: tuple[str, ...]
    type_name: str

    def value_type(self) -> type:
        module, name = self.type_name.rsplit(".", 1)
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)


# A data file read, shaped and validated (what `build` and the full check start from).
VALIDATED = Contents(".pickle", ("load.py", "plain_yaml.py", "shape.py", "schema.py", "parse_cache.py"),
                     "schema.DataFile")
SUFFIX = VALIDATED.suffix


def code_version(contents: Contents = VALIDATED) -> bytes:
    """A digest of everything besides a file's bytes that an entry's value depends on."""
    digest = hashlib.blake2b(digest_size=16)
    libraries = f"{sys.version_info[:2]} pyyaml {yaml.__version__} {pickle.HIGHEST_PROTOCOL}"
    digest.update(libraries.encode())
    digest.update(_pydantic_version_file())
    here = Path(__file__).parent
    for name in contents.code_files:
        digest.update((here / name).read_bytes())
    return digest.digest()


def _pydantic_version_file() -> bytes:
    """pydantic's version module as installed (it names pydantic-core's version too), read without
    importing pydantic, which takes a tenth of a second."""
    spec = importlib.util.find_spec("pydantic")
    if spec is None or not spec.submodule_search_locations:
        return b""
    return (Path(spec.submodule_search_locations[0]) / "version.py").read_bytes()


class ParseCache:
    """The entries of one kind in one folder, and which of them this run used."""

    def __init__(self, folder: Path, contents: Contents = VALIDATED):
        self.folder = folder
        self.contents = contents
        self.version = code_version(contents)
        self.used: set[str] = set()
        self._value_type: type | None = None

    def name(self, raw: bytes) -> str:
        # SHA-256 (in hardware on current processors) names 23 MB of data in a sixth of blake2b's time.
        return hashlib.sha256(self.version + raw).hexdigest()[:40] + self.contents.suffix

    def holds(self, name: str) -> bool:
        """Whether there is an entry of this name (read may still find it unusable)."""
        return (self.folder / name).is_file()

    def get(self, raw: bytes) -> object:
        """The value kept for a file with these bytes, or None when there is no usable entry."""
        return self.read(self.name(raw))

    def read(self, name: str) -> object:
        """The value kept under this name (see name), or None when there is no usable entry."""
        try:
            stored = (self.folder / name).read_bytes()
        except OSError:
            return None
        value = _unpacked(stored)
        if self._value_type is None:
            self._value_type = self.contents.value_type()
        if isinstance(value, self._value_type):
            self.used.add(name)
            return value
        return None

    def put(self, raw: bytes, value: object) -> None:
        """Store the value made from a file's bytes; a cache that cannot be written only costs time."""
        name = self.name(raw)
        self.used.add(name)
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / name, _packed(value))

    def prune(self) -> None:
        """Keep the folder bounded (see the module's docstring)."""
        names = entries(self.folder, self.contents.suffix)
        if len(names) <= 4 * len(self.used) + ALLOWANCE:
            return
        unused = [name for name in names if name not in self.used]
        remove_oldest(self.folder, unused, len(names) - (2 * len(self.used) + ALLOWANCE))


def _packed(value: object) -> bytes:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(payload).digest() + payload


def _unpacked(stored: bytes) -> object:
    """The pickled value, or None for an entry that was cut short or damaged on disk."""
    checksum, payload = stored[:32], stored[32:]
    if hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # an entry from an incompatible class layout: only a miss
        return None
