"""`tracegraph import FILE --url URL`: the same import through a server's POST /imports, for a supplier who reaches
the service over HTTP but not its database. The file is streamed gzip-compressed (never read whole), then the job
is polled until it ends; its report has the shape of a local import's."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

UPLOAD_PIECE = 1 << 20  # bytes of the file read (and compressed) at a time
POLL_S = 0.5  # between two looks at the job
FINISHED = ("DONE", "FAILED")

Progress = Callable[[str, int, int | None], None]  # (stage, done, total): "uploading" counts bytes of the file


class RemoteImportError(Exception):
    """The job could not be started or did not finish (unreachable server, refused request, database down)."""


def _gzipped(file: Path, progress: Progress | None) -> Iterator[bytes]:
    deflate = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: a gzip member
    size, sent = file.stat().st_size, 0
    with file.open("rb") as stream:
        while piece := stream.read(UPLOAD_PIECE):
            sent += len(piece)
            if out := deflate.compress(piece):
                yield out
            if progress:
                progress("uploading", sent, size)
    yield deflate.flush()


def _refusal(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        detail = f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        detail = response.text[:200] or response.reason_phrase
    if response.status_code in (401, 403):
        detail += " (check --token or TRACEGRAPH_TOKEN)"
    return f"{response.request.method} {response.request.url} answered {response.status_code}: {detail}"


def import_over_http(
    file: Path,
    url: str,
    *,
    token: str | None = None,
    dry_run: bool = False,
    encoding: str = "utf-8",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Post `file` as an import job to the server at `url`, wait for it, and return its report (the JSON of
    `tracegraph import --json`)."""
    base = url.rstrip("/") + "/"
    auth = {"Authorization": f"Bearer {token}"} if token else {}  # for the authenticating proxy in front
    params = {"dryRun": "true"} if dry_run else {}
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        params["encoding"] = encoding
    try:
        with httpx.Client(headers=auth) as client:
            response = client.post(
                urljoin(base, "imports"),
                params=params,
                content=_gzipped(file, progress),
                headers={"Content-Type": "application/x-ndjson", "Content-Encoding": "gzip"},
                timeout=httpx.Timeout(60.0),
            )
            if response.status_code != 202:
                raise RemoteImportError(_refusal(response))
            job_url = urljoin(base, response.headers["location"])
            while True:
                response = client.get(job_url, timeout=httpx.Timeout(30.0))
                if response.status_code != 200:
                    raise RemoteImportError(_refusal(response))
                job = response.json()
                if progress:
                    lines, records = job["progress"]["lines"], job["progress"]["records"]
                    if job["status"] == "WRITING":
                        progress(job["stage"], records["done"], records["total"])
                    elif job["status"] == "VALIDATING":
                        progress("validating", lines["done"], lines["total"])
                if job["status"] in FINISHED:
                    break
                time.sleep(POLL_S)
    except httpx.HTTPError as error:
        raise RemoteImportError(f"cannot reach {url}: {error or type(error).__name__}") from None
    if job["report"] is None:
        raise RemoteImportError(f"import job {job['id']} failed: {job['error']}")
    return job["report"]
