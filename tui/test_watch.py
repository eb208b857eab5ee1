"""``flowdbg test --watch``: run the test files again when what they depend
on changes (the test file, its flow, mock files, input files, child flows),
and pick up new ``*.tests.yaml`` files under the folders given.

File events come from watchfiles (a maintained library over the
operating system's notifications, inotify on Linux); each change reruns
only the affected test files, and the closing line counts every case of
every file as it now stands.
"""
from __future__ import annotations

import os
import threading

from flowdbg.engine.testing.suite import FileResult, discover, gather
from flowdbg.engine.testing.testfile import is_test_file

from .test_cmd import EXIT_INVALID, Printer, finish, run_paths


def _deps(files: dict[str, FileResult]) -> dict[str, set[str]]:
    return {path: set(fr.test_file.depends_on) for path, fr in files.items()}


def _roots(args, deps: dict[str, set[str]]) -> set[str]:
    """Folders to watch: the folders given and the folder of every dependency."""
    out = {os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in (args.paths or ["."])}
    for ds in deps.values():
        out.update(os.path.dirname(d) for d in ds)
    return {d for d in out if os.path.isdir(d)}


def _under(path: str, folders: list[str]) -> bool:
    return any(os.path.commonpath([path, f]) == f for f in folders)


def watch(args, stop: threading.Event | None = None) -> int:
    from watchfiles import watch as watch_files

    printer = Printer()
    first = run_paths(args.paths or ["."], args, printer)
    if first is None:
        return EXIT_INVALID
    files = {os.path.abspath(fr.path): fr for fr in first.files}
    finish(gather(list(files.values())), args, printer)
    folders = [os.path.abspath(p) for p in (args.paths or ["."]) if os.path.isdir(p)]
    printer.line("watching for changes (Ctrl-C to stop)")
    while True:
        deps = _deps(files)
        wanted = set().union(*deps.values()) if deps else set()
        roots = _roots(args, deps)

        def relevant(_change, path: str) -> bool:
            p = os.path.abspath(path)
            return p in wanted or (_under(p, folders) and (is_test_file(p) or os.path.isdir(p)))

        restart = False
        for changes in watch_files(*sorted(roots), watch_filter=relevant, stop_event=stop, debounce=300, step=50):
            changed = {os.path.abspath(p) for _, p in changes}
            again = [t for t, ds in deps.items() if ds & changed and os.path.exists(t)]
            for t in [t for t in deps if t in changed and not os.path.exists(t)]:
                files.pop(t, None)  # a test file removed: forget its cases
                restart = True
            new = [p for p in sorted(changed) if is_test_file(p) and p not in files and os.path.isfile(p)]
            # A new folder: a test file written into it at once can come before the folder's own watch does.
            fresh = [p for p in sorted(changed) if os.path.isdir(p)]
            if fresh:
                new += [os.path.abspath(t) for t in discover(fresh) if os.path.abspath(t) not in files]
                changed -= set(fresh)
                changed |= set(new)
            todo = sorted(set(again) | set(new))
            if not todo and not restart:
                continue
            names = ", ".join(sorted(os.path.relpath(p) for p in changed))
            printer.line()
            printer.line(f"--- {names} changed: running {len(todo)} test file{'s' if len(todo) != 1 else ''} ---")
            if todo:
                rel = [os.path.relpath(t) for t in discover(todo)]
                result = run_paths(rel, args, printer)
                if result is not None:
                    for fr in result.files:
                        files[os.path.abspath(fr.path)] = fr
            ordered = [files[k] for k in sorted(files)]
            finish(gather(ordered), args, printer)
            if set().union(*_deps(files).values()) != wanted or restart:
                restart = True
                break  # the dependencies moved: watch the new set of folders
        if not restart:
            return 0
