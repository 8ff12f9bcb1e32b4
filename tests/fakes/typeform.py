"""Fake Typeform Responses and Forms APIs."""

from datetime import UTC, datetime

from fakes.server import Answer, FakeAPI, Request


def _moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class FakeTypeform(FakeAPI):
    """since/until inclusive on submitted_at, newest first, ``before`` token pagination."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.responses: dict[str, list[dict]] = {}
        self.forms: dict[str, dict] = {}
        # A broken Responses API: asked with before=<this token>, it answers as if asked
        # without before (the newest responses again), so its pagination loops.
        self.restart_at_before: str | None = None

    def authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {self.token}"

    def route(self, request: Request) -> Answer:
        parts = request.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "forms" and parts[2] == "responses":
            return self._responses(parts[1], request.query)
        if len(parts) == 2 and parts[0] == "forms" and parts[1] in self.forms:
            return 200, {}, self.forms[parts[1]]
        return 404, {}, {"code": "FORM_NOT_FOUND"}

    def _responses(self, form_id: str, query: dict) -> Answer:
        items = sorted(
            self.responses.get(form_id, []),
            key=lambda r: (r["submitted_at"], r["token"]),
            reverse=True,
        )
        if "since" in query:
            items = [r for r in items if _moment(r["submitted_at"]) >= _moment(query["since"])]
        if "until" in query:
            items = [r for r in items if _moment(r["submitted_at"]) <= _moment(query["until"])]
        if "before" in query and query["before"] != self.restart_at_before:
            tokens = [r["token"] for r in items]
            items = items[tokens.index(query["before"]) + 1 :]
        size = int(query.get("page_size", 25))
        page_count = max(1, -(-len(items) // size))
        return 200, {}, {"total_items": len(items), "page_count": page_count, "items": items[:size]}
