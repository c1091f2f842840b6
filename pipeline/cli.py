"""`pipeline` command line: a thin layer over `pipeline.ingest` and `pipeline.serve`.

User errors are one line on stderr (`pipeline: error: FILE: reason`) and a non-zero exit; progress
and logs go to stderr too, so stdout stays clean for scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import ExitCode, PipelineError
from .ingest import DEFAULT_DB, FileResult
from .limits import DEFAULT_LIMITS, Limits


def _error(message: str) -> None:
    click.echo(f"pipeline: error: {message}", err=True)


class _Group(click.Group):
    """Every `PipelineError` becomes one line on stderr and its exit code (`errors.ExitCode`);
    Ctrl-C ends the command with 130 and no traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            _error(str(exc))
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("pipeline: interrupted", err=True)
            sys.exit(ExitCode.interrupted)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="pipeline")
def cli() -> None:
    """Archive of Japanese administrative documents: ingest PDFs and scans, serve them in Datasette."""


def _limits(max_pages, max_pixels, page_timeout) -> Limits:
    return Limits(max_pages=max_pages, max_pixels=max_pixels, page_timeout=page_timeout,
                  dpi=DEFAULT_LIMITS.dpi)


class _Progress:
    """Two bars on stderr: files done, and pages done. Page totals grow as files are opened:
    unchanged files are never opened, which keeps a re-ingest of an unchanged corpus well under
    a second."""

    def __init__(self, quiet: bool):
        from tqdm import tqdm

        disable = quiet or None  # None: only on a terminal
        self.files = tqdm(total=0, unit="file", desc="files", disable=disable, file=sys.stderr,
                          dynamic_ncols=True, position=0)
        self.pages = tqdm(total=0, unit="page", desc="pages", disable=disable, file=sys.stderr,
                          dynamic_ncols=True, position=1)

    def on_files(self, n: int) -> None:
        self.files.total += n
        self.files.refresh()

    def on_pages(self, n: int) -> None:
        self.pages.total += n
        self.pages.refresh()

    def on_result(self, result: FileResult) -> None:
        self.files.update(1)
        if result.status == "failed":
            self.files.clear()
            self.pages.clear()
            _error(f"{result.path}: {result.reason}")

    def callbacks(self) -> dict:
        return {"progress": self.pages.update, "on_pages": self.on_pages,
                "on_files": self.on_files, "on_result": self.on_result}

    def close(self) -> None:
        self.pages.close()
        self.files.close()


def _summary(report, db_path) -> None:
    added, unchanged, failed = report.count("added"), report.count("unchanged"), report.failed
    docs = sum(len(r.document_ids) for r in report.files if r.status == "added")
    skipped = f", {report.skipped} other file(s) skipped" if report.skipped else ""
    click.echo(
        f"{added} file(s) added ({docs} document(s)), {unchanged} unchanged, {len(failed)} failed"
        f"{skipped} → {db_path}",
        err=True,
    )
    for r in failed:
        click.echo(f"  failed: {r.path}: {r.reason}", err=True)


def _ingest_options(command):
    """Options shared by `ingest` and `watch`."""
    for option in reversed([
        click.option("--db", "db_path", default=DEFAULT_DB, show_default=True,
                     type=click.Path(path_type=Path), help="Archive database to add the documents to."),
        click.option("--extracted-dir", type=click.Path(path_type=Path), default=None,
                     help="Where the reviewable per-document JSON goes [default: extracted/ beside the archive]."),
        click.option("--workers", default=2, show_default=True,
                     help="Local processes reading files side by side (one file: its pages side by side)."),
        click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None,
                     help="Read files on this Dask cluster (tcp://HOST:PORT) [env: DASK_SCHEDULER_ADDRESS]."),
        click.option("--max-pages", default=DEFAULT_LIMITS.max_pages, show_default=True,
                     help="Refuse files with more pages than this."),
        click.option("--max-pixels", default=DEFAULT_LIMITS.max_pixels, show_default=True,
                     help="Refuse page images larger than this many pixels."),
        click.option("--page-timeout", default=DEFAULT_LIMITS.page_timeout, show_default=True,
                     help="Seconds of OCR allowed per page."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar."),
    ]):
        command = option(command)
    return command


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_ingest_options
@click.option("--force", is_flag=True, help="Re-extract files even if the archive already holds them.")
@click.option("--retry-failed", is_flag=True,
              help="Also ingest again every file the archive's manifest records as failed.")
def ingest(paths, db_path, extracted_dir, workers, scheduler, max_pages, max_pixels, page_timeout,
           quiet, force, retry_failed):
    """Add PDFs (born-digital or scanned) and page images (PNG, JPEG, TIFF) to the archive.
    A folder adds the PDFs and images it holds, recursively (told by content, not name)."""
    from .ingest import failed_paths
    from .ingest import ingest as run_ingest

    paths = list(paths)
    if retry_failed:
        paths += failed_paths(db_path)
    elif not paths:
        raise click.UsageError("give files or folders to ingest (or --retry-failed)")
    bars = _Progress(quiet)
    try:
        report = run_ingest(
            paths, db_path, extracted_dir=extracted_dir,
            limits=_limits(max_pages, max_pixels, page_timeout), force=force, workers=workers,
            scheduler=scheduler, **bars.callbacks(),
        )
    finally:
        bars.close()
    _summary(report, db_path)
    if report.failed:
        sys.exit(ExitCode.input_file)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--extracted-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("extracted"),
              show_default=True, help="Folder of per-document JSON files to build from.")
