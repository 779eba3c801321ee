"""`make serve`: a live preview that restages the pages whenever data/, docs/, the templates or the
theme change, so a new role or procedure appears without a restart (PDFs are not made)."""

from __future__ import annotations

import logging
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.livereload import LiveReloadServer, _serve_url

from ..errors import DataError
from ..render.pages import Build
from ..resolve import load_handbook
from . import site_config, stage_docs
from .search import jieba_taught

log = logging.getLogger("mkdocs")


def serve_preview(project: Path, data_dir: Path, addr: str, compose: Callable[[tuple], Build],
                  load: Callable[[], tuple] | None = None, watched: Sequence[Path] = ()) -> int:
    """compose: the Build of what `load` gives (a handbook and its regional edition or None; by default
    the data folder's handbook), with its stamp and edition changes (cli.compose_build); watched:
    folders watched besides data/ and the theme (an overlay's)."""
    load = load or (lambda: (load_handbook(data_dir), None))
    workdir = Path(tempfile.mkdtemp(prefix="handbook-preview-"))
    stage, site_dir = workdir / "docs", workdir / "site"
    host, port = addr.rsplit(":", 1)
    serve_url = _serve_url(host, int(port), "/")
    config_file = project / "mkdocs.yml"

    def builder() -> None:
        """Load, stage and build again from scratch; bad data is reported and the last good preview stays."""
        try:
            loaded = load()
        except DataError as exc:
            print(exc.report(), file=sys.stderr, flush=True)
            return
        build = compose(loaded)
        handbook = build.handbook
        stage_docs(build, project / "docs", stage)
        config = site_config(build, config_file, docs_dir=str(stage), site_dir=str(site_dir), dev_addr=addr)
        config.site_url = serve_url
        with jieba_taught(handbook):
            mkdocs_build(config, serve_url=serve_url)
        log.info("预览已更新：%s", serve_url)

    builder()
    server = LiveReloadServer(builder=builder, host=host, port=int(port), root=str(site_dir),
                              mount_path=urlsplit(serve_url).path)
    for folder in (data_dir, *watched, project / "docs", project / "macros", project / "overrides", config_file):
        server.watch(str(folder))
    # A service manager stops the preview with SIGTERM, which would end the process at once and
    # leave the staged pages behind in the temporary folder: it is taken as Ctrl-C instead.
    stopped = signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, stopped)
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
