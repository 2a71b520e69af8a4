"""`leadscore import` reads only the leads its file names (`LeadsOnDemand`), not the whole tenant,
and writes exactly what an import through the full index writes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId

from cli.importer import import_csv
from models import Interaction, LeadScore
from scoring.engine import ScoringConfig
from scoring.read_model import LeadsOnDemand, ReadModel
from scoring.service import ScoreService
from tests.conftest import register_tenant
from tests.integration.test_freshness import records

HEADER = "leadId,leadName,leadEmail,ownerId,emailOpens,websiteVisits,timeSpent,lastActivityAt\n"
ROWS = [
    "lead-005,Lead 5 renamed,,owner-0,9,1,30,2026-11-27T10:00:00Z\n",  # existing; no email sent
    "lead-007,Lead 7,l7@example.com,owner-0,1,2,3,\n",  # existing; no activity sent
    "crm-1,From the CRM,crm1@example.com,owner-0,4,4,40,2026-11-20T08:00:00Z\n",  # ObjectId _id
    "new-1,Brand new,new1@example.com,owner-1,2,0,0,2026-11-26T00:00:00Z\n",
    "new-1,Brand new,new1@example.com,owner-1,3,0,0,2026-11-26T00:00:00Z\n",  # the last row wins
    "bad,,x,owner-0,-,1,1,\n",  # refused: no name, counts not numbers
]
IGNORED = {"_id", "tenantId", "createdAt", "updatedAt", "attributesSetAt"}


async def _crm_lead(tenant_id: str, lead_id: str, **fields: Any) -> None:
    """A lead as a CRM pipeline writes it: its own ObjectId `_id`, `updatedAt` set."""
    now = datetime.now(UTC)
    document = {"_id": ObjectId(), "tenantId": tenant_id, "leadId": lead_id, **fields}
    await Interaction.get_pymongo_collection().insert_one(
        document | {"createdAt": now, "updatedAt": now}
    )


async def _tenant_like_a_crm_left_it(client: Any) -> str:
    tenant_id = (await register_tenant(client)).tenant_id
    await ScoreService(ScoringConfig()).record_interactions(tenant_id, records(200))
    await _crm_lead(
        tenant_id,
        "crm-1",
        leadName="From the CRM",
        ownerId="owner-0",
        emailOpens=1,
        websiteVisits=1,
        timeSpent=10,
        lastActivityAt=datetime.now(UTC),
    )
    return tenant_id


async def _stored(tenant_id: str) -> dict[str, dict[str, Any]]:
    cursor = Interaction.get_pymongo_collection().find({"tenantId": tenant_id})
    return {
        doc["leadId"]: {k: v for k, v in doc.items() if k not in IGNORED} async for doc in cursor
    }


async def test_an_import_reads_only_its_leads_and_writes_what_a_full_index_would(
    client, commands, tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    full_tenant = await _tenant_like_a_crm_left_it(client)
    held_tenant = await _tenant_like_a_crm_left_it(client)
    full = ScoreService(ScoringConfig(), ReadModel(ScoringConfig()))
    held = ScoreService(ScoringConfig(), LeadsOnDemand(ScoringConfig()))

    full_report = await import_csv(path, full_tenant, full)
    before = commands.snapshot()
    held_report = await import_csv(path, held_tenant, held)
    used = commands.snapshot() - before
    await full.drain()
    await held.drain()

    assert (held_report.rows, held_report.imported) == (full_report.rows, full_report.imported)
    assert [line for line, _ in held_report.rejected] == [line for line, _ in full_report.rejected]
    index = held.model.loaded(held_tenant)
    assert index is not None and sorted(index.records) == ["crm-1", "lead-005", "lead-007", "new-1"]
    assert used["find"] <= 3  # the tenant, the file's leads, no scan of the 201 others
    assert await _stored(held_tenant) == await _stored(full_tenant)
    stored = await _stored(held_tenant)
    assert len(stored) == 202  # 200 + crm-1 (updated in place, not copied) + new-1
    assert stored["crm-1"]["emailOpens"] == 4 and stored["new-1"]["emailOpens"] == 3
    assert stored["lead-005"]["leadEmail"] == "lead5@example.com"  # not sent, so kept
    scores = LeadScore.get_pymongo_collection()
    written = {doc["leadId"]: doc async for doc in scores.find({"tenantId": held_tenant})}
    assert {"crm-1", "lead-005", "lead-007", "new-1"} <= set(written)
    assert written["new-1"]["breakdown"]["emailOpens"] == pytest.approx(12.0)


async def test_an_import_into_an_unknown_tenant_is_refused_with_nothing_written(
    client, tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + ROWS[3], encoding="utf-8")
    held = ScoreService(ScoringConfig(), LeadsOnDemand(ScoringConfig()))
    with pytest.raises(LookupError):
        await import_csv(path, "no-such-tenant", held)
    assert (
        await Interaction.get_pymongo_collection().count_documents({"tenantId": "no-such-tenant"})
        == 0
    )


async def test_an_import_into_an_empty_tenant_meets_a_lead_another_writer_adds_meanwhile(
    client, commands, tmp_path: Path
) -> None:
    """An empty tenant's leads are not looked up before each batch; one a CRM pipeline inserts
    after the import started is still updated in place (its email, not in the file, kept)."""
    tenant_id = (await register_tenant(client)).tenant_id
    held = ScoreService(ScoringConfig(), LeadsOnDemand(ScoringConfig()))
    await held.model.index(tenant_id)
    await _crm_lead(
        tenant_id,
        "crm-2",
        leadName="Meanwhile",
        leadEmail="meanwhile@example.com",
        emailOpens=1,
        websiteVisits=1,
        timeSpent=1,
    )
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + "crm-2,Meanwhile,,owner-0,6,0,0,\n" + ROWS[3], encoding="utf-8")
    before = commands.snapshot()
    report = await import_csv(path, tenant_id, held)
    used = commands.snapshot() - before

    assert (report.rows, report.imported, report.rejected) == (2, 2, [])
    assert used["find"] <= 2  # no lookup before the batch; the conflict's lookup only
    stored = await _stored(tenant_id)
    assert sorted(stored) == ["crm-2", "new-1"]
    assert stored["crm-2"]["emailOpens"] == 6
    assert stored["crm-2"]["leadEmail"] == "meanwhile@example.com"
