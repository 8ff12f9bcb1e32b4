"""The landed contract of every stream, pinned while its columns move into one table.

Captured from connectors/schemas.py before the columns were declared once: the Arrow schema
of each stream (names, types, order), the parsed row of a representative API record per
stream (from the simulator, plus a few hand-made edge cases), and the rejection reasons
for broken records (which also pins the order in which fields are checked).
"""

import copy
import datetime
import hashlib
from typing import Any

import pytest

from connectors.schemas import STREAMS, RecordRejected, parse_record, stream_schema

UTC = datetime.UTC

# (name, Arrow type, nullable) of each stream's typed columns, in order (docs/landing.md).
COLUMNS = {
    ("zendesk", "tickets"): [
        ("id", "int64", True),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("updated_at", "timestamp[us, tz=UTC]", True),
        ("status", "string", True),
        ("priority", "string", True),
        ("channel", "string", True),
        ("group_id", "int64", True),
        ("assignee_id", "int64", True),
        ("requester_id", "int64", True),
        ("submitter_id", "int64", True),
        ("organization_id", "int64", True),
        ("tags", "list<item: string>", True),
        ("satisfaction_score", "string", True),
        ("is_public", "bool", True),
    ],
    ("zendesk", "ticket_audits"): [
        ("id", "int64", True),
        ("ticket_id", "int64", True),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("author_id", "int64", True),
        ("via_channel", "string", True),
        (
            "events",
            "list<item: struct<id: int64, type: string, field_name: string, value: string, previous_value: string, public: bool, author_id: int64>>",
            True,
        ),
    ],
    ("zendesk", "users"): [
        ("id", "int64", True),
        ("name", "string", True),
        ("email", "string", True),
        ("role", "string", True),
        ("active", "bool", True),
        ("organization_id", "int64", True),
        ("default_group_id", "int64", True),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("updated_at", "timestamp[us, tz=UTC]", True),
    ],
    ("zendesk", "groups"): [
        ("id", "int64", True),
        ("name", "string", True),
        ("deleted", "bool", True),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("updated_at", "timestamp[us, tz=UTC]", True),
    ],
    ("zendesk", "organizations"): [
        ("id", "int64", True),
        ("name", "string", True),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("updated_at", "timestamp[us, tz=UTC]", True),
    ],
    ("zendesk", "satisfaction_ratings"): [
        ("id", "int64", True),
        ("ticket_id", "int64", True),
        ("assignee_id", "int64", True),
        ("group_id", "int64", True),
        ("requester_id", "int64", True),
        ("score", "string", True),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("updated_at", "timestamp[us, tz=UTC]", True),
    ],
    ("zendesk", "schedules"): [
        ("id", "int64", True),
        ("name", "string", True),
        ("time_zone", "string", True),
        ("intervals", "list<item: struct<start_time: int32, end_time: int32>>", True),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("updated_at", "timestamp[us, tz=UTC]", True),
    ],
    ("zendesk", "holidays"): [
        ("id", "int64", True),
        ("schedule_id", "int64", True),
        ("name", "string", True),
        ("start_date", "date32[day]", True),
        ("end_date", "date32[day]", True),
    ],
    ("zendesk", "sla_policies"): [
        ("id", "int64", True),
        ("title", "string", True),
        ("position", "int32", True),
        ("filter_all", "list<item: struct<field: string, operator: string, value: string>>", True),
        ("filter_any", "list<item: struct<field: string, operator: string, value: string>>", True),
        (
            "policy_metrics",
            "list<item: struct<priority: string, metric: string, target: int32, business_hours: bool>>",
            True,
        ),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("updated_at", "timestamp[us, tz=UTC]", True),
    ],
    ("intercom", "conversations"): [
        ("id", "string", True),
        ("created_at", "timestamp[us, tz=UTC]", True),
        ("updated_at", "timestamp[us, tz=UTC]", True),
        ("state", "string", True),
        ("open", "bool", True),
        ("admin_assignee_id", "string", True),
        ("team_assignee_id", "string", True),
        ("source_type", "string", True),
        ("source_delivered_as", "string", True),
        ("source_author_type", "string", True),
        ("source_author_id", "string", True),
        ("source_author_email", "string", True),
        ("contact_id", "string", True),
        ("rating", "int32", True),
        ("rating_created_at", "timestamp[us, tz=UTC]", True),
        ("rating_teammate_id", "string", True),
        ("ai_agent_participated", "bool", True),
        ("ai_agent_resolution_state", "string", True),
        ("sla_name", "string", True),
        ("sla_status", "string", True),
        (
            "parts",
            "list<item: struct<id: string, part_type: string, author_type: string, author_id: string, created_at: timestamp[us, tz=UTC], has_body: bool, assigned_to_type: string, assigned_to_id: string>>",
            True,
        ),
    ],
    ("intercom", "admins"): [
        ("id", "string", True),
        ("name", "string", True),
        ("email", "string", True),
        ("type", "string", True),
        ("team_ids", "list<item: string>", True),
    ],
    ("intercom", "teams"): [
        ("id", "string", True),
        ("name", "string", True),
        ("admin_ids", "list<item: string>", True),
    ],
    ("typeform", "responses"): [
        ("response_id", "string", True),
        ("form_id", "string", True),
        ("landed_at", "timestamp[us, tz=UTC]", True),
        ("submitted_at", "timestamp[us, tz=UTC]", True),
        ("hidden_ticket_id", "string", True),
        ("hidden_conversation_id", "string", True),
        ("hidden_email", "string", True),
        (
            "answers",
            "list<item: struct<field_id: string, field_ref: string, field_type: string, type: string, number: double, text: string, boolean: bool, choice_label: string>>",
            True,
        ),
    ],
    ("typeform", "forms"): [
        ("id", "string", True),
        ("title", "string", True),
        (
            "fields",
            "list<item: struct<id: string, ref: string, type: string, title: string>>",
            True,
        ),
    ],
}

# sha256 of the IPC serialization of each stream's full file schema (typed + underscore).
SCHEMA_SHA256 = {
    ("zendesk", "tickets"): "2654e0381c680a5ed8cd867f47f3c83ae3b2cf315ce0e83f5c5b24bd89a22865",
    (
        "zendesk",
        "ticket_audits",
    ): "a9561aeb9dfdfa2e8a7b5923dbba2b9b970695e0ed2fa50f575f63abac36cec5",
    ("zendesk", "users"): "f745efe374c35147777bb8b78c358d245dfbb58303daca39a1b8c1c121591907",
    ("zendesk", "groups"): "8741f2fc7ee7c23d7639c54ff4ddb06dfde44c8fd66d886110b5940de0490d6d",
    (
        "zendesk",
        "organizations",
    ): "59a87fba6d259233a9b4cf0adff1da8f287bae53d07809ce0770e58e58e18b92",
    (
        "zendesk",
        "satisfaction_ratings",
    ): "80452c70ac2c98fe2365fe9b5b791cf3ff3a5ff3bab5869e278dc8dc836fa825",
    ("zendesk", "schedules"): "3070eae08bd7f81cfe002d8871da5acb455d508c8311bc4775e7263f13b9cebb",
    ("zendesk", "holidays"): "4165d81f1836ee0e741128866fc040f8b08fffb16e409ab2cffb34b63897fe02",
    ("zendesk", "sla_policies"): "08ad2de0fc17cd9cb7769ab8b299ebb7cde3581f08bb08dcce09961c0c8cf9b7",
    (
        "intercom",
        "conversations",
    ): "ee8515399b5c77e716b779cbb321e9c70648771456cb4cce7996253f05f6c10d",
    ("intercom", "admins"): "a092bff8aa4e8854067e3403aa1a1e899ff1463fba7210107c0682a3d262bb98",
    ("intercom", "teams"): "fc7cffb24700878d130b619fd7f6cf4826503856f0a08cfd04c23ac022ac5b2f",
    ("typeform", "responses"): "138fddbacf6f3980d5374996be61d78ccd4aa73a52cc2159a90ed73e5d95a20f",
    ("typeform", "forms"): "00c1ab8426eb7758d37a42caa7126d6d9c97425adabd6d386de1eb3609dc5e64",
}

