"""Fake Zendesk QA Public Export API (reviews), written from the vendor's reference.

GET /qa/api/export/reviews and /qa/api/export/workspace/{id}/reviews with fromDate
(required), toDate, page and pageSize; bearer token; conversations with their reviews and a
pagination object {page, pageSize, total}. Where the reference is silent this fake takes the
reading that is hardest for a client: pages count from 0 (a client that assumes 1 skips the
first page), and the range filters on the review's creation, so an edit of an older review
is only seen by a client that asks from before its creation.
"""

from datetime import UTC, datetime

from fakes.server import Answer, FakeAPI, Request


def _moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _created_between(review: dict, start: datetime, end: datetime | None) -> bool:
    """fromDate and toDate inclusive on createdISO; a review without one is always served
    (the tests use it for records the client must set aside)."""
    if "createdISO" not in review:
        return True
    created = _moment(review["createdISO"])
    return start <= created and (end is None or created <= end)


class FakeZendeskQA(FakeAPI):
    """Serves ``conversations`` (each with ``reviews`` carrying createdISO) by page number."""

    def __init__(self, token: str, workspaces: tuple[str, ...] = ("11759",)) -> None:
        super().__init__()
        self.token = token
        self.workspaces = workspaces
        self.conversations: list[dict] = []
        self.default_page_size = 10
        # The number of the first page (0 here; set 1 to play an API that counts from 1).
        self.first_page = 0

    def authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {self.token}"

    def route(self, request: Request) -> Answer:
        parts = request.path.strip("/").split("/")
        if parts == ["qa", "api", "export", "reviews"]:
            return self._reviews(request.query, None)
        if parts[:4] == ["qa", "api", "export", "workspace"] and parts[5:] == ["reviews"]:
            if parts[4] not in self.workspaces:
                return 404, {}, {"code": 5, "message": "workspace not found", "details": []}
            return self._reviews(request.query, parts[4])
        return 404, {}, {"code": 5, "message": "Not Found", "details": []}

    def _reviews(self, query: dict, workspace: str | None) -> Answer:
        if "fromDate" not in query:
            return 400, {}, {"code": 3, "message": "fromDate is required", "details": []}
        start = _moment(query["fromDate"])
        end = _moment(query["toDate"]) if "toDate" in query else None
        found = []
        for conversation in self.conversations:
            if workspace is not None and conversation.get("workspaceId") != workspace:
                continue
            reviews = [
                review
                for review in conversation.get("reviews", [])
                if _created_between(review, start, end)
            ]
            if reviews:
                found.append({**conversation, "reviews": reviews})
        size = int(query.get("pageSize", self.default_page_size))
        page = int(query.get("page", self.first_page))
        index = page - self.first_page
        chunk = found[index * size : (index + 1) * size] if index >= 0 else []
        pagination = {"page": page, "pageSize": size, "total": len(found)}
        return 200, {}, {"conversations": chunk, "pagination": pagination}
