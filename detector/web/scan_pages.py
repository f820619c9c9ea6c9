"""The scan browser: a scan's output folder as pages (``detector serve --scan OUT``).

``GET /scan?verdict=&min_score=&page=``
    The clusters, largest first, 50 to a page; with a verdict and a minimum score, only
    clusters holding a pair of that verdict scoring at least that much.
``GET /scan/clusters/{number}?verdict=&min_score=``
    One cluster: its likely original and why, its documents, its pairs (the same filter).
``GET /scan/pair?a=ID&b=ID``
    One pair of the scan side by side: the two stored texts (``documents.jsonl``) compared
    again on demand, in the server's workers, and shown with the comparison page the
    compare and check pages use.
``GET /scan/report``
    The scan's ``report.html`` page, rendered again with its clusters linked here (the
    file in the folder stays a single page without links).

The folder is read once, at start (:class:`detector.scan.results.ScanResults`); document
ids from a request are only looked up in its index, never used as paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from detector.errors import DetectorError
from detector.report.comparison import VERDICT_LABELS, comparison_context, verdict_badge
from detector.report.scan import report_html
from detector.report.templates import render
from detector.scan.results import ScanCluster, ScanDocument, ScanPair, ScanResults
from detector.web.pages import html_response, message_page, view_page
from detector.web.workers import Workers

__all__ = ["CLUSTERS_PER_PAGE", "MAX_LISTED", "scan_router"]

#: Clusters on one page of the list.
CLUSTERS_PER_PAGE = 50
#: Documents and pairs listed on a cluster's page at most.
MAX_LISTED = 300

Nav = Sequence[tuple[str, str]]


def _filters(verdict: str | None, min_score: float) -> dict[str, str]:
    query = {}
    if verdict:
        query["verdict"] = verdict
    if min_score > 0:
        query["min_score"] = f"{min_score:g}"
    return query


def _filter_note(verdict: str | None, min_score: float) -> str:
    """How the list is filtered, in words: "with a Spun copy pair scoring at least 0.90"."""
    if not verdict and min_score <= 0:
        return ""
    kind = f"{VERDICT_LABELS[verdict][0]} pair" if verdict else "pair"
    return f"with a {kind}" + (f" scoring at least {min_score:.2f}" if min_score > 0 else "")


def _unknown(verdict: str) -> str:
    return f"Unknown verdict {verdict!r}; the verdicts are {', '.join(VERDICT_LABELS)}."


def _url(path: str, query: dict[str, Any]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


def _page(template: str, title: str, nav: Nav, stats: str, **context: Any) -> str:
    return render(
        template,
        {"title": title, "here": "/scan", "nav": nav, "stats": stats, **context},
        package="detector.web",
    )


def _document_line(doc: ScanDocument | None) -> str:
    if doc is None:
        return ""
    return " · ".join(x for x in (doc.title, doc.source, doc.date) if x)


def _cluster_row(c: ScanCluster, query: dict[str, str]) -> dict[str, Any]:
    top = c.verdicts[0][0] if c.verdicts else "unknown"
    return {
        "cluster": c.cluster,
        "href": _url(f"/scan/clusters/{c.cluster}", query),
        "verdict": verdict_badge(top),
        "score": c.best_score,
        "original": c.original,
        "size": c.size,
        "verdicts": [(verdict_badge(v)["label"], n) for v, n in c.verdicts],
        "why": c.why,
        "members": c.members[:8],
        "more": max(0, c.size - 8),
    }


def _pair_row(p: ScanPair) -> dict[str, Any]:
    original = {"a": p.a, "b": p.b}.get(p.original or "")
    return {
        "a": p.a,
        "b": p.b,
        "href": _url("/scan/pair", {"a": p.a, "b": p.b}),
        "verdict": verdict_badge(p.verdict),
        "score": p.score,
        "similarity": p.similarity,
        "extent": p.extent,
        "original": original,
    }


def scan_router(
    scan: ScanResults, *, workers: Workers | None = None, nav: Nav, home: bool = False
) -> APIRouter:
    """The scan browser's pages over ``scan``; comparisons run in ``workers``.

    With ``home``, ``GET /`` leads to the cluster list (a server without an archive).
    """
    router = APIRouter(include_in_schema=False)
    pool = workers or Workers(1)
    folder = scan.out.name or str(scan.out)
    pairs = sum(n for c in scan.clusters() for _, n in c.verdicts)
    stats = f"scan: {len(scan.clusters()):,} clusters, {pairs:,} pairs"

    def refused(message: str, status: int = 404) -> HTMLResponse:
        return html_response(message_page("Not found", message, nav=nav), status)

    if home:

        @router.get("/")
        def scan_home() -> RedirectResponse:
            return RedirectResponse("/scan", 303)

    @router.get("/scan", response_class=HTMLResponse)
    def scan_clusters(
        verdict: Annotated[str | None, Query(max_length=40)] = None,
        min_score: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
        page: Annotated[int, Query(ge=1)] = 1,
    ) -> HTMLResponse:
        if verdict and verdict not in VERDICT_LABELS:
            return refused(_unknown(verdict), 400)
        wanted = verdict or None
        found = scan.clusters(verdict=wanted, min_score=min_score)
        pages = max(1, -(-len(found) // CLUSTERS_PER_PAGE))
        page = min(page, pages)
        first = (page - 1) * CLUSTERS_PER_PAGE
        shown = found[first : first + CLUSTERS_PER_PAGE]
        query = _filters(wanted, min_score)
        body = _page(
            "scan_clusters.html",
            f"Scan {folder}",
            nav,
            stats,
            folder=folder,
            summary=scan.summary,
            verdicts=[(v, VERDICT_LABELS[v][0]) for v in scan.verdicts() if v in VERDICT_LABELS],
            verdict=wanted or "",
            min_score=min_score,
            filter_note=_filter_note(wanted, min_score),
            clusters=[_cluster_row(c, query) for c in shown],
            total=len(found),
            all_clusters=len(scan.clusters()),
            first=first + 1,
            last=first + len(shown),
            previous=_url("/scan", {**query, "page": page - 1}) if page > 1 else "",
            next=_url("/scan", {**query, "page": page + 1}) if page < pages else "",
            has_report=bool(scan.summary),
        )
        return html_response(body)

    @router.get("/scan/clusters/{number}", response_class=HTMLResponse)
    def scan_cluster(
        number: int,
        verdict: Annotated[str | None, Query(max_length=40)] = None,
        min_score: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
    ) -> HTMLResponse:
        cluster = scan.cluster(number)
        if cluster is None:
            return refused(f"This scan has no cluster {number}.")
        if verdict and verdict not in VERDICT_LABELS:
            return refused(_unknown(verdict), 400)
        wanted = verdict or None
        query = _filters(wanted, min_score)
        pairs = cluster.pairs_where(wanted, min_score)
        members = [
            {
                "id": m,
                "line": _document_line(scan.document(m)) if scan.has_documents else "",
                "original": m == cluster.original,
            }
            for m in cluster.members[:MAX_LISTED]
        ]
        body = _page(
            "scan_cluster.html",
            f"Cluster {number}",
            nav,
            stats,
            cluster=_cluster_row(cluster, query),
            members=members,
            more_members=max(0, cluster.size - MAX_LISTED),
            pairs=[_pair_row(p) for p in pairs[:MAX_LISTED]],
            more_pairs=max(0, len(pairs) - MAX_LISTED),
            all_pairs=len(cluster.pairs),
            verdicts=[
                (v, VERDICT_LABELS[v][0]) for v, _ in cluster.verdicts if v in VERDICT_LABELS
            ],
            verdict=wanted or "",
            min_score=min_score,
            back=_url("/scan", query),
            here_url=f"/scan/clusters/{number}",
        )
        return html_response(body)

    @router.get("/scan/pair", response_class=HTMLResponse)
    def scan_pair(
        a: Annotated[str, Query(max_length=1000)],
        b: Annotated[str, Query(max_length=1000)],
    ) -> HTMLResponse:
        pair = scan.pair(a, b)
        if pair is None:
            return refused(f"This scan has no pair of {a!r} and {b!r}.")
        if not scan.has_documents:
            return refused(
                "This scan folder has no documents.jsonl, so its pairs cannot be shown; "
                "scan the inputs again with this version of detector."
            )
        doc_a, doc_b = scan.document(pair.a), scan.document(pair.b)
        if doc_a is None or doc_b is None:
            lost = [i for i, d in ((pair.a, doc_a), (pair.b, doc_b)) if d is None]
            return refused(f"documents.jsonl has no text for {', '.join(map(repr, lost))}.")
        try:
            result = pool.compare(doc_a.text, doc_b.text)
        except DetectorError as exc:
            return refused(f"These texts cannot be compared: {exc}", 400)
        names = [
            d.id + (f" ({line})" if (line := _document_line(d)) else "") for d in (doc_a, doc_b)
        ]
        context = comparison_context(
            result,
            doc_a.text,
            doc_b.text,
            a_name=names[0],
            b_name=names[1],
            title=f"{pair.a} vs {pair.b}",
        )
        cluster = scan.cluster_of(pair.a)
        if cluster is None:
            back, label = "/scan", "Back to the clusters"
        else:
            back, label = f"/scan/clusters/{cluster.cluster}", f"Back to cluster {cluster.cluster}"
        return html_response(view_page(context, back, label))

    @router.get("/scan/report", response_class=HTMLResponse)
    def scan_report() -> HTMLResponse:
        if not scan.summary:
            return refused("This scan folder has no summary.json to make its report from.")
        try:
            page = report_html(
                scan.summary, scan.out, cluster_url="/scan/clusters/", browse_url="/scan"
            )
        except (KeyError, TypeError, ValueError):
            return refused("This scan's summary.json is not one a scan writes.", 400)
        return html_response(page)

    return router
