import pytest

from tests.factories import FocusAreaFactory, GoalFactory, InitiativeFactory, StrategyPlanFactory


@pytest.fixture
def plan(org):
    return StrategyPlanFactory(organization=org, title="Strategi 2025-2028")


@pytest.fixture
def area(plan):
    return FocusAreaFactory(plan=plan, title="Medlemsnærhed", position=1)


@pytest.fixture
def goal(area):
    return GoalFactory(focus_area=area, text="Flere medlemmer i klubberne")


@pytest.fixture
def initiative(area, goal):
    return InitiativeFactory(focus_area=area, goal=goal, text="Holde TR-netværksmøder")


@pytest.fixture
def other_plan(other_org):
    return StrategyPlanFactory(organization=other_org, title="Andet forbunds strategi")


@pytest.fixture
def other_initiative(other_plan):
    return InitiativeFactory(focus_area=FocusAreaFactory(plan=other_plan))


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English msgids; the portal's default language is Danish."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
