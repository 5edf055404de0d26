"""Keeps the progress page's cache honest: any saved or deleted row of a plan drops the plan's cached
page data (also edits in the Django admin, which do not go through the services).

Bulk writes send no signals; the services that use them (moving items, the CSV import) call
``progress_cache_invalidate`` themselves.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from .models import FocusArea, Goal, Initiative, InitiativeComment, InitiativeUpdate, PlanLink, StrategyPlan
from .selectors import progress_cache_invalidate


def _area_plan_id(area_id: int, instance) -> int | None:
    cached = instance._state.fields_cache.get("focus_area")
    if cached is not None:
        return cached.plan_id
    return FocusArea.objects.filter(pk=area_id).values_list("plan_id", flat=True).first()


def _plan_id(instance) -> int | None:
    if isinstance(instance, StrategyPlan):
        return instance.pk
    if isinstance(instance, FocusArea | PlanLink):
        return instance.plan_id
    if isinstance(instance, Goal | Initiative):
        return _area_plan_id(instance.focus_area_id, instance)
    initiative = instance._state.fields_cache.get("initiative")
    if initiative is not None:
        return _area_plan_id(initiative.focus_area_id, initiative)
    return (
        Initiative.objects.filter(pk=instance.initiative_id)
        .values_list("focus_area__plan_id", flat=True)
        .first()
    )


def _drop_progress_cache(sender, instance, **kwargs) -> None:
    plan_id = _plan_id(instance)
    if plan_id is not None:
        progress_cache_invalidate(plan_id)


def connect() -> None:
    for model in (StrategyPlan, FocusArea, Goal, Initiative, InitiativeUpdate, InitiativeComment):
        post_save.connect(
            _drop_progress_cache, sender=model, dispatch_uid=f"progress-cache-save-{model.__name__}"
        )
        post_delete.connect(
            _drop_progress_cache, sender=model, dispatch_uid=f"progress-cache-delete-{model.__name__}"
        )
