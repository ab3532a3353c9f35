"""
Benchmarks: SM2 verifications per second per core (native and gmssl), issuance p50/p95.

Run with ``manage.py bench_certificates`` (make bench). Goals (issue 5): ≥ 1,000 SM2
verifications per second per core; certificate issuance p95 ≤ 2 s. Figures are printed,
never asserted in tests.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from benchmarks.stats import percentile
from kaigong.certificates.crypto import der, gmssl_backend, openssl, sm3_digest, software_signer


def verifications_per_second(backend: str, *, seconds: float = 2.0) -> float:
    """
    Verifications per CPU-second of one thread (= per core), for ``seconds`` of CPU.

    CPU time, not wall time, so that other work on a shared machine does not count
    against it (``openssl speed`` measures the same way).
    """
    scalar, point = (
        openssl.generate_keypair if openssl.load() else gmssl_backend.generate_keypair
    )()
    digest = sm3_digest(b"kaigong benchmark")
    if openssl.load():
        info = der.private_key_info(scalar, point)
        signature = software_signer(
            key_id="bench", private_key_info=info, public_key_hex=point.hex()
        ).sign(digest)
    else:
        signature = gmssl_backend.sign(scalar, point, digest)
    verify = openssl.verify if backend == "openssl" else gmssl_backend.verify
    public_key_hex = point.hex()
    verify(public_key_hex, digest, signature)  # warm the per-key caches
    count, started = 0, time.thread_time()
    while time.thread_time() - started < seconds:
        if not verify(public_key_hex, digest, signature):
            raise RuntimeError("benchmark signature did not verify")
        count += 1
    return count / (time.thread_time() - started)


def issuance_latencies(rounds: int = 20) -> list[float]:
    """Seconds per bundle issuance (five certificates: 四证合发 + one), rolled back after."""
    from django.apps import apps
    from django.db import transaction
    from django.test import override_settings

    from kaigong.accounts.models import Department, Enterprise
    from kaigong.accounts.validators import uscc_check_char
    from kaigong.catalog.models import CertificateType, MatterVersion
    from kaigong.certificates.services import ItemResult, certificates_issue_for_case
    from kaigong.projects.models import Project

    class Rollback(Exception):
        pass

    durations: list[float] = []
    # the PDF and SM2 of issuance are what it measures: rendered inline, as before #16 §3
    with (
        tempfile.TemporaryDirectory() as keys,
        override_settings(KAIGONG_KEY_DIR=Path(keys), KAIGONG_CERTIFICATES_RENDER_INLINE=True),
    ):
        try:
            with transaction.atomic():
                body = "11371321" + "BENCH0001"
                department = Department.objects.create(
                    code=f"bench-{uuid.uuid4().hex[:6]}",
                    name="基准测试住建局",
                    level="county",
                    region_code="371321",
                    uscc=body + uscc_check_char(body),
                )
                revision_model = apps.get_model("catalog", "CatalogRevision")
                matter_model = apps.get_model("catalog", "Matter")
                revision = revision_model.objects.create(
                    number=(
                        revision_model.objects.order_by("-number")
                        .values_list("number", flat=True)
                        .first()
                        or 0
                    )
                    + 1,
                    title="bench",
                    kind="new",
                    effective_on=date(2026, 1, 1),
                )
                matter = matter_model.objects.create(code=f"bench-{uuid.uuid4().hex[:6]}")
                version = MatterVersion.objects.create(
                    matter=matter,
                    version=1,
                    revision=revision,
                    name="施工许可（四证合一）",
                    department=department,
                    statutory_limit=15,
                    promised_limit=5,
                )
                for i in range(5):
                    version.certificate_types.add(
                        CertificateType.objects.create(
                            code=f"bench-{uuid.uuid4().hex[:6]}",
                            name=f"基准证照{i}",
                            type_code=f"11100000000013338W{900 + i}",
                            issuing_department=department,
                            fields=[],
                            validity_months=12,
                        )
                    )
                ebody = "91371321" + "BENCH0002"
                enterprise = Enterprise.objects.create(
                    uscc=ebody + uscc_check_char(ebody),
                    name="基准建设公司",
                    legal_representative="甲",
                )
                project = Project.objects.create(
                    enterprise=enterprise, name="基准项目", region_code="371321"
                )
                for _ in range(rounds):
                    started = time.perf_counter()
                    certificates_issue_for_case(
                        case_public_id=uuid.uuid4(),
                        project_id=project.id,
                        enterprise_id=enterprise.id,
                        bundle_id=None,
                        results=[
                            ItemResult(
                                case_item_id=None,
                                matter_version_id=version.id,
                                decided_on=date(2026, 3, 2),
                                deferred_materials_outstanding=False,
                                data={},
                            )
                        ],
                        actor=None,
                    )
                    durations.append(time.perf_counter() - started)
                raise Rollback
        except Rollback:
            pass
    return durations


def run(*, seconds: float = 2.0, rounds: int = 20, write=print) -> dict[str, float]:
    results: dict[str, float] = {}
    if openssl.load() is not None:
        results["sm2_verify_per_s_openssl"] = verifications_per_second("openssl", seconds=seconds)
        write(
            f"SM2 verify, native OpenSSL ({openssl.version_text()}): "
            f"{results['sm2_verify_per_s_openssl']:,.0f}/s per core (goal ≥ 1,000)"
        )
    else:
        write("SM2 verify, native OpenSSL: not available on this machine (gmssl fallback in use)")
    results["sm2_verify_per_s_gmssl"] = verifications_per_second("gmssl", seconds=seconds)
    write(f"SM2 verify, pure-Python gmssl: {results['sm2_verify_per_s_gmssl']:,.0f}/s per core")
    durations = issuance_latencies(rounds)
    results["issuance_p50_s"] = statistics.median(durations)
    results["issuance_p95_s"] = percentile(durations, 95)
    write(
        f"Issuance of 5 certificates (PDF + SM2), {rounds} rounds: "
        f"p50 {results['issuance_p50_s'] * 1000:.0f} ms, "
        f"p95 {results['issuance_p95_s'] * 1000:.0f} ms (goal p95 ≤ 2 s)"
    )
    return results
