"""The warning sign (A4 PDF, WeasyPrint as ADR 0014) and the QR codes (segno: pure Python)."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from anju.divisions.queries import place_names
from anju.public.queries import township_phone

SIGN_TITLE = "危险房屋 禁止居住使用"


def public_url(request, path: str) -> str:
    """The address a QR code carries: ANJU_PUBLIC_URL when the public host differs from the
    one clerks use, else this request's host."""
    base = settings.PUBLIC_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def sign_url(request, token: str) -> str:
    """The house's public page a sign's QR code opens, at the short address api.md names
    (`/s/{token}`); the page and the API print alike."""
    return public_url(request, reverse("sign_short", args=[token]))


def qr_svg(url: str, *, scale: int = 6) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=scale, border=4)


def qr_svg_bytes(url: str, *, scale: int = 6) -> bytes:
    import io

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=scale, border=4)
    return out.getvalue()


def signs_pdf(signs: list[tuple], url_of) -> bytes:
    """One A4 page per sign: the title, the ledger number, the village, the township's phone
    and the QR code of the house's public page. `signs` holds (entry, token) pairs;
    `url_of(token)` is the absolute address the code carries."""
    from weasyprint import HTML

    places = place_names({entry.division_code for entry, _ in signs})
    phones = {code[:9]: township_phone(code) for code in {e.division_code for e, _ in signs}}
    pages = [{"number": entry.number, "place": places.get(entry.division_code, ""),
              "phone": phones[entry.division_code[:9]], "url": url_of(token),
              "qr": qr_svg(url_of(token), scale=8)} for entry, token in signs]
    html = render_to_string("public/sign_pdf.html", {"pages": pages, "title": SIGN_TITLE})
    return HTML(string=html).write_pdf()
