"""htmx does not swap 4xx answers by default; the portal's configuration makes it swap the answers of
refused forms (400, 422) and stale saves (409), so their errors show, and nothing else."""

import json
import re

from django.urls import reverse


def _swaps(config: dict, status: int) -> bool:
    """htmx 2's rule: the first entry whose ``code`` pattern matches the status decides."""
    for entry in config["responseHandling"]:
        if re.search(entry["code"], str(status)):
            return entry["swap"]
    return False


def test_refusals_swap_errors_do_not(client, db):
    page = client.get(reverse("login")).content.decode()
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page)
    config = json.loads(meta.group(1))
    assert [s for s in (200, 201, 400, 409, 422) if _swaps(config, s)] == [200, 201, 400, 409, 422]
    assert not any(_swaps(config, s) for s in (204, 403, 404, 405, 429, 500, 502, 503))
    assert config["allowEval"] is False  # the rest of the configuration stays
