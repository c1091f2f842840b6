"""`pipeline` command line: a thin layer over `pipeline.ingest` and `pipeline.serve`.

User errors are one line on stderr (`pipeline: error: FILE: reason`) and a non-zero exit; progress
and logs go to stderr too, so stdout stays clean for scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import ArchiveError
from .ingest import DEFAULT_DB, FileResult
from .limits import DEFAULT_LIMITS, Limits


def _error(message: str) -> None:
    click.echo(f"pipeline: error: {message}", err=True)


@click.group()
@click.version_option(__version__, prog_name="pipeline")
def cli() -> None:
    """Archive of Japanese administrative documents: ingest PDFs and scans, serve them in Datasette."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path),
              help="Archive database to add the documents to.")
@click.option("--extracted-dir", type=click.Path(path_type=Path), default=None,
              help="Where the reviewable per-document JSON goes [default: extracted/ beside the archive].")
@click.option("--force", is_flag=True, help="Re-extract files even if the archive already holds them.")
@click.option("--workers", default=2, show_default=True, help="Parallel processes for OCR.")
@click.option("--max-pages", default=DEFAULT_LIMITS.max_pages, show_default=True,
              help="Refuse files with more pages than this.")
@click.option("--max-pixels", default=DEFAULT_LIMITS.max_pixels, show_default=True,
              help="Refuse page images larger than this many pixels.")
@click.option("--page-timeout", default=DEFAULT_LIMITS.page_timeout, show_default=True,
              help="Seconds of OCR allowed per page.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest(files, db_path, extracted_dir, force, workers, max_pages, max_pixels, page_timeout, quiet):
    """Add PDFs (born-digital or scanned) and page images (PNG, JPEG, TIFF) to the archive."""
    from tqdm import tqdm

    from .ingest import ingest as run_ingest

    limits = Limits(max_pages=max_pages, max_pixels=max_pixels, page_timeout=page_timeout,
                    dpi=DEFAULT_LIMITS.dpi)
    # The total grows as files are opened: unchanged files are never opened, which keeps a
    # re-ingest of an unchanged corpus well under a second.
    bar = tqdm(total=0, unit="page", desc="ingest", disable=quiet or None, file=sys.stderr,
               dynamic_ncols=True)

    def on_pages(n: int) -> None:
        bar.total += n
        bar.refresh()

    def on_result(result: FileResult) -> None:
        if result.status == "failed":
            bar.clear()
            _error(f"{result.path}: {result.reason}")

    try:
        report = run_ingest(
            files, db_path, extracted_dir=extracted_dir, limits=limits, force=force,
            workers=workers, progress=bar.update, on_pages=on_pages, on_result=on_result,
        )
    except ArchiveError as exc:
        bar.close()
        _error(str(exc))
        sys.exit(2)
    finally:
        bar.close()
    added, unchanged, failed = report.count("added"), report.count("unchanged"), report.failed
    docs = sum(len(r.document_ids) for r in report.files if r.status == "added")
    click.echo(
        f"{added} file(s) added ({docs} document(s)), {unchanged} unchanged, {len(failed)} failed"
        f" → {db_path}",
        err=True,
    )
    for r in failed:
        click.echo(f"  failed: {r.path}: {r.reason}", err=True)
    if failed:
        sys.exit(1)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--extracted-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("extracted"),
              show_default=True, help="Folder of per-document JSON files to build from.")
def build(db_path, extracted_dir):
    """Rebuild the archive from extracted/ alone (no OCR; deterministic)."""
    from .ingest import build as run_build

    if not extracted_dir.is_dir():
        _error(f"{extracted_dir}: no such folder")
        sys.exit(1)
    try:
        n = run_build(db_path, extracted_dir)
    except ArchiveError as exc:
        _error(str(exc))
        sys.exit(2)
    click.echo(f"built {db_path} from {n} document(s) in {extracted_dir}", err=True)


@cli.command()
@click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
def publish(db_path):
    """Freeze the archive into an immutable snapshot (ARCHIVE-VERSION.db beside it) for citations;
    prints the version on the last line."""
    from .load.snapshots import publish as run_publish

    try:
        snapshot, created = run_publish(db_path)
    except ArchiveError as exc:
        _error(str(exc))
        sys.exit(1)
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
        sys.exit(1)
    run_serve(db_path, port=port, host=host, immutable=immutable, workers=workers,
              page_cache_mb=page_cache_mb)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
