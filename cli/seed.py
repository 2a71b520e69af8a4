"""The demo tenant: an admin, a manager, four reps, their leads with 90 days of events, outcomes
and score history (idempotent)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from auth.passwords import hash_password
from cli.demo_history import seed_history
from models import Role, Tenant, User
from models.base import utcnow
from scoring.ingest import InteractionRecord, validate_interaction
from scoring.service import ScoreService

DEMO_TENANT_ID = "acme-demo"
DEMO_TENANT_NAME = "Acme Demo"
DEMO_PASSWORD = "Leadscore-demo-1"
DEMO_USERS = (
    ("admin@acme.example", "Ada Admin", Role.ADMIN),
    ("manager@acme.example", "Max Manager", Role.MANAGER),
    ("rep1@acme.example", "Riley Rep", Role.REP),
    ("rep2@acme.example", "Sam Seller", Role.REP),
    ("rep3@acme.example", "Tara Trader", Role.REP),
    ("rep4@acme.example", "Uma Upsell", Role.REP),
)
LEADS_PER_REP = 60
_FIRST = ("Alex", "Blake", "Casey", "Dana", "Eli", "Frankie", "Gray", "Harper", "Indy", "Jules")
_LAST = ("Ng", "Okafor", "Petrov", "Quinn", "Rossi", "Silva", "Tanaka", "Ueda", "Vance", "Weber")
_COMPANIES = ("Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell")


@dataclass(frozen=True)
class SeedResult:
    """What seeding did."""

    created: bool
    users: int
    leads: int


async def seed_demo(scores: ScoreService, *, now: datetime | None = None) -> SeedResult:
    """Create the demo tenant once; a second call changes nothing."""
    if await Tenant.find_one({"_id": DEMO_TENANT_ID}) is not None:
        return SeedResult(created=False, users=0, leads=0)
    await Tenant(id=DEMO_TENANT_ID, tenant_id=DEMO_TENANT_ID, name=DEMO_TENANT_NAME).insert()
    password_hash = await hash_password(DEMO_PASSWORD)
    users = [
        User(
            id=f"demo-{email.split('@')[0]}",
            user_id=f"demo-{email.split('@')[0]}",
            tenant_id=DEMO_TENANT_ID,
            email=email,
            password_hash=password_hash,
            name=name,
            role=role,
        )
        for email, name, role in DEMO_USERS
    ]
    await User.insert_many(users)
    reps = [u.user_id for u in users if u.role == Role.REP]
    now = now or utcnow()
    records = [_identity(r) for r in demo_interactions(reps, now)]
    await scores.upsert_interactions(DEMO_TENANT_ID, records)
    await seed_history(scores, DEMO_TENANT_ID, [r.lead_id for r in records], now)
    await scores.refresh(DEMO_TENANT_ID)
    return SeedResult(created=True, users=len(users), leads=len(records))


def demo_interactions(rep_ids: list[str], now: datetime, seed: int = 42) -> list[InteractionRecord]:
    """Deterministic leads with every priority tier and a few with no data at all."""
    rng = random.Random(seed)
    records: list[InteractionRecord] = []
    for rep_index, rep_id in enumerate(rep_ids):
        for i in range(LEADS_PER_REP):
            tier = rng.random()
            records.append(_lead(rng, rep_id, rep_index * LEADS_PER_REP + i, tier, now))
    return records


def _identity(record: InteractionRecord) -> InteractionRecord:
    """The lead without counts: its activity comes from the demo events."""
    values = record.values | {"emailOpens": 0, "websiteVisits": 0, "timeSpent": 0}
    return InteractionRecord(values | {"lastActivityAt": None})


def _lead(rng: random.Random, owner: str, n: int, tier: float, now: datetime) -> InteractionRecord:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    company = rng.choice(_COMPANIES)
    if tier < 0.05:
        opens, visits, spent, days = 0, 0, 0, None
    elif tier < 0.3:
        opens, visits, spent, days = (
            rng.randint(8, 15),
            rng.randint(15, 30),
            rng.randint(400, 900),
            rng.uniform(0, 2),
        )
    elif tier < 0.65:
        opens, visits, spent, days = (
            rng.randint(3, 9),
            rng.randint(5, 18),
            rng.randint(120, 500),
            rng.uniform(0, 6),
        )
    else:
        opens, visits, spent, days = (
            rng.randint(0, 5),
            rng.randint(0, 8),
            rng.randint(0, 200),
            rng.uniform(3, 40),
        )
    outcome = validate_interaction(
        {
            "leadId": f"lead-{n:04d}",
            "leadName": f"{first} {last} ({company})",
            "leadEmail": f"{first.lower()}.{last.lower()}.{n}@{company.lower()}.example",
            "ownerId": owner,
            "emailOpens": opens,
            "websiteVisits": visits,
            "timeSpent": spent,
            "lastActivityAt": None if days is None else now - timedelta(days=days),
        }
    )
    assert isinstance(outcome, InteractionRecord)
    return outcome
