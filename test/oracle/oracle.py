#!/usr/bin/env python3
"""Reference answers for pybase's wheel engine, computed by pip's own vendored `packaging`.

Input (stdin, JSON):
    {"files": ["name-1.0-py3-none-any.whl", ...],
     "targets": [{"python": "3.12", "libc": "glibc" | "musl", "libcVersion": "2.36", "machine": "x86_64"}, ...],
     "markers": ["python_version >= '3.9'", ...],            # optional
     "environments": [{"python_version": "3.12", ...}, ...]}  # optional, PEP 508 environments

Output (stdout, JSON):
    {"packaging": "<version of pip's vendored packaging>",
     "invalid": {"<file index>": "<why parse_wheel_filename rejected it>", ...},
     "targets": [{"tags": ["cp312-cp312-manylinux_2_36_x86_64", ...],   # ordered, most preferred first
                  "compatible": [<file index>, ...]}, ...],              # same order as the input targets
     "markers": [[true | false | "error", ...], ...]}          # per marker, per environment

How a target is emulated (nothing here re-implements tag logic; only the probes of the running
machine are replaced, then packaging's own generators run):
  * glibc: `_manylinux._get_glibc_version()` is what packaging asks for the running glibc; it is
    replaced by a function returning the target's (major, minor), or (-1, -1) on a musl target,
    which is what packaging itself returns when the process is not linked against glibc.
  * musl: `_musllinux._get_musl_version(executable)` is replaced by one returning the target's
    musl version, or None on a glibc target (what packaging returns for a non-musl Python).
  * architecture: `sysconfig.get_platform()` is replaced so that it reports `linux-<machine>`;
    packaging derives the `linux_<machine>` platform and the arch of every tag from it. The two ELF
    probes that decide whether i686 / armv7l interpreters can load manylinux wheels read the header
    of the running executable; they are answered "yes", which is what they find in the official
    i386 and arm32v7 images (i686 and hard-float ARM builds).
  * Python version: `tags._cpython_abis((X, Y))` gives the ABI list (this host must be a normal,
    non-debug CPython build, like the images), then `tags.cpython_tags(...)` followed by
    `tags.compatible_tags(...)` with the platform list from `tags._linux_platforms()`: the same two
    generators, in the same order, that `tags.sys_tags()` / pip's `get_supported()` chain for CPython.
A wheel is compatible when one of the tags from `utils.parse_wheel_filename` is in that list, as in
pip's `Wheel.supported()`. Markers are evaluated with `markers.Marker(text).evaluate(environment)`;
"error" stands for any exception (syntax error, undefined comparison).
"""

import json
import sys
import sysconfig

from pip._vendor import packaging as vendored_packaging
from pip._vendor.packaging import _manylinux, _musllinux, markers, tags
from pip._vendor.packaging.utils import InvalidWheelFilename, parse_wheel_filename
from pip._vendor.packaging.version import InvalidVersion


def target_tags(target):
    family = target["libc"]
    libc_major, libc_minor = (int(p) for p in target["libcVersion"].split(".")[:2])
    machine = target["machine"]
    py_major, py_minor = (int(p) for p in target["python"].split(".")[:2])

    glibc = (libc_major, libc_minor) if family == "glibc" else (-1, -1)
    musl = _musllinux._MuslVersion(libc_major, libc_minor) if family == "musl" else None
    _manylinux._get_glibc_version = lambda: glibc
    _musllinux._get_musl_version = lambda _executable: musl
    _manylinux._is_linux_armhf = lambda: True
    _manylinux._is_linux_i686 = lambda: True
    sysconfig.get_platform = lambda: "linux-" + machine

    platforms = list(tags._linux_platforms(is_32bit=False))
    version = (py_major, py_minor)
    abis = tags._cpython_abis(version)
    interpreter = "cp" + tags._version_nodot(version)
    ordered = list(tags.cpython_tags(version, abis, platforms))
    ordered += list(tags.compatible_tags(version, interpreter, platforms))
    return ordered


def main():
    if sysconfig.get_config_var("Py_DEBUG") or hasattr(sys, "gettotalrefcount"):
        sys.exit("oracle.py needs a non-debug CPython: the ABI list would carry a 'd' suffix")
    request = json.load(sys.stdin)
    parsed = []
    invalid = {}
    for index, name in enumerate(request["files"]):
        try:
            parsed.append(parse_wheel_filename(name)[3])
        except (InvalidWheelFilename, InvalidVersion, ValueError) as error:
            parsed.append(None)
            invalid[str(index)] = str(error)
    answers = []
    for target in request["targets"]:
        ordered = target_tags(target)
        supported = set(ordered)
        compatible = [i for i, file_tags in enumerate(parsed) if file_tags and not supported.isdisjoint(file_tags)]
        answers.append({"tags": [str(t) for t in ordered], "compatible": compatible})
    marker_answers = []
    for text in request.get("markers", []):
        row = []
        for environment in request.get("environments", []):
            try:
                row.append(markers.Marker(text).evaluate(environment))
            except Exception:
                row.append("error")
        marker_answers.append(row)
    result = {"packaging": vendored_packaging.__version__, "invalid": invalid, "targets": answers}
    result["markers"] = marker_answers
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
