"""Uploads over the limit (issue 13, item 5): 10 MB and more were received whole before being
refused; now a request declaring more than the limit is refused unread (413)."""

from __future__ import annotations

import io


class _Unread(io.BytesIO):
    """A body that fails the test if anybody reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _post(path: str, size: int, headers: dict | None = None):
    from web.conftest import client_for

    c = client_for("controllo")
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "CONTENT_LENGTH": str(size),
        "wsgi.input": _Unread(),
        **(headers or {}),
    }
    return c.request(**environ)


def test_a_request_beyond_the_limit_is_refused_unread(piano):
    r = _post("/CCIAA-PT/2020/piano/importa/", 50 * 1024 * 1024)
    assert r.status_code == 413 and "troppo grande" in r.content.decode()


def test_through_the_api_too(piano):
    from web.test_api import token_for

    r = _post(
        "/api/v1/enti/CCIAA-PT/piani", 12 * 1024 * 1024, {"HTTP_AUTHORIZATION": f"Bearer {token_for('controllo')}"}
    )
    assert r.status_code == 413 and r["Content-Type"] == "application/problem+json"


def _chunked(path: str, headers: dict | None = None):
    """A body sent in chunks: no Content-Length, so no declared size to refuse it by."""
    from web.conftest import client_for

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": _Unread(),
        **(headers or {}),
    }
    return client_for("controllo").request(**environ)


def test_a_chunked_upload_is_never_read(piano):
    """Django reads no more of a body than its Content-Length says, and none without one: an
    endless chunked upload is not received, and the form says the file is missing."""
    from web.test_api import token_for

    page = _chunked("/CCIAA-PT/2020/piano/importa/")
    assert page.status_code in (400, 422) and "file" in page.content.decode().lower()
    api = _chunked("/api/v1/enti/CCIAA-PT/piani", {"HTTP_AUTHORIZATION": f"Bearer {token_for('controllo')}"})
    assert api.status_code in (400, 422) and api["Content-Type"] == "application/problem+json"