def build(db_path, extracted_dir):
    """Rebuild the archive from extracted/ alone (no OCR; deterministic)."""
    from .ingest import build as run_build

    if not extracted_dir.is_dir():
        _error(f"{extracted_dir}: no such folder")
        sys.exit(ExitCode.input_file)
    n = run_build(db_path, extracted_dir)
    click.echo(f"built {db_path} from {n} document(s) in {extracted_dir}", err=True)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
def publish(db_path):
    """Freeze the archive into an immutable snapshot (ARCHIVE-VERSION.db beside it) for citations;
    prints the version on the last line."""
    from .load.snapshots import publish as run_publish

    snapshot, created = run_publish(db_path)  # an ArchiveError: one line, exit 3 (_Group)
    if created:
        since = f" since {snapshot.previous}" if snapshot.previous else ""
        click.echo(f"published {snapshot.path.name}: {snapshot.documents} document(s), "
                   f"{snapshot.added} added, {snapshot.changed} changed, {snapshot.removed} removed"
                   f"{since}", err=True)
    else:
        click.echo(f"unchanged: {snapshot.path.name} is already published", err=True)
    click.echo(snapshot.version)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--port", default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--immutable", is_flag=True,
              help="Serve the archive file itself immutable (only if nothing will write to it).")
@click.option("--workers", default=2, show_default=True, help="Server processes.")
@click.option("--page-cache-mb", default=64.0, show_default=True,
              help="Memory per server process for pages kept until their database changes (0: none).")
def serve(db_path, port, host, immutable, workers, page_cache_mb):
    """Serve the archive (read-only) and its published snapshots (immutable) with Datasette on
    http://HOST:PORT/."""
    from .serve.app import serve as run_serve

    if not Path(db_path).is_file():
        _error(f"{db_path}: no such archive (run `pipeline ingest FILE...` or `make build` first)")
        sys.exit(ExitCode.archive)
    run_serve(db_path, port=port, host=host, immutable=immutable, workers=workers,
              page_cache_mb=page_cache_mb)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
def status(db_path):
    """Files in the archive's manifest by status, and each failed file with its reason."""
    from .ingest import open_archive

    if not Path(db_path).is_file():
        _error(f"{db_path}: no such archive")
        sys.exit(ExitCode.archive)
    archive = open_archive(Path(db_path))
    try:
        counts, failed = archive.file_counts(), archive.files("failed")
    finally:
        archive.close()
    total = sum(counts.values())
    click.echo(f"{db_path}: {total} file(s): " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for row in failed:
        click.echo(f"failed: {row['path']}: {row['error']}")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, exists=True, file_okay=False))
@_ingest_options
@click.option("--settle", default=2.0, show_default=True,
              help="Seconds a file's size and time must stay the same before it is read.")
def watch(folder, db_path, extracted_dir, workers, scheduler, max_pages, max_pixels, page_timeout,
          quiet, settle):
    """Ingest the PDFs and images in FOLDER, then each one that appears or changes, once it has
    stopped changing. Ctrl-C stops it."""
    from .watch import watch as run_watch

    def on_report(report) -> None:
        if report.files:
            _summary(report, db_path)

    try:
        run_watch(
            folder, db_path, settle=settle, on_report=on_report,
            ingest_options=dict(
                extracted_dir=extracted_dir, limits=_limits(max_pages, max_pixels, page_timeout),
                workers=workers, scheduler=scheduler,
                on_result=lambda r: r.status == "failed" and _error(f"{r.path}: {r.reason}"),
            ),
        )
    except KeyboardInterrupt:
        click.echo("pipeline: watch stopped", err=True)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--extracted-dir", type=click.Path(path_type=Path), default=None,
              help="The per-document JSON to re-analyze [default: extracted/ beside the archive].")
@click.option("--ocr", is_flag=True, help="Read the source files again too (text layers, OCR).")
@click.option("--workers", default=2, show_default=True)
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", default=None)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def reprocess(db_path, extracted_dir, ocr, workers, scheduler, quiet):
    """Run analysis again over the stored page text of every document (no OCR), after the rules
    changed; say how many documents changed. With --ocr, read the source files again too."""
    from .ingest import reprocess as run_reprocess

    if not Path(db_path).is_file():
        _error(f"{db_path}: no such archive")
        sys.exit(ExitCode.archive)
    result = run_reprocess(db_path, extracted_dir=extracted_dir, ocr=ocr, workers=workers,
                           scheduler=scheduler, quiet=quiet)
    click.echo(
        f"{result.changed} of {result.documents} document(s) changed"
        f" ({result.added} new, {result.removed} gone); archive version"
        f" {result.version_before} → {result.version_after}",
        err=True,
    )
    if result.not_extracted:
        click.echo(f"  {result.not_extracted} document(s) not in extracted/ were left as they are"
                   " (--ocr reads their files again)", err=True)
    for path, reason in result.failed:
        click.echo(f"  failed: {path}: {reason}", err=True)
    if result.failed:
        sys.exit(ExitCode.input_file)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