KEYS = {
    ("zendesk", "tickets"): ("id", "updated_at"),
    ("zendesk", "ticket_audits"): ("id", "created_at"),
    ("zendesk", "users"): ("id", "updated_at"),
    ("zendesk", "groups"): ("id", "updated_at"),
    ("zendesk", "organizations"): ("id", "updated_at"),
    ("zendesk", "satisfaction_ratings"): ("id", "updated_at"),
    ("zendesk", "schedules"): ("id", "updated_at"),
    ("zendesk", "holidays"): ("id", None),
    ("zendesk", "sla_policies"): ("id", "updated_at"),
    ("intercom", "conversations"): ("id", "updated_at"),
    ("intercom", "admins"): ("id", None),
    ("intercom", "teams"): ("id", None),
    ("typeform", "responses"): ("response_id", "submitted_at"),
    ("typeform", "forms"): ("id", None),
}

# (source, stream, API record, context, the parsed row, the rejection sequences)
CASES = [
    (
        "zendesk",
        "tickets",
        {
            "id": 22030001,
            "external_id": None,
            "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": "2026-01-12T11:33:11Z",
            "type": "question",
            "subject": "Password reset email never arrives",
            "raw_subject": "Password reset email never arrives",
            "description": "Hi, password reset email never arrives. Can you help?",
            "recipient": "support@csops-demo.test",
            "requester_id": 362000006,
            "submitter_id": 362000006,
            "organization_id": None,
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "forum_topic_id": None,
            "problem_id": None,
            "has_incidents": False,
            "is_public": True,
            "due_at": None,
            "custom_fields": [],
            "sharing_agreement_ids": [],
            "brand_id": 360000001,
            "allow_channelback": False,
            "allow_attachments": True,
            "from_messaging_channel": False,
            "updated_at": "2026-01-18T09:00:00Z",
            "generated_timestamp": 1768726800,
            "status": "closed",
            "priority": "normal",
            "group_id": 360000101,
            "assignee_id": 361000002,
            "tags": ["password_reset", "emea", "auto_solved"],
            "satisfaction_rating": {
                "id": 220300011,
                "score": "bad",
                "comment": "Took far too long.",
            },
        },
        {},
        {
            "id": 22030001,
            "created_at": datetime.datetime(2026, 1, 12, 11, 33, 11, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2026, 1, 18, 9, 0, tzinfo=datetime.UTC),
            "status": "closed",
            "priority": "normal",
            "channel": "email",
            "group_id": 360000101,
            "assignee_id": 361000002,
            "requester_id": 362000006,
            "submitter_id": 362000006,
            "organization_id": None,
            "tags": ["password_reset", "emea", "auto_solved"],
            "satisfaction_score": "bad",
            "is_public": True,
        },
        [
            [
                "field id should be an integer, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                "field status should be a string, got dict",
                "field priority should be a string, got dict",
                "field group_id should be an integer, got dict",
                "field assignee_id should be an integer, got dict",
                "field tags should be a list of strings, got list",
                "field satisfaction_rating.score should be a string, got dict",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "field id should be an integer, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                "field status should be a string, got dict",
                "field priority should be a string, got dict",
                "field group_id should be an integer, got dict",
                "field assignee_id should be an integer, got dict",
                "field tags should be a list of strings, got dict",
                "field satisfaction_rating.score should be a string, got dict",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "required field id is missing",
                "required field created_at is missing",
                "required field updated_at is missing",
                "required field status is missing",
                None,
            ],
            None,
        ],
    ),
    (
        "zendesk",
        "ticket_audits",
        {
            "id": 2197000401,
            "ticket_id": 21970004,
            "created_at": "2026-01-06T00:47:39Z",
            "author_id": 361000001,
            "metadata": {"system": {}, "custom": {}},
            "via": {"channel": "voice", "source": {"from": {}, "to": {}, "rel": None}},
            "events": [
                {
                    "id": 219700040101,
                    "type": "Comment",
                    "author_id": 361000001,
                    "body": "Following up.",
                    "html_body": "Following up.",
                    "plain_body": "Following up.",
                    "public": True,
                    "attachments": [],
                    "audit_id": 2197000401,
                },
                {"id": 219700040102, "type": "Create", "field_name": "status", "value": "pending"},
                {"id": 219700040103, "type": "Create", "field_name": "priority", "value": "normal"},
                {
                    "id": 219700040104,
                    "type": "Create",
                    "field_name": "group_id",
                    "value": 360000100,
                },
                {
                    "id": 219700040105,
                    "type": "Create",
                    "field_name": "assignee_id",
                    "value": 361000001,
                },
                {
                    "id": 219700040106,
                    "type": "Create",
                    "field_name": "tags",
                    "value": ["integration", "americas"],
                },
            ],
        },
        {},
        {
            "id": 2197000401,
            "ticket_id": 21970004,
            "created_at": datetime.datetime(2026, 1, 6, 0, 47, 39, tzinfo=datetime.UTC),
            "author_id": 361000001,
            "via_channel": "voice",
            "events": [
                {
                    "id": 219700040101,
                    "type": "Comment",
                    "field_name": None,
                    "value": None,
                    "previous_value": None,
                    "public": True,
                    "author_id": 361000001,
                },
                {
                    "id": 219700040102,
                    "type": "Create",
                    "field_name": "status",
                    "value": "pending",
                    "previous_value": None,
                    "public": None,
                    "author_id": None,
                },
                {
                    "id": 219700040103,
                    "type": "Create",
                    "field_name": "priority",
                    "value": "normal",
                    "previous_value": None,
                    "public": None,
                    "author_id": None,
                },
                {
                    "id": 219700040104,
                    "type": "Create",
                    "field_name": "group_id",
                    "value": "360000100",
                    "previous_value": None,
                    "public": None,
                    "author_id": None,
                },
                {
                    "id": 219700040105,
                    "type": "Create",
                    "field_name": "assignee_id",
                    "value": "361000001",
                    "previous_value": None,
                    "public": None,
                    "author_id": None,
                },
                {
                    "id": 219700040106,
                    "type": "Create",
                    "field_name": "tags",
                    "value": '["integration","americas"]',
                    "previous_value": None,
                    "public": None,
                    "author_id": None,
                },
            ],
        },
        [
            [
                "field id should be an integer, got dict",
                "field type should be a string, got dict",
                "field public should be a boolean, got dict",
                "field id should be an integer, got dict",
                "field type should be a string, got dict",
                "field id should be an integer, got dict",
                "field type should be a string, got dict",
                "field id should be an integer, got dict",
                "field type should be a string, got dict",
                "field id should be an integer, got dict",
                "field type should be a string, got dict",
                "field id should be an integer, got dict",
                "field type should be a string, got dict",
                None,
            ],
            ["field id should be an integer, got dict", None],
            ["field events should be a list of objects, got dict", None],
            [
                "field events should be a list of objects, got dict",
                "field id should be an integer, got dict",
                None,
            ],
            [
                "required field id is missing",
                "required field ticket_id is missing",
                "required field created_at is missing",
                None,
            ],
            None,
        ],
    ),
    (
        "zendesk",
        "satisfaction_ratings",
        {
            "id": 219800011,
            "ticket_id": 21980001,
            "assignee_id": 361000005,
            "group_id": 360000104,
            "requester_id": 362000009,
            "score": "good",
            "comment": "Quick and helpful, thanks!",
            "reason": None,
            "created_at": "2026-01-10T23:09:27Z",
            "updated_at": "2026-01-11T06:51:35Z",
        },
        {},
        {
            "id": 219800011,
            "ticket_id": 21980001,
            "assignee_id": 361000005,
            "group_id": 360000104,
            "requester_id": 362000009,
            "score": "good",
            "created_at": datetime.datetime(2026, 1, 10, 23, 9, 27, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2026, 1, 11, 6, 51, 35, tzinfo=datetime.UTC),
        },
        [
            [
                "field id should be an integer, got dict",
                "field ticket_id should be an integer, got dict",
                "field assignee_id should be an integer, got dict",
                "field group_id should be an integer, got dict",
                "field requester_id should be an integer, got dict",
                "field score should be a string, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "field id should be an integer, got dict",
                "field ticket_id should be an integer, got dict",
                "field assignee_id should be an integer, got dict",
                "field group_id should be an integer, got dict",
                "field requester_id should be an integer, got dict",
                "field score should be a string, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "required field id is missing",
                "required field score is missing",
                "required field updated_at is missing",
                None,
            ],
            None,
        ],
    ),
    (
        "zendesk",
        "users",
        {
            "id": 362000024,
            "name": "Ines Kowalski",
            "email": "ines.kowalski24@juniper-logistics.example",
            "role": "end-user",
            "active": True,
            "suspended": False,
            "organization_id": 363000008,
            "default_group_id": None,
            "time_zone": "Eastern Time (US & Canada)",
            "iana_time_zone": "America/New_York",
            "locale": "en-US",
            "verified": True,
            "shared": False,
            "tags": ["americas"],
            "created_at": "2025-04-13T06:05:59Z",
            "updated_at": "2025-04-13T06:05:59Z",
        },
        {},
        {
            "id": 362000024,
            "name": "Ines Kowalski",
            "email": "ines.kowalski24@juniper-logistics.example",
            "role": "end-user",
            "active": True,
            "organization_id": 363000008,
            "default_group_id": None,
            "created_at": datetime.datetime(2025, 4, 13, 6, 5, 59, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2025, 4, 13, 6, 5, 59, tzinfo=datetime.UTC),
        },
        [
            [
                "field id should be an integer, got dict",
                "field name should be a string, got dict",
                "field email should be a string, got dict",
                "field role should be a string, got dict",
                "field active should be a boolean, got dict",
                "field organization_id should be an integer, got dict",
                "field default_group_id should be an integer, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "field id should be an integer, got dict",
                "field name should be a string, got dict",
                "field email should be a string, got dict",
                "field role should be a string, got dict",
                "field active should be a boolean, got dict",
                "field organization_id should be an integer, got dict",
                "field default_group_id should be an integer, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            ["required field id is missing", "required field updated_at is missing", None],
            None,
        ],
    ),
    (
        "zendesk",
        "organizations",
        {
            "id": 363000000,
            "name": "Northwind Labs Inc.",
            "domain_names": ["northwind-labs.example"],
            "details": "",
            "notes": "Key account",
            "group_id": None,
            "shared_tickets": False,
            "shared_comments": False,
            "tags": [],
            "organization_fields": {},
            "created_at": "2025-09-04T00:00:00Z",
            "updated_at": "2026-01-04T04:08:39Z",
        },
        {},
        {
            "id": 363000000,
            "name": "Northwind Labs Inc.",
            "created_at": datetime.datetime(2025, 9, 4, 0, 0, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2026, 1, 4, 4, 8, 39, tzinfo=datetime.UTC),
        },
        [
            [
                "field id should be an integer, got dict",
                "field name should be a string, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "field id should be an integer, got dict",
                "field name should be a string, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            ["required field id is missing", "required field updated_at is missing", None],
            None,
        ],
    ),
    (
        "zendesk",
        "groups",
        {
            "id": 360000100,
            "name": "Tier 1 Americas",
            "description": "Tier 1 Americas support queue",
            "default": True,
            "deleted": False,
            "is_public": True,
            "created_at": "2025-10-03T00:00:00Z",
            "updated_at": "2025-10-03T00:00:00Z",
        },
        {},
        {
            "id": 360000100,
            "name": "Tier 1 Americas",
            "deleted": False,
            "created_at": datetime.datetime(2025, 10, 3, 0, 0, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2025, 10, 3, 0, 0, tzinfo=datetime.UTC),
        },
        [
            [
                "field id should be an integer, got dict",
                "field name should be a string, got dict",
                "field deleted should be a boolean, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "field id should be an integer, got dict",
                "field name should be a string, got dict",
                "field deleted should be a boolean, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            ["required field id is missing", None],
            None,
        ],
    ),
    (
        "zendesk",
        "schedules",
        {
            "id": 364000000,
            "name": "Americas Support",
            "time_zone": "Eastern Time (US & Canada)",
            "intervals": [
                {"start_time": 1920, "end_time": 2640},
                {"start_time": 3360, "end_time": 4080},
                {"start_time": 4800, "end_time": 5520},
                {"start_time": 6240, "end_time": 6960},
                {"start_time": 7680, "end_time": 8400},
                {"start_time": 9240, "end_time": 9600},
            ],
            "created_at": "2025-10-03T03:00:00Z",
            "updated_at": "2025-10-03T03:00:00Z",
        },
        {},
        {
            "id": 364000000,
            "name": "Americas Support",
            "time_zone": "Eastern Time (US & Canada)",
            "intervals": [
                {"start_time": 1920, "end_time": 2640},
                {"start_time": 3360, "end_time": 4080},
                {"start_time": 4800, "end_time": 5520},
                {"start_time": 6240, "end_time": 6960},
                {"start_time": 7680, "end_time": 8400},
                {"start_time": 9240, "end_time": 9600},
            ],
            "created_at": datetime.datetime(2025, 10, 3, 3, 0, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2025, 10, 3, 3, 0, tzinfo=datetime.UTC),
        },
        [
            [
                "field start_time should be an integer, got dict",
                "field end_time should be an integer, got dict",
                "field start_time should be an integer, got dict",
                "field end_time should be an integer, got dict",
                "field start_time should be an integer, got dict",
                "field end_time should be an integer, got dict",
                "field start_time should be an integer, got dict",
                "field end_time should be an integer, got dict",
                "field start_time should be an integer, got dict",
                "field end_time should be an integer, got dict",
                "field start_time should be an integer, got dict",
                "field end_time should be an integer, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            [
                "field start_time should be an integer, got dict",
                "field id should be an integer, got dict",
                None,
            ],
            [
                "field intervals should be a list of objects, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            [
                "field intervals should be a list of objects, got dict",
                "field id should be an integer, got dict",
                None,
            ],
            ["required field id is missing", None],
            None,
        ],
    ),
    (
        "zendesk",
        "holidays",
        {
            "id": 364000000001,
            "name": "Independence Day 2025",
            "start_date": "2025-07-04",
            "end_date": "2025-07-04",
        },
        {"schedule_id": 364000000},
        {
            "id": 364000000001,
            "schedule_id": 364000000,
            "name": "Independence Day 2025",
            "start_date": datetime.date(2025, 7, 4),
            "end_date": datetime.date(2025, 7, 4),
        },
        [
            [
                "field id should be an integer, got dict",
                "field name should be a string, got dict",
                "field start_date is not a YYYY-MM-DD date ({'wrong': 1})",
                "field end_date is not a YYYY-MM-DD date ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "field id should be an integer, got dict",
                "field name should be a string, got dict",
                "field start_date is not a YYYY-MM-DD date ({'wrong': 1})",
                "field end_date is not a YYYY-MM-DD date ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            ["required field id is missing", None],
            "required field schedule_id is missing",
        ],
    ),
    (
        "zendesk",
        "sla_policies",
        {
            "id": 365000001,
            "title": "Urgent and high priority",
            "description": "Urgent and high priority targets",
            "position": 1,
            "filter": {
                "all": [],
                "any": [
                    {"field": "priority", "operator": "is", "value": "urgent"},
                    {"field": "priority", "operator": "is", "value": "high"},
                ],
            },
            "policy_metrics": [
                {
                    "priority": "urgent",
                    "metric": "first_reply_time",
                    "target": 30,
                    "business_hours": False,
                },
                {
                    "priority": "urgent",
                    "metric": "next_reply_time",
                    "target": 60,
                    "business_hours": False,
                },
                {
                    "priority": "urgent",
                    "metric": "requester_wait_time",
                    "target": 480,
                    "business_hours": False,
                },
                {
                    "priority": "high",
                    "metric": "first_reply_time",
                    "target": 60,
                    "business_hours": True,
                },
                {
                    "priority": "high",
                    "metric": "next_reply_time",
                    "target": 120,
                    "business_hours": True,
                },
                {
                    "priority": "high",
                    "metric": "requester_wait_time",
                    "target": 960,
                    "business_hours": True,
                },
            ],
            "created_at": "2025-10-08T01:00:00Z",
            "updated_at": "2025-10-08T01:00:00Z",
        },
        {},
        {
            "id": 365000001,
            "title": "Urgent and high priority",
            "position": 1,
            "filter_all": [],
            "filter_any": [
                {"field": "priority", "operator": "is", "value": "urgent"},
                {"field": "priority", "operator": "is", "value": "high"},
            ],
            "policy_metrics": [
                {
                    "priority": "urgent",
                    "metric": "first_reply_time",
                    "target": 30,
                    "business_hours": False,
                },
                {
                    "priority": "urgent",
                    "metric": "next_reply_time",
                    "target": 60,
                    "business_hours": False,
                },
                {
                    "priority": "urgent",
                    "metric": "requester_wait_time",
                    "target": 480,
                    "business_hours": False,
                },
                {
                    "priority": "high",
                    "metric": "first_reply_time",
                    "target": 60,
                    "business_hours": True,
                },
                {
                    "priority": "high",
                    "metric": "next_reply_time",
                    "target": 120,
                    "business_hours": True,
                },
                {
                    "priority": "high",
                    "metric": "requester_wait_time",
                    "target": 960,
                    "business_hours": True,
                },
            ],
            "created_at": datetime.datetime(2025, 10, 8, 1, 0, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2025, 10, 8, 1, 0, tzinfo=datetime.UTC),
        },
        [
            [
                "field priority should be a string, got dict",
                "field metric should be a string, got dict",
                "field target should be an integer, got dict",
                "field business_hours should be a boolean, got dict",
                "field priority should be a string, got dict",
                "field metric should be a string, got dict",
                "field target should be an integer, got dict",
                "field business_hours should be a boolean, got dict",
                "field priority should be a string, got dict",
                "field metric should be a string, got dict",
                "field target should be an integer, got dict",
                "field business_hours should be a boolean, got dict",
                "field priority should be a string, got dict",
                "field metric should be a string, got dict",
                "field target should be an integer, got dict",
                "field business_hours should be a boolean, got dict",
                "field priority should be a string, got dict",
                "field metric should be a string, got dict",
                "field target should be an integer, got dict",
                "field business_hours should be a boolean, got dict",
                "field priority should be a string, got dict",
                "field metric should be a string, got dict",
                "field target should be an integer, got dict",
                "field business_hours should be a boolean, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            [
                "field priority should be a string, got dict",
                "field id should be an integer, got dict",
                None,
            ],
            [
                "field policy_metrics should be a list of objects, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                None,
            ],
            [
                "field policy_metrics should be a list of objects, got dict",
                "field id should be an integer, got dict",
                None,
            ],
            ["required field id is missing", None],
            None,
        ],
    ),
    (
        "intercom",
        "conversations",
        {
            "type": "conversation",
            "id": "100022000001",
            "title": None,
            "created_at": 1767957433,
            "priority": "not_priority",
            "tags": {"type": "tag.list", "tags": []},
            "source": {
                "type": "conversation",
                "id": "100022000008",
                "delivered_as": "customer_initiated",
                "subject": "",
                "body": "<p>Hi! I need some help with my account.</p>",
                "author": {
                    "type": "user",
                    "id": "0871fac4f35340fa7b42479e",
                    "name": "Tariq Dubois",
                    "email": "tariq.dubois25@harbor-media.example",
                },
                "attachments": [],
                "url": None,
                "redacted": False,
            },
            "contacts": {
                "type": "contact.list",
                "contacts": [
                    {"type": "contact", "id": "0871fac4f35340fa7b42479e", "external_id": None}
                ],
            },
            "teammates": {"type": "admin.list", "admins": [{"type": "admin", "id": "7200000"}]},
            "first_contact_reply": {"created_at": 1767957433, "type": "conversation", "url": None},
            "ai_agent_participated": True,
            "updated_at": 1768227933,
            "waiting_since": None,
            "snoozed_until": None,
            "open": False,
            "state": "closed",
            "read": True,
            "admin_assignee_id": 7200000,
            "team_assignee_id": "8100000",
            "conversation_rating": {
                "rating": 2,
                "remark": "",
                "created_at": 1768227933,
                "contact": {
                    "type": "contact",
                    "id": "0871fac4f35340fa7b42479e",
                    "external_id": None,
                },
                "teammate": {"type": "admin", "id": "7200000"},
            },
            "statistics": {
                "type": "conversation_statistics",
                "first_admin_reply_at": 1767964118,
                "last_admin_reply_at": 1768222845,
                "last_contact_reply_at": 1768206755,
                "first_close_at": 1768059201,
                "last_close_at": 1768224409,
                "count_conversation_parts": 17,
            },
            "conversation_parts": {
                "type": "conversation_part.list",
                "conversation_parts": [
                    {
                        "type": "conversation_part",
                        "id": "100022000001001",
                        "part_type": "comment",
                        "body": "<p>xxxxx</p>",
                        "created_at": 1767957439,
                        "updated_at": 1767957439,
                        "notified_at": 1767957439,
                        "assigned_to": None,
                        "author": {
                            "type": "bot",
                            "id": "6100001",
                            "name": "Fin",
                            "email": "operator+csops@intercom.io",
                        },
                        "attachments": [],
                        "external_id": None,
                        "redacted": False,
                    },
                    {
                        "type": "conversation_part",
                        "id": "100022000001003",
                        "part_type": "assignment",
                        "body": None,
                        "created_at": 1767957480,
                        "updated_at": 1767957480,
                        "notified_at": 1767957480,
                        "assigned_to": {"type": "team", "id": "8100000"},
                        "author": {
                            "type": "bot",
                            "id": "6100001",
                            "name": "Fin",
                            "email": "operator+csops@intercom.io",
                        },
                        "attachments": [],
                        "external_id": None,
                        "redacted": False,
                    },
                    {
                        "type": "conversation_part",
                        "id": "100022000001006",
                        "part_type": "note",
                        "body": "<p>xxxxx</p>",
                        "created_at": 1767964178,
                        "updated_at": 1767964178,
                        "notified_at": 1767964178,
                        "assigned_to": None,
                        "author": {
                            "type": "admin",
                            "id": "7200000",
                            "name": "Samuel Novak",
                            "email": "samuel.novak.0@support.csops-demo.test",
                        },
                        "attachments": [],
                        "external_id": None,
                        "redacted": False,
                    },
                    {
                        "type": "conversation_part",
                        "id": "100022000001011",
                        "part_type": "snoozed",
                        "body": None,
                        "created_at": 1767964777,
                        "updated_at": 1767964777,
                        "notified_at": 1767964777,
                        "assigned_to": None,
                        "author": {
                            "type": "admin",
                            "id": "7200000",
                            "name": "Samuel Novak",
                            "email": "samuel.novak.0@support.csops-demo.test",
                        },
                        "attachments": [],
                        "external_id": None,
                        "redacted": False,
                    },
                    {
                        "type": "conversation_part",
                        "id": "100022000001014",
                        "part_type": "close",
                        "body": "<p>xxxxx</p>",
                        "created_at": 1768059201,
                        "updated_at": 1768059201,
                        "notified_at": 1768059201,
                        "assigned_to": None,
                        "author": {
                            "type": "admin",
                            "id": "7200000",
                            "name": "Samuel Novak",
                            "email": "samuel.novak.0@support.csops-demo.test",
                        },
                        "attachments": [],
                        "external_id": None,
                        "redacted": False,
                    },
                ],
                "total_count": 5,
            },
            "ai_agent": {
                "source_type": "workflow",
                "source_title": "Fin answers",
                "last_answer_type": "ai_answer",
                "resolution_state": "routed_to_team",
                "rating": None,
                "rating_remark": None,
            },
        },
        {},
        {
            "id": "100022000001",
            "created_at": datetime.datetime(2026, 1, 9, 11, 17, 13, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2026, 1, 12, 14, 25, 33, tzinfo=datetime.UTC),
            "state": "closed",
            "open": False,
            "admin_assignee_id": "7200000",
            "team_assignee_id": "8100000",
            "source_type": "conversation",
            "source_delivered_as": "customer_initiated",
            "source_author_type": "user",
            "source_author_id": "0871fac4f35340fa7b42479e",
            "source_author_email": "tariq.dubois25@harbor-media.example",
            "contact_id": "0871fac4f35340fa7b42479e",
            "rating": 2,
            "rating_created_at": datetime.datetime(2026, 1, 12, 14, 25, 33, tzinfo=datetime.UTC),
            "rating_teammate_id": "7200000",
            "ai_agent_participated": True,
            "ai_agent_resolution_state": "routed_to_team",
            "sla_name": None,
            "sla_status": None,
            "parts": [
                {
                    "id": "100022000001001",
                    "part_type": "comment",
                    "author_type": "bot",
                    "author_id": "6100001",
                    "created_at": datetime.datetime(2026, 1, 9, 11, 17, 19, tzinfo=datetime.UTC),
                    "has_body": True,
                    "assigned_to_type": None,
                    "assigned_to_id": None,
                },
                {
                    "id": "100022000001003",
                    "part_type": "assignment",
                    "author_type": "bot",
                    "author_id": "6100001",
                    "created_at": datetime.datetime(2026, 1, 9, 11, 18, tzinfo=datetime.UTC),
                    "has_body": False,
                    "assigned_to_type": "team",
                    "assigned_to_id": "8100000",
                },
                {
                    "id": "100022000001006",
                    "part_type": "note",
                    "author_type": "admin",
                    "author_id": "7200000",
                    "created_at": datetime.datetime(2026, 1, 9, 13, 9, 38, tzinfo=datetime.UTC),
                    "has_body": True,
                    "assigned_to_type": None,
                    "assigned_to_id": None,
                },
                {
                    "id": "100022000001011",
                    "part_type": "snoozed",
                    "author_type": "admin",
                    "author_id": "7200000",
                    "created_at": datetime.datetime(2026, 1, 9, 13, 19, 37, tzinfo=datetime.UTC),
                    "has_body": False,
                    "assigned_to_type": None,
                    "assigned_to_id": None,
                },
                {
                    "id": "100022000001014",
                    "part_type": "close",
                    "author_type": "admin",
                    "author_id": "7200000",
                    "created_at": datetime.datetime(2026, 1, 10, 15, 33, 21, tzinfo=datetime.UTC),
                    "has_body": True,
                    "assigned_to_type": None,
                    "assigned_to_id": None,
                },
            ],
        },
        [
            [
                "field id should be a string or integer id, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                "field state should be a string, got dict",
                "field admin_assignee_id should be a string or integer id, got dict",
                "field team_assignee_id should be a string or integer id, got dict",
                "field conversation_rating.rating should be an integer, got dict",
                "field conversation_rating.created_at is not a timestamp ({'wrong': 1})",
                "field conversation_rating.teammate.id should be a string or integer id, got dict",
                "field ai_agent.resolution_state should be a string, got dict",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            [
                "field contacts.contacts should be a list of objects, got dict",
                "field updated_at is not a timestamp ({'wrong': 1})",
                "field state should be a string, got dict",
                "field admin_assignee_id should be a string or integer id, got dict",
                "field team_assignee_id should be a string or integer id, got dict",
                "field conversation_rating.rating should be an integer, got dict",
                "field conversation_rating.created_at is not a timestamp ({'wrong': 1})",
                "field conversation_rating.teammate.id should be a string or integer id, got dict",
                "field ai_agent.resolution_state should be a string, got dict",
                None,
            ],
            [
                "field contacts.contacts should be a list of objects, got dict",
                "field id should be a string or integer id, got dict",
                None,
            ],
            [
                "required field id is missing",
                "required field created_at is missing",
                "required field updated_at is missing",
                None,
            ],
            None,
        ],
    ),
    (
        "intercom",
        "admins",
        {
            "type": "admin",
            "id": "7200001",
            "name": "Nora Fischer",
            "email": "nora.fischer.1@support.csops-demo.test",
            "job_title": "Support specialist",
            "away_mode_enabled": True,
            "away_mode_reassign": False,
            "has_inbox_seat": False,
            "team_ids": [8100000],
        },
        {},
        {
            "id": "7200001",
            "name": "Nora Fischer",
            "email": "nora.fischer.1@support.csops-demo.test",
            "type": "admin",
            "team_ids": ["8100000"],
        },
        [
            [
                "field id should be a string or integer id, got dict",
                "field name should be a string, got dict",
                "field email should be a string, got dict",
                "field team_ids should be a list of ids, got list",
                None,
            ],
            [
                "field id should be a string or integer id, got dict",
                "field type should be a string, got dict",
                None,
            ],
            [
                "field id should be a string or integer id, got dict",
                "field name should be a string, got dict",
                "field email should be a string, got dict",
                "field team_ids should be a list of ids, got dict",
                None,
            ],
            [
                "field id should be a string or integer id, got dict",
                "field type should be a string, got dict",
                None,
            ],
            ["required field id is missing", None],
            None,
        ],
    ),
    (
        "intercom",
        "teams",
        {
            "type": "team",
            "id": "8100000",
            "name": "Tier 1 Americas",
            "admin_ids": [7200000, 7200001],
        },
        {},
        {"id": "8100000", "name": "Tier 1 Americas", "admin_ids": ["7200000", "7200001"]},
        [
            [
                "field id should be a string or integer id, got dict",
                "field name should be a string, got dict",
                "field admin_ids should be a list of ids, got list",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            [
                "field id should be a string or integer id, got dict",
                "field name should be a string, got dict",
                "field admin_ids should be a list of ids, got dict",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            ["required field id is missing", None],
            None,
        ],
    ),
    (
        "typeform",
        "forms",
        {
            "id": "BxZYc7V4",
            "type": "form",
            "title": "Relationship NPS",
            "created_at": "2025-10-13T00:00:00Z",
            "last_updated_at": "2025-10-13T00:00:00Z",
            "settings": {"language": "en", "is_public": True, "show_progress_bar": True},
            "hidden": ["ticket_id", "conversation_id", "email"],
            "fields": [
                {
                    "id": "ede66e4e2f35",
                    "ref": "nps",
                    "type": "opinion_scale",
                    "title": "How likely are you to recommend us to a friend or colleague?",
                    "properties": {
                        "steps": 11,
                        "start_at_one": False,
                        "labels": {"left": "Not likely", "right": "Very likely"},
                    },
                    "validations": {"required": True},
                },
                {
                    "id": "96a24929da6b",
                    "ref": "ces",
                    "type": "opinion_scale",
                    "title": "The company made it easy for me to handle my issue.",
                    "properties": {
                        "steps": 7,
                        "start_at_one": True,
                        "labels": {"left": "Strongly disagree", "right": "Strongly agree"},
                    },
                    "validations": {"required": True},
                },
            ],
        },
        {},
        {
            "id": "BxZYc7V4",
            "title": "Relationship NPS",
            "fields": [
                {
                    "id": "ede66e4e2f35",
                    "ref": "nps",
                    "type": "opinion_scale",
                    "title": "How likely are you to recommend us to a friend or colleague?",
                },
                {
                    "id": "96a24929da6b",
                    "ref": "ces",
                    "type": "opinion_scale",
                    "title": "The company made it easy for me to handle my issue.",
                },
            ],
        },
        [
            [
                "field id should be a string or integer id, got dict",
                "field ref should be a string, got dict",
                "field type should be a string, got dict",
                "field title should be a string, got dict",
                "field id should be a string or integer id, got dict",
                "field ref should be a string, got dict",
                "field type should be a string, got dict",
                "field title should be a string, got dict",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            ["field fields should be a list of objects, got dict", None],
            [
                "field fields should be a list of objects, got dict",
                "field id should be a string or integer id, got dict",
                None,
            ],
            ["required field id is missing", None],
            None,
        ],
    ),
    (
        "typeform",
        "responses",
        {
            "landing_id": "07b187b935c0200b9d238b92c46f8594",
            "token": "07b187b935c0200b9d238b92c46f8594",
            "response_id": "07b187b935c0200b9d238b92c46f8594",
            "response_type": "completed",
            "landed_at": "2026-01-15T21:56:21Z",
            "submitted_at": "2026-01-15T21:58:03Z",
            "metadata": {
                "user_agent": "Mozilla/5.0 (csops simulator)",
                "platform": "other",
                "referer": "https://csops-demo.typeform.com/to/BxZYc7V4",
                "network_id": "07b187b935",
                "browser": "default",
            },
            "hidden": {
                "email": "ava.okafor14@lumen-systems.example",
                "conversation_id": "100022050001",
            },
            "calculated": {"score": 0},
            "variables": [],
            "answers": [
                {
                    "field": {"id": "ede66e4e2f35", "type": "opinion_scale", "ref": "nps"},
                    "type": "number",
                    "number": 10,
                },
                {
                    "field": {"id": "96a24929da6b", "type": "opinion_scale", "ref": "ces"},
                    "type": "number",
                    "number": 5,
                },
            ],
        },
        {"form_id": "BxZYc7V4"},
        {
            "response_id": "07b187b935c0200b9d238b92c46f8594",
            "form_id": "BxZYc7V4",
            "landed_at": datetime.datetime(2026, 1, 15, 21, 56, 21, tzinfo=datetime.UTC),
            "submitted_at": datetime.datetime(2026, 1, 15, 21, 58, 3, tzinfo=datetime.UTC),
            "hidden_ticket_id": None,
            "hidden_conversation_id": "100022050001",
            "hidden_email": "ava.okafor14@lumen-systems.example",
            "answers": [
                {
                    "field_id": "ede66e4e2f35",
                    "field_ref": "nps",
                    "field_type": "opinion_scale",
                    "type": "number",
                    "number": 10.0,
                    "text": None,
                    "boolean": None,
                    "choice_label": None,
                },
                {
                    "field_id": "96a24929da6b",
                    "field_ref": "ces",
                    "field_type": "opinion_scale",
                    "type": "number",
                    "number": 5.0,
                    "text": None,
                    "boolean": None,
                    "choice_label": None,
                },
            ],
        },
        [
            [
                "field id should be a string or integer id, got dict",
                "field landed_at is not a timestamp ({'wrong': 1})",
                "field submitted_at is not a timestamp ({'wrong': 1})",
                "field hidden.email should be a string, got dict",
                "field type should be a string, got dict",
                "field number should be a number, got dict",
                "field type should be a string, got dict",
                "field number should be a number, got dict",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            [
                "field id should be a string or integer id, got dict",
                "field landed_at is not a timestamp ({'wrong': 1})",
                "field submitted_at is not a timestamp ({'wrong': 1})",
                "field hidden.email should be a string, got dict",
                "field answers should be a list of objects, got dict",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            ["required field id is missing", "required field submitted_at is missing", None],
            "required field form_id is missing (no form in the context)",
        ],
    ),
    (
        "typeform",
        "responses",
        {
            "token": "tok1",
            "landed_at": "2026-03-02T10:00:00Z",
            "submitted_at": "2026-03-02T10:01:00Z",
            "hidden": {"ticket_id": 123, "conversation_id": "c9", "email": "a@x.io"},
            "answers": [
                {
                    "field": {"id": "f1", "ref": "why", "type": "long_text"},
                    "type": "text",
                    "text": "slow",
                },
                {
                    "field": {"id": "f2", "ref": "pick", "type": "multiple_choice"},
                    "type": "choice",
                    "choice": {"label": "A"},
                },
                {
                    "field": {"id": "f3", "ref": "many", "type": "multiple_choice"},
                    "type": "choices",
                    "choices": {"labels": ["A", "B"]},
                },
                {
                    "field": {"id": 4, "ref": "ok", "type": "yes_no"},
                    "type": "boolean",
                    "boolean": True,
                },
                {
                    "field": {"id": "f5", "ref": "when", "type": "date"},
                    "type": "date",
                    "date": "2026-03-01",
                },
                {
                    "field": {"id": "f6", "ref": "n", "type": "number"},
                    "type": "number",
                    "number": 3,
                },
            ],
        },
        {"form_id": "formA"},
        {
            "response_id": "tok1",
            "form_id": "formA",
            "landed_at": datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC),
            "submitted_at": datetime.datetime(2026, 3, 2, 10, 1, tzinfo=datetime.UTC),
            "hidden_ticket_id": "123",
            "hidden_conversation_id": "c9",
            "hidden_email": "a@x.io",
            "answers": [
                {
                    "field_id": "f1",
                    "field_ref": "why",
                    "field_type": "long_text",
                    "type": "text",
                    "number": None,
                    "text": "slow",
                    "boolean": None,
                    "choice_label": None,
                },
                {
                    "field_id": "f2",
                    "field_ref": "pick",
                    "field_type": "multiple_choice",
                    "type": "choice",
                    "number": None,
                    "text": None,
                    "boolean": None,
                    "choice_label": "A",
                },
                {
                    "field_id": "f3",
                    "field_ref": "many",
                    "field_type": "multiple_choice",
                    "type": "choices",
                    "number": None,
                    "text": None,
                    "boolean": None,
                    "choice_label": '["A","B"]',
                },
                {
                    "field_id": "4",
                    "field_ref": "ok",
                    "field_type": "yes_no",
                    "type": "boolean",
                    "number": None,
                    "text": None,
                    "boolean": True,
                    "choice_label": None,
                },
                {
                    "field_id": "f5",
                    "field_ref": "when",
                    "field_type": "date",
                    "type": "date",
                    "number": None,
                    "text": "2026-03-01",
                    "boolean": None,
                    "choice_label": None,
                },
                {
                    "field_id": "f6",
                    "field_ref": "n",
                    "field_type": "number",
                    "type": "number",
                    "number": 3.0,
                    "text": None,
                    "boolean": None,
                    "choice_label": None,
                },
            ],
        },
        [
            [
                "field id should be a string or integer id, got dict",
                "field landed_at is not a timestamp ({'wrong': 1})",
                "field submitted_at is not a timestamp ({'wrong': 1})",
                "field hidden.email should be a string, got dict",
                "field type should be a string, got dict",
                "field choice.label should be a string, got dict",
                "field type should be a string, got dict",
                "field boolean should be a boolean, got dict",
                "field type should be a string, got dict",
                "field number should be a number, got dict",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            [
                "field id should be a string or integer id, got dict",
                "field landed_at is not a timestamp ({'wrong': 1})",
                "field submitted_at is not a timestamp ({'wrong': 1})",
                "field hidden.email should be a string, got dict",
                "field answers should be a list of objects, got dict",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            ["required field id is missing", "required field submitted_at is missing", None],
            "required field form_id is missing (no form in the context)",
        ],
    ),
    (
        "zendesk",
        "holidays",
        {
            "id": 9,
            "schedule_id": 6,
            "name": "May Day",
            "start_date": "2026-05-01",
            "end_date": "2026-05-01",
        },
        {},
        {
            "id": 9,
            "schedule_id": 6,
            "name": "May Day",
            "start_date": datetime.date(2026, 5, 1),
            "end_date": datetime.date(2026, 5, 1),
        },
        [
            [
                "field id should be an integer, got dict",
                "field schedule_id should be an integer, got dict",
                "field name should be a string, got dict",
                "field start_date is not a YYYY-MM-DD date ({'wrong': 1})",
                "field end_date is not a YYYY-MM-DD date ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            [
                "field id should be an integer, got dict",
                "field schedule_id should be an integer, got dict",
                "field name should be a string, got dict",
                "field start_date is not a YYYY-MM-DD date ({'wrong': 1})",
                "field end_date is not a YYYY-MM-DD date ({'wrong': 1})",
                None,
            ],
            ["field id should be an integer, got dict", None],
            ["required field id is missing", "required field schedule_id is missing", None],
            None,
        ],
    ),
    (
        "intercom",
        "conversations",
        {
            "id": 123,
            "created_at": 1772409600,
            "updated_at": 1772413200,
            "admin_assignee_id": 42,
            "contacts": {"contacts": [{"id": "ct1"}, {"id": "ct2"}]},
            "conversation_rating": {"rating": 4, "created_at": 1772413000, "teammate": {"id": 42}},
            "conversation_parts": {
                "conversation_parts": [
                    {
                        "id": "p1",
                        "part_type": "comment",
                        "body": "   ",
                        "created_at": 1772410000,
                        "author": {"type": "admin", "id": 42},
                        "assigned_to": None,
                    },
                    {
                        "id": 2,
                        "part_type": "assignment",
                        "body": None,
                        "author": {"type": "bot"},
                        "assigned_to": {"type": "team", "id": 7},
                    },
                ]
            },
        },
        {},
        {
            "id": "123",
            "created_at": datetime.datetime(2026, 3, 2, 0, 0, tzinfo=datetime.UTC),
            "updated_at": datetime.datetime(2026, 3, 2, 1, 0, tzinfo=datetime.UTC),
            "state": None,
            "open": None,
            "admin_assignee_id": "42",
            "team_assignee_id": None,
            "source_type": None,
            "source_delivered_as": None,
            "source_author_type": None,
            "source_author_id": None,
            "source_author_email": None,
            "contact_id": "ct1",
            "rating": 4,
            "rating_created_at": datetime.datetime(2026, 3, 2, 0, 56, 40, tzinfo=datetime.UTC),
            "rating_teammate_id": "42",
            "ai_agent_participated": None,
            "ai_agent_resolution_state": None,
            "sla_name": None,
            "sla_status": None,
            "parts": [
                {
                    "id": "p1",
                    "part_type": "comment",
                    "author_type": "admin",
                    "author_id": "42",
                    "created_at": datetime.datetime(2026, 3, 2, 0, 6, 40, tzinfo=datetime.UTC),
                    "has_body": False,
                    "assigned_to_type": None,
                    "assigned_to_id": None,
                },
                {
                    "id": "2",
                    "part_type": "assignment",
                    "author_type": "bot",
                    "author_id": None,
                    "created_at": None,
                    "has_body": False,
                    "assigned_to_type": "team",
                    "assigned_to_id": "7",
                },
            ],
        },
        [
            [
                "field id should be a string or integer id, got dict",
                "field created_at is not a timestamp ({'wrong': 1})",
                "field updated_at is not a timestamp ({'wrong': 1})",
                "field admin_assignee_id should be a string or integer id, got dict",
                "field id should be a string or integer id, got dict",
                "field conversation_rating.rating should be an integer, got dict",
                "field conversation_rating.created_at is not a timestamp ({'wrong': 1})",
                "field conversation_rating.teammate.id should be a string or integer id, got dict",
                "field id should be a string or integer id, got dict",
                "field part_type should be a string, got dict",
                "field author.type should be a string, got dict",
                "field author.id should be a string or integer id, got dict",
                "field id should be a string or integer id, got dict",
                "field part_type should be a string, got dict",
                "field author.type should be a string, got dict",
                "field assigned_to.type should be a string, got dict",
                "field assigned_to.id should be a string or integer id, got dict",
                None,
            ],
            ["field id should be a string or integer id, got dict", None],
            [
                "field contacts.contacts should be a list of objects, got dict",
                "field conversation_rating.rating should be an integer, got dict",
                "field conversation_rating.created_at is not a timestamp ({'wrong': 1})",
                "field conversation_rating.teammate.id should be a string or integer id, got dict",
                "field conversation_parts.conversation_parts should be a list of objects, got dict",
                None,
            ],
            [
                "field contacts.contacts should be a list of objects, got dict",
                "field id should be a string or integer id, got dict",
                None,
            ],
            [
                "required field id is missing",
                "required field created_at is missing",
                "required field updated_at is missing",
                None,
            ],
            None,
        ],
    ),
    (
        "zendesk",
        "ticket_audits",
        {
            "id": 1,
            "ticket_id": 2,
            "created_at": "2026-03-02T10:00:00Z",
            "events": [
                {
                    "id": 3,
                    "type": "Change",
                    "field_name": "tags",
                    "value": ["a"],
                    "previous_value": 5,
                    "public": False,
                    "author_id": 9,
                }
            ],
        },
        {},
        {
            "id": 1,
            "ticket_id": 2,
            "created_at": datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC),
            "author_id": None,
            "via_channel": None,
            "events": [
                {
                    "id": 3,
                    "type": "Change",
                    "field_name": "tags",
                    "value": '["a"]',
                    "previous_value": "5",
                    "public": False,
                    "author_id": 9,
                }
            ],
        },
        [
            [
                "field id should be an integer, got dict",
                "field type should be a string, got dict",
                "field public should be a boolean, got dict",
                "field author_id should be an integer, got dict",
                None,
            ],
            ["field id should be an integer, got dict", None],
            ["field events should be a list of objects, got dict", None],
            [
                "field events should be a list of objects, got dict",
                "field id should be an integer, got dict",
                None,
            ],
            [
                "required field id is missing",
                "required field ticket_id is missing",
                "required field created_at is missing",
                None,
            ],
            None,
        ],
    ),
]


def _rejection(source: str, stream: str, record: Any, context: dict) -> str | None:
    try:
        parse_record(source, stream, record, context)
    except RecordRejected as exc:
        return exc.reason
    return None


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    """Every scalar's path in a JSON value, in document order."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def _outer(value: Any, path: tuple = ()) -> list[tuple]:
    """The paths of every outermost list and every scalar outside lists, in document order."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _outer(v, (*path, k))]
    return [path]


def _set(value: Any, path: tuple, new: Any) -> None:
    for step in path[:-1]:
        value = value[step]
    value[path[-1]] = new


def _rejections(source: str, stream: str, record: dict, context: dict) -> list:
    """The reasons seen while a record goes from all-wrong back to valid, one field at a time.

    Every scalar (then, separately, every outermost list and the scalars outside lists) is
    first replaced by a value of the wrong type, and every key removed; restoring them one by one, forwards and backwards, walks through the fields in
    the order the parser checks them, so the sequence pins both the reasons and that order.
    """
    seen: list = []
    for paths in (_leaves(record), _outer(record)):
        seen.extend(_restoring(source, stream, record, context, paths))
    keys = list(record)
    reasons = []
    for n in range(len(keys) + 1):
        partial = {k: record[k] for k in keys[:n]}
        reasons.append(_rejection(source, stream, partial, context))
    seen.append([r for i, r in enumerate(reasons) if i == 0 or r != reasons[i - 1]])
    seen.append(_rejection(source, stream, record, {}))
    return seen


def _restoring(source: str, stream: str, record: dict, context: dict, paths: list) -> list:
    sequences = []
    for order in (paths, paths[::-1]):
        broken = copy.deepcopy(record)
        for path in order:
            _set(broken, path, {"wrong": 1})
        reasons = [_rejection(source, stream, broken, context)]
        for path in order:
            original = copy.deepcopy(record)
            for step in path:
                original = original[step]
            _set(broken, path, original)
            reasons.append(_rejection(source, stream, broken, context))
        sequences.append([r for i, r in enumerate(reasons) if i == 0 or r != reasons[i - 1]])
    return sequences


def test_every_stream_is_pinned():
    assert list(COLUMNS) == list(STREAMS) == list(SCHEMA_SHA256) == list(KEYS)
    assert {(s, t) for s, t, *_ in CASES} == set(STREAMS)


@pytest.mark.parametrize("key", list(STREAMS), ids="/".join)
def test_arrow_schema_is_unchanged(key):
    spec = stream_schema(*key)
    assert [(f.name, str(f.type), f.nullable) for f in spec.typed] == COLUMNS[key]
    assert spec.typed.metadata is None
    assert hashlib.sha256(spec.schema.serialize().to_pybytes()).hexdigest() == SCHEMA_SHA256[key]
    assert (spec.id_column, spec.updated_column) == KEYS[key]


def _check_struct_keys(value: Any, kind) -> None:
    """Parsed nested values have exactly the struct fields of their Arrow type, in order."""
    if value is None:
        return
    if hasattr(kind, "value_type"):  # a list
        for item in value:
            _check_struct_keys(item, kind.value_type)
    elif kind.num_fields and hasattr(kind, "field"):  # a struct
        assert list(value) == [kind.field(i).name for i in range(kind.num_fields)]
        for i in range(kind.num_fields):
            _check_struct_keys(value[kind.field(i).name], kind.field(i).type)


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}/{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_parsed_row_and_rejections_are_unchanged(case):
    source, stream, record, context, expected, rejections = case
    row = parse_record(source, stream, copy.deepcopy(record), context)
    assert row == expected
    # the same Python types too (an int is not a float, a str id is not an int)
    assert repr(row) == repr(expected)
    assert _rejections(source, stream, record, context) == rejections


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}/{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_parser_keys_match_the_arrow_schema(case):
    source, stream, record, context, *_ = case
    spec = stream_schema(source, stream)
    row = parse_record(source, stream, copy.deepcopy(record), context)
    assert list(row) == spec.typed.names
    for field in spec.typed:
        _check_struct_keys(row[field.name], field.type)


# Records where the parser checks fields in another order than the columns' (nested lists
# first, the context, a record-wide check): the reason of the first check must not change.
ORDER_CASES = [
    (
        "typeform",
        "responses",
        {
            "token": "t",
            "submitted_at": "2026-03-02T10:00:00Z",
            "answers": [{"field": {"id": True}, "type": "choice", "choice": {"label": 5}}],
        },
        {"form_id": "f"},
        "field choice.label should be a string, got int",
    ),
    (
        "typeform",
        "responses",
        {
            "token": "t",
            "submitted_at": "2026-03-02T10:00:00Z",
            "answers": [{"field": {"id": True}, "type": 5, "choice": {"label": 5}}],
        },
        {"form_id": "f"},
        "field type should be a string, got int",
    ),
    (
        "typeform",
        "responses",
        {
            "token": "t",
            "submitted_at": "2026-03-02T10:00:00Z",
            "answers": [{"type": "text", "text": 5, "number": "x"}],
        },
        {"form_id": "f"},
        "field number should be a number, got str",
    ),
    (
        "typeform",
        "responses",
        {"token": 1.5, "answers": "x"},
        {},
        "required field form_id is missing (no form in the context)",
    ),
    (
        "typeform",
        "responses",
        {"token": 1.5, "answers": "x"},
        {"form_id": "f"},
        "field id should be a string or integer id, got float",
    ),
    (
        "typeform",
        "responses",
        {"response_id": "r", "submitted_at": "2026-03-02T10:00:00Z"},
        {"form_id": True},
        "field id should be a string or integer id, got bool",
    ),
    (
        "intercom",
        "conversations",
        {"contacts": {"contacts": "x"}},
        {},
        "field contacts.contacts should be a list of objects, got str",
    ),
    (
        "intercom",
        "conversations",
        {
            "id": "c",
            "created_at": 1,
            "updated_at": 2,
            "state": 5,
            "contacts": {"contacts": [{"id": True}]},
        },
        {},
        "field state should be a string, got int",
    ),
    (
        "intercom",
        "conversations",
        {
            "id": "c",
            "created_at": 1,
            "updated_at": 2,
            "ai_agent_participated": 1,
            "contacts": {"contacts": [{"id": True}]},
        },
        {},
        "field id should be a string or integer id, got bool",
    ),
    (
        "intercom",
        "conversations",
        {
            "id": "c",
            "created_at": 1,
            "updated_at": 2,
            "sla_applied": {"sla_status": 1},
            "conversation_parts": {"conversation_parts": [{"id": 1.5}]},
        },
        {},
        "field sla_applied.sla_status should be a string, got int",
    ),
    (
        "zendesk",
        "sla_policies",
        {"policy_metrics": [{"target": 1099511627776}]},
        {},
        "field target is out of the INTEGER range (1099511627776)",
    ),
    (
        "zendesk",
        "sla_policies",
        {"id": 1, "filter": {"all": "x"}, "updated_at": "x"},
        {},
        "field filter.all should be a list of objects, got str",
    ),
    (
        "zendesk",
        "ticket_audits",
        {"events": [{"id": "x"}]},
        {},
        "field id should be an integer, got str",
    ),
    (
        "zendesk",
        "ticket_audits",
        {"events": [{"id": 1, "type": "t", "public": 1, "author_id": "x"}]},
        {},
        "field public should be a boolean, got int",
    ),
    (
        "zendesk",
        "schedules",
        {"intervals": [{"start_time": "x"}]},
        {},
        "field start_time should be an integer, got str",
    ),
    (
        "typeform",
        "forms",
        {"fields": [{"id": True}]},
        {},
        "field id should be a string or integer id, got bool",
    ),
    (
        "zendesk",
        "holidays",
        {"id": 1, "schedule_id": 2},
        {"schedule_id": "x"},
        "field schedule_id should be an integer, got str",
    ),
    (
        "zendesk",
        "holidays",
        {"id": 1, "schedule_id": 2},
        {"schedule_id": None},
        "required field schedule_id is missing",
    ),
    (
        "zendesk",
        "holidays",
        {"id": 1, "schedule_id": 2, "start_date": "2026-13-01"},
        {},
        "field start_date is not a YYYY-MM-DD date ('2026-13-01')",
    ),
    ("zendesk", "holidays", {"schedule_id": "x"}, {}, "required field id is missing"),
    (
        "zendesk",
        "tickets",
        {"id": 1, "created_at": "2026-03-02T10:00:00Z", "updated_at": "2026-03-02T10:00:00Z"},
        {},
        "required field status is missing",
    ),
    ("zendesk", "tickets", ["not", "an", "object"], {}, "record should be a JSON object, got list"),
]


@pytest.mark.parametrize(
    "case", ORDER_CASES, ids=[f"{c[0]}/{c[1]}-{i}" for i, c in enumerate(ORDER_CASES)]
)
def test_rejection_reason_follows_the_check_order(case):
    source, stream, record, context, reason = case
    assert _rejection(source, stream, record, context) == reason
