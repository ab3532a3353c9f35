"""
Round trips per transition, counted (docs/benchmarks-cases.md): what bounds the workflow's
throughput is the number of queries per request, so each transition has a budget and a
change that adds queries has to raise it here, on purpose. Counts, never wall-clock time.
"""

from __future__ import annotations

from django.test import override_settings

import pytest

from kaigong.cases.tests.factories import CaseFactory, lifecycle_world, upload_all
from kaigong.certificates.models import Certificate
from kaigong.core.relay import outbox_relay_run

from .conftest import client_for

pytestmark = pytest.mark.django_db

# The journey of bench_workflow: submit, accept, two opinions, two decisions (the last one
# concludes the bundle and hands its results to certificates). Measured 2026-11-29:
# 27, 29, 11, 11, 19, 43 queries (before the request cache, savepoint-free helpers, single
# catalogue read and passing the locked case on: 40, 92, 21, 21, 33, 72).
# Since 2026-12-01 (issue #16 §3) the journey issues two certificates, as the demo bundles
# do (it issued none, so its last decision cost less than a real one): rendered and signed
# inside the deciding transaction that was 69 queries (and ≈ 60 ms of PDF, full_clean and
# SM2); now the transaction numbers and records them (one insert, the surface's field specs
# and the joint-issuance rules read once, no full_clean, no savepoint) and the outbox relay
# renders them after commit: 43.
# Since 2026-12-02 (issue #16 §3) the official documents (受理通知书, 准予行政许可决定书) are
# recorded in the event's transaction, 生成中, and rendered by the relay after commit:
# their composition (the origin's and sequence's read, the submission's event; for the
# notice its items, commitments and centre), the row and its outbox message are now
# counted here (+6 on accept, +3 on a decision, each 4 queries over its old count), where
# before they ran on commit, in the same request, with their PDF, signature, archive
# filing and inbox notice (≈ 29 queries and 20–60 ms of CPU each, not counted here).
BUDGET = {
    # -8 (was 30; issue #16 §3, 2026-12-02): the catalogue's rows come from the per-process
    # memo (catalog.memo: one fingerprint query instead of the versions, their 4 prefetches,
    # the in-force ids, the bundle's items and the questions)
    # -2 more (22; issue #16 §3, 2026-12-02): the row locked by submit is the one moved (no
    # second read under the lock), and the centre found by the lead department's id (not its row)
    # -1 more (20; 2026-12-02, evening): the case number taken in one upsert (core.counters: was a
    # locking read and an update)
    # -2 more (19): a case never accepted has no items, so neither its versions' read nor its
    # answer reads them (items are made at acceptance only)
    "submit": 17,
    # -9 (was 38; issue #16 §3, 2026-12-02): likewise, the fingerprint shared with the plan
    # snapshot's guide, and the chosen matters read once
    # -5 more (29; issue #16 §3, 2026-12-02): the held certificate types read once (and not
    # the enterprise's row for the plan's guide), the row the view read is the one moved (its
    # UPDATE takes the lock, no second read), the notice gets that read's centre, and the
    # answer's matters are the rows the acceptance read (prefetched on the case)
    # -1 more (24): a case not yet accepted has no items whose versions to read
    "accept": 23,
    "opinion": 10,  # -2 (was 12): the item read by the view is not read again under a lock
    "decide": 18,  # -6 (was 24): that, and one read of the case's items (see below)
    # -9 (was 46): likewise, and the certificates get the locked case's project
    # -10 more (37; issue #16 §3, 2026-12-02, evening): the certificates' counters taken in one
    # upsert (was a locking read and an update per type), the versions, certificate types,
    # departments, dependencies, field specs and the bundle's joint-issuance rules from the
    # catalogue memo (one fingerprint query instead of six), the results from the items in hand,
    # and no held-certificate query after issuing (the certificates just issued say it)
    "decide_last": 27,
}
# Also since 2026-12-02 (issue #16 §3): an item transition no longer re-reads the item the view
# read (its UPDATE matches the version and takes the row lock), the item's answer gets its
# reviewer from that read, and a decision reads the case's items once for the waiting
# check, the due dates and the conclusion (the prerequisites and pauses only when the dates
# are computed from them). After the commit, in the same request and not counted here, the
# post-approval hook is one query when the case has no pending 告知承诺 (was five) and the
# marketplace's one plain query when the case used no intermediary.


def _journey(world, case, measure=None):
    def post(role, path, body, label):
        client = client_for(world.users[role])
        if measure is None:
            response = client.post(path, body, format="json")
        else:
            with measure(BUDGET[label]):
                response = client.post(path, body, format="json")
        assert response.status_code < 300, response.json()
        return response.json()

    url = f"/api/v1/cases/{case.public_id}/"
    post("applicant", url + "submit/", {}, "submit")
    accepted = post("clerk", url + "accept/", {}, "accept")
    items = {i["matter_code"]: i["item"] for i in accepted["items"]}
    opinion = {"text": "同意", "recommendation": "approve"}
    for n, matter in ((1, "M1"), (2, "M2")):
        post(f"reviewer{n}", f"/api/v1/items/{items[matter]}/opinions/", opinion, "opinion")
    post("approver1", f"/api/v1/items/{items['M1']}/decide/", {"decision": "approve"}, "decide")
    concluded = post(
        "approver2", f"/api/v1/items/{items['M2']}/decide/", {"decision": "approve"}, "decide_last"
    )
    return concluded


@override_settings(KAIGONG_CERTIFICATES_RENDER_INLINE=False)  # production's: after commit
def test_every_transition_of_the_journey_stays_within_its_query_budget(
    monday, django_assert_max_num_queries
):
    world = lifecycle_world(certificates=True)
    drafts = []
    for _ in range(2):
        case = CaseFactory(world=world)
        upload_all(case, world.applicant)
        drafts.append(case)
    # the first journey fills the process's caches (calendar, catalogue fingerprint)
    _journey(world, drafts[0])
    _journey(world, drafts[1], measure=django_assert_max_num_queries)
    drafts[1].refresh_from_db()
    # committed before its certificates render: concluded, its two certificates 生成中
    assert drafts[1].status == "concluded"
    certificates = Certificate.objects.filter(case_public_id=drafts[1].public_id)
    assert certificates.count() == 2
    assert not certificates.filter(rendered_at__isnull=False).exists()
    # and its 受理通知书 and two 准予行政许可决定书 exist, recorded with their events, 生成中
    documents = drafts[1].official_documents.all()  # the documents app, above cases
    assert documents.count() == 3 and not documents.filter(rendered_at__isnull=False).exists()
    outbox_relay_run()  # renders, signs and releases them; the case is 已出证
    assert not documents.filter(rendered_at__isnull=True).exists()
    drafts[1].refresh_from_db()
    assert drafts[1].status == "issued"
    assert set(certificates.values_list("status", flat=True)) == {"valid"}
