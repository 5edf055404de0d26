"""The Borda count on a hand-computed example."""

from django.utils import timezone

from apps.pool.models import RankingPlace, ThemeRanking
from apps.pool.selectors import borda_scores
from tests.factories import PoolCallFactory, RankingSessionFactory


def _rank(session, label, names, submitted=True):
    ranking = ThemeRanking.objects.create(
        session=session, label=label, submitted_at=timezone.now() if submitted else None
    )
    themes = {t.name: t for t in session.call.themes.all()}
    RankingPlace.objects.bulk_create(
        RankingPlace(ranking=ranking, theme=themes[name], place=i) for i, name in enumerate(names, start=1)
    )


def test_borda_count_matches_a_hand_computed_example(db):
    call = PoolCallFactory(themes=["A", "B", "C", "D"])
    session = RankingSessionFactory(call=call, organization__slug="kommune")
    # Four themes: 1st place 3 points, 2nd 2, 3rd 1, 4th 0.
    _rank(session, "Bord 1", ["A", "B", "C", "D"])  # A3 B2 C1 D0
    _rank(session, "Bord 2", ["B", "C", "A", "D"])  # B3 C2 A1 D0
    _rank(session, "Bord 3", ["C", "B", "D", "A"])  # C3 B2 D1 A0
    _rank(session, "Bord 4", ["D", "C", "B", "A"], submitted=False)  # not sent: does not count
    # Totals: A 4, B 7, C 6, D 1.
    scores = borda_scores(session)
    assert [(s.theme.name, s.points) for s in scores] == [("B", 7), ("C", 6), ("A", 4), ("D", 1)]
    assert [s.first_places for s in scores] == [1, 1, 1, 0]
    assert scores[0].percent_of_max == 100
    assert round(scores[3].percent_of_max, 1) == round(100 / 7, 1)


def test_ties_go_to_more_first_places_then_the_calls_order(db):
    call = PoolCallFactory(themes=["A", "B", "C"])
    session = RankingSessionFactory(call=call, organization__slug="kommune")
    _rank(session, "Bord 1", ["A", "C", "B"])  # A2 C1 B0
    _rank(session, "Bord 2", ["B", "C", "A"])  # B2 C1 A0
    _rank(session, "Bord 3", ["C", "B", "A"])  # C2 B1 A0
    # A 2, B 3, C 4 -> C, B, A
    assert [s.theme.name for s in borda_scores(session)] == ["C", "B", "A"]
    _rank(session, "Bord 4", ["A", "B", "C"])  # A 4, B 4, C 4: first places A2 B1 C1 -> A, then B before C
    assert [s.theme.name for s in borda_scores(session)] == ["A", "B", "C"]


def test_no_rankings_gives_zero_points(db):
    session = RankingSessionFactory(organization__slug="kommune")
    scores = borda_scores(session)
    assert len(scores) == 7
    assert {s.points for s in scores} == {0}
