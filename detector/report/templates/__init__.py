"""The HTML templates and the one stylesheet of every page detector writes or serves.

The comparison report (:mod:`detector.report.comparison`), the scan report
(:mod:`detector.report.scan`) and the web pages (:mod:`detector.web`) are Jinja2
templates that extend ``base.html``, with autoescaping on: every value a template shows
is escaped by the engine. ``base.html`` inlines ``detector.css``, so a saved report is a
single file that loads nothing from the network.

Examples
--------
>>> page = render("base.html", {"title": "<x>"})
>>> "<title>&lt;x&gt;</title>" in page and "--ink" in page
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["STYLESHEET", "environment", "render"]

#: The name of the one stylesheet, beside the templates.
STYLESHEET = "detector.css"

# Lone surrogates cannot be written as UTF-8; a page must always be writable.
_SURROGATES = re.compile("[\ud800-\udfff]")


@cache
def environment(*packages: str) -> jinja2.Environment:
    """The templates of ``packages`` (each one's ``templates/`` folder), then the shared ones.

    Parameters
    ----------
    *packages : str
        Packages whose own templates come first, e.g. ``"detector.web"``; they can extend
        or include the shared templates here.

    Returns
    -------
    jinja2.Environment
        With autoescaping on and the stylesheet as the global ``stylesheet``.
    """
    loaders: list[jinja2.BaseLoader] = [jinja2.PackageLoader(p, "templates") for p in packages]
    loaders.append(jinja2.PackageLoader("detector.report", "templates"))
    loader = jinja2.ChoiceLoader(loaders)
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    css, _, _ = loader.get_source(env, STYLESHEET)
    env.globals["stylesheet"] = Markup(css)  # our own file, inlined as it is
    return env


def render(template: str, context: Mapping[str, Any], *, package: str | None = None) -> str:
    """The page ``template`` shows for ``context``.

    Parameters
    ----------
    template : str
        The template's file name, e.g. ``"comparison.html"``.
    context : mapping
        The values the template shows (escaped by the engine).
    package : str, optional
        A package whose ``templates/`` folder is searched first (see :func:`environment`).

    Returns
    -------
    str
        The document; lone surrogates from the input are replaced by U+FFFD so that it
        always encodes as UTF-8 (one character for one, so offsets still line up).
    """
    env = environment(package) if package else environment()
    page = env.get_template(template).render(context)
    return _SURROGATES.sub("\ufffd", page)
