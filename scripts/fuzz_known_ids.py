"""Print (as JSON) real identifiers of the demo database, per path parameter name, for
``scripts/fuzz_hooks.py``. Run with the product's settings: ``manage.py shell < this``."""

import json
import random

from kaigong.accounts.models import Enterprise
from kaigong.cases.models import Case, CaseItem, Extension, SubmittedMaterial
from kaigong.catalog.models import Bundle
from kaigong.certificates.models import Certificate
from kaigong.core.models import Notification
from kaigong.documents.models import OfficialDocument
from kaigong.projects.models import Project, ServiceCode

rng = random.Random(20260302)


def sample(model, field="public_id", n=6):
    values = [str(v) for v in model.objects.values_list(field, flat=True)]
    rng.shuffle(values)
    return values[:n]


cases = sample(Case, n=10)
items = sample(CaseItem, n=10)
public_ids = (
    cases
    + items
    + sample(Project)
    + sample(Enterprise)
    + sample(Certificate)
    + sample(Notification, n=4)
)
known = {
    "public_id": public_ids,
    "case_id": cases,
    "doc_id": sample(OfficialDocument),
    "material_id": sample(SubmittedMaterial),
    "extension_id": sample(Extension),
    "code": sample(Bundle, "code"),
    "token": sample(ServiceCode, "token", n=4),
}
print(json.dumps(known))
