"""One unit of work per request, job and command.

A request's changes are committed once, after its view, when the response is a success
(below 400), and rolled back otherwise: a view never commits, and a form re-rendered with
its errors leaves nothing behind. Work that must read what the request wrote waits for the
commit (``jobs.enqueue_after_commit``). Jobs and commands wrap their work in
``transaction()``.

Whether a request writes is said before its first query: POST, PUT, PATCH and DELETE do; a
GET or HEAD only reads unless its view is marked ``@writes`` (a download that is recorded).
On SQLite a writing transaction takes the write lock as it begins (``db.writing``).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from flask import Flask, g, request

from consultation.db import db, may_write

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

T = TypeVar("T")


def writes(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a GET view that writes: its transaction may write from the start."""
    view.writes = True  # type: ignore[attr-defined]
    return view


def _view_writes(app: Flask) -> bool:
    if request.method not in READING_METHODS:
        return True
    view = app.view_functions.get(request.endpoint or "")
    # Decorators applied over @writes (login_required, throttles) keep the mark: functools.wraps
    # copies the function's attributes.
    return bool(getattr(view, "writes", False))


@contextmanager
def transaction() -> Iterator[None]:
    """A job's or a command's unit of work: committed when the block ends, rolled back if it
    raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def set_for_each_request(app: Flask, variable: ContextVar[T], value: Callable[[], T]) -> None:
    """Sets ``variable`` to ``value()`` as each request begins, and back once it has ended
    (the token is kept on ``g``: a request made while another is answered has its own)."""
    key = f"{variable.name}_token"

    @app.before_request
    def set_variable() -> None:
        setattr(g, key, variable.set(value()))

    @app.teardown_request
    def reset_variable(exception: BaseException | None) -> None:
        token = g.pop(key, None)
        if token is not None:
            variable.reset(token)


def init_app(app: Flask) -> None:
    """Registered before every other hook, so that no query runs before the request has said
    whether it writes, and the commit comes after every other ``after_request``."""
    set_for_each_request(app, may_write, lambda: _view_writes(app))

    @app.after_request
    def end(response):
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response
