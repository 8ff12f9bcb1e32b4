"""What a sync costs in API requests, and how long the vendors' published rate limits make it.

A help desk's request budget, not the machine, bounds how fast csops can sync: the budget is
per account (per app on Intercom), shared with every other integration of the account, and
some endpoints have a tighter limit of their own. The connectors count the requests they
send per stream (`requests_sent()`); this module turns such counts into minutes at each
plan's published limit, for the benchmark's projections (benchmarks/connector_throughput.py).

A connector reads one stream after another, so a sync's minutes are the sum over its streams
of requests / the limit that stream's endpoint is under, at the share of the budget csops may
use.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestBudget:
    """One plan's published limit: requests a minute for the account, and the streams whose
    endpoints have a lower limit of their own."""

    source: str
    plan: str
    per_minute: float
    stream_per_minute: Mapping[str, float] = field(default_factory=dict)

    def minutes(self, requests: Mapping[str, float], share: float = 1.0) -> float:
        """Minutes to send `requests` ({stream: count}) using `share` of this budget."""
        if not 0 < share <= 1:
            raise ValueError(f"share must be in (0, 1], not {share}")
        return sum(
            count / (self.stream_per_minute.get(stream, self.per_minute) * share)
            for stream, count in requests.items()
        )


# developer.zendesk.com "Rate limits" (plan table) and "Incremental Exports" ("up to 10
# requests per minute" to the export endpoints; 30 with the High Volume API add-on, which
# raises the account's limit to 2,500). The ticket, user and organization streams are read
# from the exports (connectors/zendesk.py).
_ZENDESK_EXPORTS = ("tickets", "users", "organizations")
ZENDESK_BUDGETS = tuple(
    RequestBudget("zendesk", plan, per_minute, dict.fromkeys(_ZENDESK_EXPORTS, exports))
    for plan, per_minute, exports in (
        ("Team", 200, 10),
        ("Growth", 400, 10),
        ("Professional", 400, 10),
        ("Enterprise", 700, 10),
        ("High Volume API add-on", 2500, 30),
    )
)
# developers.intercom.com "Rate limiting": 10,000 calls a minute per private app (25,000 per
# workspace), spread over 10-second windows.
INTERCOM_BUDGET = RequestBudget("intercom", "private app", 10_000)
# Typeform's Responses API: 2 requests a second per account (connectors/typeform.py).
TYPEFORM_BUDGET = RequestBudget("typeform", "any plan", 120)
# Zendesk QA's export: 1,500 requests a minute per IP (connectors/zendesk_qa.py).
ZENDESK_QA_BUDGET = RequestBudget("zendesk_qa", "any plan", 1_500)

BUDGETS: tuple[RequestBudget, ...] = (
    *ZENDESK_BUDGETS,
    INTERCOM_BUDGET,
    TYPEFORM_BUDGET,
    ZENDESK_QA_BUDGET,
)


def scaled(requests: Mapping[str, float], factor: float) -> dict[str, float]:
    """Every stream's requests times `factor` (a measured window scaled to another volume)."""
    return {stream: count * factor for stream, count in requests.items()}
