"""Log-in throttling on top of django-axes: one count per account and address, one per address."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class PortalAxesHandler(AxesDatabaseHandler):
    """Locks an account tried from one address after ``AXES_FAILURE_LIMIT`` failures, and an address
    after ``AXES_IP_FAILURE_LIMIT`` failures across all accounts (one password sprayed over many
    accounts). The address limit is the higher one: a municipality's staff often share one NAT address.

    Axes compares one count with one limit, so the address count is scaled onto the account limit:
    ``address * account_limit // address_limit`` reaches ``account_limit`` exactly when the address count
    reaches ``address_limit``. ``AXES_LOCKOUT_PARAMETERS`` lists the account pair first, the address second.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(per_account, per_address * settings.AXES_FAILURE_LIMIT // settings.AXES_IP_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # A successful log-in clears that account's count only; otherwise one valid account of the
        # attacker's own would wipe the address count between two rounds of guesses.
        count, _ = self.filter_user_attempts(request, credentials)[0].delete()
        return count
