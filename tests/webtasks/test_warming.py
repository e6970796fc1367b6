"""After a background ingest the worker computes the period's figures, so the next dashboard
reads them back — and they are the figures of the data the ingest left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oretrace.registry.models import AssessmentCache, Job
from oretrace.registry.services import jobs
from oretrace.registry.services.assessment_cache import data_version, forget
from oretrace.registry.services.status import period_status
from tests.webtasks.conftest import YEAR, Group
from tests.webtasks.files import supplier_file

pytestmark = pytest.mark.django_db


def test_an_ingest_job_leaves_the_figures_computed(
    group: Group, login: Any, tmp_path: Path
) -> None:
    admin = login("admin")
    forget()
    path = supplier_file(tmp_path / "up", "Gamma Tin Works")
    admin.post(
        "/upload/", {"period": YEAR, "files": [SimpleUploadedFile(path.name, path.read_bytes())]}
    )
    job = Job.objects.get(kind="ingest")
    assert jobs.run(job.pk, "test") == "done"
    version = data_version()
    kinds = set(AssessmentCache.objects.filter(version=version).values_list("kind", flat=True))
    assert {"period_status", "assessment"} <= kinds
    with CaptureQueriesContext(connection) as read_back:
        response = admin.get("/dashboard/", {"period": YEAR})
    assert response.context["data"] == period_status(YEAR).as_json()
    assert response.context["data"]["suppliers_responded"] >= 1
    assert not any("registry_declarationsmelter" in q["sql"] for q in read_back.captured_queries)
