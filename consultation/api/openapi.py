"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json. A test
validates every endpoint's real answers against it."""

from consultation.agenda.models import Attribution, SessionKind, SpeakerRole
from consultation.events.models import EventStatus, PartnerRole, Region
from consultation.outcomes.models import (
    Addressee,
    CommitmentStatus,
    Priority,
    RecommendationStatus,
)


def _values(enum_class) -> list[str]:
    return [member.value for member in enum_class]


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
TEXTS_BY_LANGUAGE = {
    "type": "object",
    "description": "Texts in the other languages: language code → field → text.",
    "additionalProperties": {"type": "object", "additionalProperties": STRING},
}


def _paged(name: str, item: str) -> dict:
    return {
        "type": "object",
        "required": [name, "page", "pages", "total"],
        "properties": {
            name: {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 0},
            "total": {"type": "integer", "minimum": 0},
        },
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["status", "error", "message"],
        "properties": {"status": {"type": "integer"}, "error": STRING, "message": STRING},
    },
    "EventSummary": {
        "type": "object",
        "required": [
            "slug", "title", "series", "edition_year", "region", "city", "country", "venue",
            "start_date", "end_date", "timezone", "working_languages", "translations",
            "status", "themes", "url",
        ],
        "properties": {
            "slug": STRING,
            "title": STRING,
            "series": _nullable(STRING),
            "edition_year": {"type": "integer"},
            "region": {"enum": _values(Region)},
            "city": STRING,
            "country": {"type": "string", "description": "ISO 3166-1 alpha-2"},
            "venue": _nullable(STRING),
            "start_date": DATE,
            "end_date": DATE,
            "timezone": STRING,
            "working_languages": {"type": "array", "items": STRING},
            "translations": TEXTS_BY_LANGUAGE,
            "status": {"enum": [s for s in _values(EventStatus) if s != "draft"]},
            "themes": {"type": "array", "items": STRING},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "Person": {
        "type": "object",
        "required": ["name", "role", "title", "organisation"],
        "properties": {
            "name": STRING,
            "role": {"enum": _values(SpeakerRole)},
            "title": _nullable(STRING),
            "organisation": _nullable(STRING),
        },
    },
    "Session": {
        "type": "object",
        "required": [
            "id", "title", "kind", "starts_at", "ends_at", "room", "attribution", "themes",
            "people", "description", "translations",
        ],
        "properties": {
            "id": {"type": "integer"},
            "title": _nullable(STRING),
            "kind": {"enum": _values(SessionKind)},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "room": _nullable(STRING),
            "attribution": {"enum": _values(Attribution)},
            "themes": {"type": "array", "items": STRING},
            "people": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}},
            "description": _nullable(STRING),
            "translations": TEXTS_BY_LANGUAGE,
        },
    },
    "EventDetail": {
        "allOf": [
            {"$ref": "#/components/schemas/EventSummary"},
            {
                "type": "object",
                "required": ["summary", "description", "contact_email", "partners", "sessions"],
                "properties": {
                    "summary": _nullable(STRING),
                    "description": _nullable(STRING),
                    "contact_email": _nullable(STRING),
                    "partners": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "acronym", "role"],
                            "properties": {
                                "name": STRING,
                                "acronym": _nullable(STRING),
                                "role": {"enum": _values(PartnerRole)},
                            },
                        },
                    },
                    "sessions": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Session"},
                    },
                },
            },
        ]
    },
    "Update": {
        "type": "object",
        "required": ["reported_on", "status", "progress", "text", "language", "evidence_links"],
        "properties": {
            "reported_on": DATE,
            "status": _nullable(
                {"enum": sorted(set(_values(RecommendationStatus) + _values(CommitmentStatus)))}
            ),
            "progress": _nullable({"type": "integer", "minimum": 0, "maximum": 5}),
            "text": _nullable({"type": "string", "description": "Markdown"}),
            "language": _nullable(STRING),
            "evidence_links": {"type": "array", "items": {"type": "string", "format": "uri"}},
        },
    },
    "Series": {
        "type": "object",
        "required": ["code", "name", "url"],
        "properties": {"code": STRING, "name": STRING, "url": {"type": "string", "format": "uri"}},
    },
    "Recommendation": {
        "type": "object",
        "required": [
            "reference", "edition_year", "text", "status", "themes", "updates", "addressees",
            "other_addressee", "priority", "follows",
        ],
        "properties": {
            "reference": {"type": "string", "examples": ["MENA-2026-R04"]},
            "edition_year": {"type": "integer"},
            "text": STRING,
            "status": {"enum": _values(RecommendationStatus)},
            "themes": {"type": "array", "items": STRING},
            "updates": {"type": "array", "items": {"$ref": "#/components/schemas/Update"}},
            "addressees": {"type": "array", "items": {"enum": _values(Addressee)}},
            "other_addressee": _nullable(STRING),
            "priority": {"enum": _values(Priority)},
            "follows": {
                "type": "array",
                "items": STRING,
                "description": "References of the earlier recommendations it follows up.",
            },
        },
    },
    "Commitment": {
        "type": "object",
        "required": [
            "reference", "edition_year", "text", "status", "themes", "updates", "owner",
            "due_on", "progress",
        ],
        "properties": {
            "reference": {"type": "string", "examples": ["MENA-2026-C03"]},
            "edition_year": {"type": "integer"},
            "text": STRING,
            "status": {"enum": _values(CommitmentStatus)},
            "themes": {"type": "array", "items": STRING},
            "updates": {"type": "array", "items": {"$ref": "#/components/schemas/Update"}},
            "owner": _nullable(
                {"type": "string", "description": "Named only when its session was on record."}
            ),
            "due_on": _nullable(DATE),
            "progress": _nullable({"type": "integer", "minimum": 0, "maximum": 5}),
        },
    },
}  # fmt: skip

