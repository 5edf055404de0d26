from apps.core.qr import qr_svg
from tests.qrcheck import modules_of, qr_codes

URL = "https://portal.example.dk/clubs/feed/1:abc:def/testforbundet/club/7.ics"


def test_the_svg_encodes_exactly_the_url():
    svg = str(qr_svg(URL, label="QR-kode"))
    ((label, dark),) = qr_codes(svg)
    assert label == "QR-kode"
    assert dark == modules_of(URL)
    assert dark != modules_of(URL + "x")


def test_no_inline_style_and_a_text_alternative():
    svg = str(qr_svg(URL, label='Kalender "A" & <B>'))
    assert "style" not in svg and "<script" not in svg
    assert svg.startswith('<svg role="img" aria-label="Kalender &quot;A&quot; &amp; &lt;B&gt;"')
    assert 'viewBox="0 0 ' in svg  # scales with CSS


def test_the_same_address_is_drawn_once_and_each_label_kept():
    from apps.core.qr import _drawn

    _drawn.cache_clear()
    first = str(qr_svg(URL + "?once", label="Første"))
    second = str(qr_svg(URL + "?once", label="Anden"))
    assert _drawn.cache_info().misses == 1 and _drawn.cache_info().hits == 1
    assert first.replace("Første", "Anden") == second
    ((_label, dark),) = qr_codes(second)
    assert dark == modules_of(URL + "?once")
