"""Fake Intercom API (version 2.11 shapes): search, retrieve, admins, teams."""

import base64
from typing import Any

from fakes.server import Answer, FakeAPI, Request, page_of

OPERATORS = {
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "=": lambda a, b: a == b,
}


class FakeIntercom(FakeAPI):
    """``conversations`` holds versions; search sees them all, GET returns the last one."""

    def __init__(self, token: str, per_page_cap: int = 150) -> None:
        super().__init__()
        self.token = token
        self.per_page_cap = per_page_cap
        self.conversations: list[dict] = []
        self.admins: list[dict] = []
        self.teams: list[dict] = []
        self.newest_first = False  # the search's sort order is the API's choice, not ours
        # A broken search: asked with starting_after, it hands back that same cursor as
        # pages.next, so its pagination loops.
        self.stuck_cursor = False

    def authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {self.token}"

    def route(self, request: Request) -> Answer:
        if request.headers.get("intercom-version") is None:
            return 400, {}, {"type": "error.list", "errors": [{"code": "intercom_version_missing"}]}
        path = request.path
        if path == "/conversations/search" and request.method == "POST":
            return self._search(request.body)
        if path.startswith("/conversations/"):
            wanted = path.rsplit("/", 1)[1]
            versions = [c for c in self.conversations if c["id"] == wanted]
            if not versions:
                return 404, {}, {"type": "error.list", "errors": [{"code": "not_found"}]}
            return 200, {}, versions[-1]
        if path == "/admins":
            return 200, {}, {"type": "admin.list", "admins": self.admins}
        if path == "/teams":
            return 200, {}, {"type": "team.list", "teams": self.teams}
        return 404, {}, {"type": "error.list", "errors": [{"code": "not_found"}]}

    def _search(self, body: dict) -> Answer:
        rules = body["query"]["value"]

        def matches(conversation: dict) -> bool:
            return all(
                OPERATORS[rule["operator"]](conversation[rule["field"]], rule["value"])
                for rule in rules
            )

        found = sorted(
            (c for c in self.conversations if matches(c)),
            key=lambda c: (c["updated_at"], c["id"]),
            reverse=self.newest_first,
        )
        pagination = body.get("pagination") or {}
        per_page = min(int(pagination.get("per_page", 20)), self.per_page_cap)
        cursor = pagination.get("starting_after")
        offset = int(base64.b64decode(cursor)) if cursor else 0
        chunk, following = page_of(found, offset, per_page)
        pages: dict[str, Any] = {
            "type": "pages",
            "page": offset // per_page + 1,
            "per_page": per_page,
            "total_pages": max(1, -(-len(found) // per_page)),
        }
        if following is not None:
            after = base64.b64encode(str(following).encode()).decode()
            pages["next"] = {
                "per_page": per_page,
                "starting_after": cursor if self.stuck_cursor and cursor else after,
            }
        summaries = [{k: v for k, v in c.items() if k != "conversation_parts"} for c in chunk]
        return (
            200,
            {},
            {
                "type": "conversation.list",
                "pages": pages,
                "total_count": len(found),
                "conversations": summaries,
            },
        )
