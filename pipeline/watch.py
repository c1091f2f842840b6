"""`pipeline watch`: a folder whose new and changed PDFs and images are ingested as they arrive.

watchdog reports files appearing, changing and being moved in; a file is read only once its size
and modification time have stayed the same for the settle interval (`collect.Settling`), so a file
still being copied is never read half-way. Files already in the folder are taken first; each batch
of settled files goes through `ingest.ingest`, with its guarantees (unchanged files skipped, a bad
file reported and recorded in the manifest, one transaction per file).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from .collect import Settling, is_document_file, walk
from .ingest import IngestReport, ingest

POLL_SECONDS = 0.25


def _hidden(path: Path, folder: Path) -> bool:
    """Editors and downloaders write hidden temporary files (.name.pdf.part): never inputs."""
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return True
    return any(part.startswith(".") for part in parts)


def watch(folder: Path, db_path: Path, *, settle: float = 2.0,
          on_report: Callable[[IngestReport], None] | None = None,
          ingest_options: dict | None = None, stop: threading.Event | None = None) -> None:
    """Ingest the PDFs and images under `folder` into `db_path`, then keep doing so as files
    appear or change, until `stop` is set or Ctrl-C (KeyboardInterrupt, raised to the caller)."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    folder = Path(folder).resolve()
    stop = stop or threading.Event()
    pending, lock = Settling(settle), threading.Lock()

    def seen(path: Path) -> None:
        if not _hidden(path, folder):
            with lock:
                pending.touch(path)

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.event_type not in ("created", "modified", "moved", "closed"):
                return
            target = Path(getattr(event, "dest_path", "") or event.src_path)
            if event.is_directory:
                if event.event_type in ("created", "moved"):  # a folder moved in with its files
                    for path in walk(target):
                        seen(path)
                return
            seen(target)

    observer = Observer()
    observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()
    try:
        for path in walk(folder):
            seen(path)
        while not stop.is_set():
            with lock:
                ready = pending.ready()
            ready = [p for p in ready if p.is_file() and is_document_file(p)]
            if ready:
                report = ingest(ready, db_path, **(ingest_options or {}))
                if on_report:
                    on_report(report)
            stop.wait(POLL_SECONDS)
    finally:
        observer.stop()
        observer.join()
