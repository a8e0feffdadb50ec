"""Warning signs (R-CJ-2, R-CJ-5): printed by the township with a QR code to the house's public
page; the token cannot be guessed, ends with sign-off, and a revoked one answers like none."""

import re
import secrets
import subprocess
from datetime import timedelta

import zxingcpp
from django.utils import timezone
from PIL import Image

from anju.audit.models import Action as AuditAction
from anju.audit.models import AuditEvent
from anju.public.actions import print_signs, revoke_sign
from anju.public.models import PublicRequest, SignToken
from anju.public.rules import client_hash, token_hash
from anju.rectification.models import LedgerEntry

UNKNOWN_TEXT = "没有找到这个二维码对应的内容"


def page(response) -> str:
    """The page without the language switch's per-response CSRF mask and return path."""
    return re.sub(r'name="(csrfmiddlewaretoken|next)" value="[^"]+"', "",
                  response.content.decode())


def test_the_sign_page_says_the_house_is_controlled_and_names_only_the_village(signed,
                                                                             villager):
    entry_id, token = signed()
    response = villager().get(f"/public/h/{token}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "危险房屋 禁止居住使用" in body
    assert "这栋房屋位于<strong>演示一村</strong>，是正在管控的危险房屋" in body
    assert "任何人不得进入、居住或使用" in body
    assert LedgerEntry.objects.get(pk=entry_id).number in body
    assert "山城镇" not in body  # the village only


def test_unknown_revoked_and_sequential_tokens_all_answer_the_same_404(signed, villager, cast):
    entry_id, token = signed()
    other_id, other = signed()
    revoke_sign(LedgerEntry.objects.get(pk=other_id), acting_user=cast.shancheng)
    phone = villager()
    guesses = [secrets.token_urlsafe(32), other, token[:-1] + ("A" if token[-1] != "A" else "B"),
               str(entry_id), str(entry_id + 1), "1", "x" * 200]
    answers = [phone.get(f"/public/h/{guess}/") for guess in guesses]
    assert [a.status_code for a in answers] == [404] * len(guesses)
    assert {page(a) for a in answers} == {page(answers[0])}
    assert UNKNOWN_TEXT in answers[0].content.decode()
    assert phone.get(f"/public/h/{token}/").status_code == 200
    assert PublicRequest.objects.filter(result="not_found").count() == len(guesses)


def test_a_revoked_sign_is_reprinted_with_a_new_token_and_both_acts_are_audited(signed,
                                                                              villager, cast):
    entry_id, old = signed()
    entry = LedgerEntry.objects.get(pk=entry_id)
    revoke_sign(entry, acting_user=cast.shancheng)
    [(_, new)] = print_signs([entry], acting_user=cast.shancheng)
    assert new != old and len(new) >= 43  # 32 random bytes
    assert villager().get(f"/public/h/{old}/").status_code == 404
    assert villager().get(f"/public/h/{new}/").status_code == 200
    signs = SignToken.objects.filter(entry=entry).order_by("pk")
    assert [(s.printed_count, s.revoked_at is not None) for s in signs] == [(1, True), (1, False)]
    # the token is found by its keyed hash; the column holds an encrypted token
    assert signs[1].token_hash == token_hash(new) and new not in signs[1].token_hash
    assert [e.action for e in AuditEvent.objects.filter(
        object_type__in=("rectification.ledgerentry", "public.signtoken")).order_by("pk")
        if e.action in (AuditAction.EXPORT, AuditAction.TOKEN_REVOKED)] == [
        "export", "token_revoked", "export"]


def test_printing_again_keeps_the_posted_sign_working(signed, villager, cast):
    entry_id, token = signed()
    [(_, again)] = print_signs([LedgerEntry.objects.get(pk=entry_id)], acting_user=cast.shancheng)
    assert again == token
    assert SignToken.objects.get(entry_id=entry_id).printed_count == 2
    assert villager().get(f"/public/h/{token}/").status_code == 200


def test_after_sign_off_the_page_says_signed_off_and_takes_no_report(signed, villager):
    entry_id, token = signed()
    LedgerEntry.objects.filter(pk=entry_id).update(status="closed",
                                                   closed_on=timezone.localdate())
    phone = villager()
    body = phone.get(f"/public/h/{token}/").content.decode()
    assert "<h1>已销号</h1>" in body
    assert "report-form" not in body
    phone.post(f"/public/h/{token}/", {"kind": "occupied"})
    from anju.public.models import VillagerReport
    assert VillagerReport.objects.count() == 0


def test_every_sign_page_request_is_recorded_with_a_hashed_address(signed, villager):
    _, token = signed()
    villager("198.51.100.23").get(f"/public/h/{token}/")
    row = PublicRequest.objects.get()
    assert (row.kind, row.result) == ("sign_page", "ok")
    assert row.client_hash == client_hash("198.51.100.23")
    assert "198.51.100" not in row.client_hash and len(row.client_hash) == 32
    assert row.at > timezone.now() - timedelta(minutes=1)


def test_the_sign_pdf_reads_in_chinese_and_its_qr_code_opens_the_house_page(
        on_ledger, browser, cast, tmp_path):
    from anju.public.models import TownshipPhone

    _, first = on_ledger("c")
    _, second = on_ledger("d")
    clerk = browser(cast.shancheng)
    assert clerk.post("/public/signs/phone", {"phone": "0435-4221234"}).status_code == 302
    assert TownshipPhone.objects.get(division_code="220581100").phone == "0435-4221234"
    response = clerk.post("/public/signs/print", {"entry": [first, second]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "signs.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert text.count("危险房屋 禁止居住使用") == 2
    assert "0435-4221234" in text
    assert LedgerEntry.objects.get(pk=first).number in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    urls = [zxingcpp.read_barcodes(Image.open(p))[0].text for p in pages]
    tokens = [SignToken.objects.get(entry_id=i).token for i in (first, second)]
    assert urls == [f"http://testserver/s/{t}" for t in tokens]


def test_a_village_cadre_of_another_village_cannot_print_a_sign_outside_its_scope(
        on_ledger, browser, cast):
    _, entry_id = on_ledger("c", division_code="220581101001")  # 红梅镇
    response = browser(cast.shancheng).post("/public/signs/print", {"entry": [entry_id]})
    assert response.status_code == 404
    assert SignToken.objects.count() == 0