for kind, item in (("recommendations", "Recommendation"), ("commitments", "Commitment")):
    SCHEMAS[f"{item}Page"] = {
        "allOf": [
            _paged(kind, item),
            {
                "type": "object",
                "required": ["series"],
                "properties": {"series": {"$ref": "#/components/schemas/Series"}},
            },
        ]
    }
SCHEMAS["EventPage"] = _paged("events", "EventSummary")


def _json(schema: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


NOT_FOUND = _json("Error", "Not found")
PAGE = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}


def _follow_up_path(kind: str, item: str) -> dict:
    return {
        "get": {
            "summary": f"Published {kind} of a series, with their published updates",
            "operationId": f"series_{kind}",
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": STRING},
                {"name": "edition", "in": "query", "schema": {"type": "integer"}},
                {"name": "theme", "in": "query", "schema": STRING},
                {"name": "status", "in": "query", "schema": STRING},
                PAGE,
            ],
            "responses": {
                "200": _json(f"{item}Page", f"A page of {kind}"),
                "400": _json("Error", "A filter the series does not know"),
                "404": NOT_FOUND,
            },
        }
    }


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Consultation public API",
            "version": "1",
            "description": (
                "Published consultations, their agendas, and the follow-up of their "
                "recommendations and commitments. Read-only; no authentication."
            ),
        },
        # Relative: the API is wherever this document is served from.
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/events": {
                "get": {
                    "summary": "Published events, newest first",
                    "operationId": "event_list",
                    "parameters": [PAGE],
                    "responses": {"200": _json("EventPage", "A page of events")},
                }
            },
            "/events/{slug}": {
                "get": {
                    "summary": "A published event with its partners and agenda",
                    "operationId": "event_detail",
                    "parameters": [
                        {"name": "slug", "in": "path", "required": True, "schema": STRING}
                    ],
                    "responses": {"200": _json("EventDetail", "The event"), "404": NOT_FOUND},
                }
            },
            "/series/{code}/recommendations": _follow_up_path("recommendations", "Recommendation"),
            "/series/{code}/commitments": _follow_up_path("commitments", "Commitment"),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi_document",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
