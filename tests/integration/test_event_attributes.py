"""The attributes events carry (leadName, leadEmail, ownerId): the latest event's, in any order."""

from __future__ import annotations

from datetime import timedelta

from models import Interaction
from models.base import utcnow
from scoring.engine import ScoringConfig
from tests.conftest import graphql, register_tenant
from tests.integration.test_events import event, lead_of, post

NEW = event(
    "e-new",
    "acme",
    "email_open",
    5,
    leadName="New Name",
    ownerId="rep-2",
    leadEmail="new@acme.example",
)
OLD = event(
    "e-old",
    "acme",
    "email_open",
    1,
    leadName="Old Name",
    ownerId="rep-1",
    leadEmail="old@acme.example",
)


def attributes(lead: dict) -> tuple:
    return lead["leadName"], lead["leadEmail"], lead["ownerId"]


async def test_the_latest_event_sets_the_attributes_whatever_arrives_last(client):
    for order in ([NEW, OLD], [OLD, NEW]):
        together = await register_tenant(client)
        await post(client, together, order)  # one batch
        apart = await register_tenant(client)
        for item in order:  # one batch each: the older one may arrive last
            await post(client, apart, [item])
        for tenant in (together, apart):
            lead = await lead_of(client, tenant, "acme")
            assert attributes(lead) == ("New Name", "new@acme.example", "rep-2"), order
            assert lead["raw"]["emailOpens"] == 2  # the old event still counts


async def test_each_attribute_comes_from_the_latest_event_that_carries_it(client):
    name_late = event("a", "l", "email_open", 5, leadName="Late Name")
    email_early = event("b", "l", "email_open", 1, leadEmail="early@l.example")
    owner_early = event("c", "l", "website_visit", 2, ownerId="rep-9")
    tenant = await register_tenant(client)
    for item in (name_late, email_early, owner_early):
        await post(client, tenant, [item])
    lead = await lead_of(client, tenant, "l")
    assert attributes(lead) == ("Late Name", "early@l.example", "rep-9")


async def test_at_the_same_moment_the_greater_event_id_wins_in_any_order(client):
    low = event("evt-a", "tie", "email_open", 3, leadName="From A")
    high = event("evt-b", "tie", "email_open", 3, leadName="From B")
    for order in ([low, high], [high, low]):
        tenant = await register_tenant(client)
        for item in order:
            await post(client, tenant, [item])
        assert (await lead_of(client, tenant, "tie"))["leadName"] == "From B"


def _renaming(client, name: str):
    """A write through the API naming lead `acme` (recordInteractions), for a tenant."""

    async def rename(tenant) -> None:
        body = await graphql(
            client,
            "mutation($i: [InteractionInput!]!) { recordInteractions(input: $i) { accepted } }",
            {"i": [{"leadId": "acme", "leadName": name, "emailOpens": 1}]},
            token=tenant.token,
        )
        assert body["data"]["recordInteractions"]["accepted"] == 1

    return rename


async def test_a_write_through_the_api_is_not_undone_by_an_older_event(client):
    tenant = await register_tenant(client)
    await post(client, tenant, [NEW])
    await _renaming(client, "Set By Hand")(tenant)
    now = utcnow()
    before = {
        **NEW,
        "eventId": "e-before",
        "occurredAt": (now - timedelta(hours=1)).isoformat(),
        "leadName": "Stale",
    }
    await post(client, tenant, [before])
    lead = await lead_of(client, tenant, "acme")
    assert lead["leadName"] == "Set By Hand"  # the email and owner the mutation did not send:
    assert (lead["leadEmail"], lead["ownerId"]) == ("new@acme.example", "rep-2")
    after = {
        **NEW,
        "eventId": "e-after",
        "occurredAt": (now + timedelta(minutes=1)).isoformat(),
        "leadName": "Renamed Later",
    }
    await post(client, tenant, [after])
    assert (await lead_of(client, tenant, "acme"))["leadName"] == "Renamed Later"


async def test_what_set_the_attributes_is_stored_and_another_replica_keeps_to_it(client):
    from scoring.service import ScoreService

    tenant = await register_tenant(client)
    await post(client, tenant, [NEW])
    stored = await Interaction.get_pymongo_collection().find_one(
        {"tenantId": tenant.tenant_id, "leadId": "acme"}
    )
    assert stored["attributesAt"]["leadName"]["eventId"] == "e-new"
    other = ScoreService(ScoringConfig())  # its index is built from the database
    result = await other.record_events(tenant.tenant_id, [OLD])
    assert result.accepted == 1
    record = (await other.index(tenant.tenant_id)).get("acme")
    assert (record.name, record.email, record.owner_id, record.email_opens) == (
        "New Name",
        "new@acme.example",
        "rep-2",
        2,
    )


async def _lead_after(client, order) -> tuple:
    """A fresh tenant, the steps in order (an event list, or a callable write), the lead."""
    tenant = await register_tenant(client)
    for step in order:
        if callable(step):
            await step(tenant)
        else:
            response = await post(client, tenant, [step])
            assert response.status_code == 200, response.text
    return attributes(await lead_of(client, tenant, "acme"))


async def test_a_write_that_sets_some_attributes_leaves_the_others_to_the_events(client):
    """A write that sends only the name is no floor for the owner: the latest event carrying an
    owner gives it, whether it arrives before or after the write (QA s18 H3)."""
    now = utcnow()
    base = {**OLD, "eventId": "base", "occurredAt": (now - timedelta(days=2)).isoformat()}
    owner = {
        "eventId": "owner",
        "leadId": "acme",
        "type": "email_open",
        "occurredAt": (now - timedelta(hours=1)).isoformat(),
        "ownerId": "rep-7",
    }

    rename = _renaming(client, "Api Name")

    first = await _lead_after(client, [base, owner, rename])
    second = await _lead_after(client, [base, rename, owner])
    assert first == second == ("Api Name", "old@acme.example", "rep-7")


async def test_an_event_dated_after_a_write_wins_whichever_arrives_first(client):
    """Events may be dated up to a day ahead; one dated after a write is the later word on the
    attributes it carries, in both orders of arrival (QA s18 M1)."""
    ahead = {
        "eventId": "ahead",
        "leadId": "acme",
        "type": "email_open",
        "occurredAt": (utcnow() + timedelta(hours=3)).isoformat(),
        "leadName": "Future Event Name",
    }

    rename = _renaming(client, "Api Name")

    first = await _lead_after(client, [ahead, rename])
    second = await _lead_after(client, [rename, ahead])
    assert first[0] == second[0] == "Future Event Name"
