"""Corrections by keys on a case's page: correct the physician's phone (the case shows it), then void
the case's only contact (the case is matched again, the contact kept and marked)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Input

from p2p_tui.services.cases import lifecycle
from p2p_tui.services.cases.intake import PhysicianInput, ReferralInput, create_referral
from p2p_tui.services.people import roster
from p2p_tui.store import Store
from p2p_tui.store.models import Contact, Match, Physician, Referral
from p2p_tui.tui.app import P2PApp
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.person_form import PersonFormDialog
from p2p_tui.tui.screens.case import CaseScreen
from p2p_tui.tui.screens.today import TodayScreen
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.tui.conftest import AppFactory
from tests.tui.keys import fill, wait_for

SIZE = (120, 36)
NEW_PHONE = "902 555 0177"


def make_vault(path: Path) -> int:
    """A vault with one contacted case (a first contact on 2026-11-16); its referral id."""
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        person = PhysicianInput("Sam Support", "late", "Prince", email="sam@example.org")
        sam = roster.add_supporter(roster.SupporterInput(person, status="active"))
        pat = PhysicianInput("Pat Peer", "mid", "Kings", email="pat@example.org", phone="902 555 0101")
        referral = create_referral(
            ReferralInput(
                pat, received_on=date(2026, 11, 12), pathway="reach_in", source="self", stressors=("burnout",)
            )
        )
        Match.create(
            referral=referral, supporter=sam, matched_on=date(2026, 11, 13), score=0, explanation="[]"
        )
        lifecycle.transition(referral, "matched", date(2026, 11, 13))
        lifecycle.record_contact(referral.id, "initial", "phone", date(2026, 11, 16))
    store.close()
    return referral.id


def stored(app: P2PApp, query: object) -> object:
    assert app.store is not None
    with app.store.lock:
        return query()  # type: ignore[operator]


async def test_correct_a_phone_and_void_a_contact_by_keys(make_app: AppFactory, vault_path: Path) -> None:
    referral_id = make_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("o")  # the case of the check-in, the only item
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, PersonFormDialog))
        await pilot.press("tab", "tab")  # name, email, phone
        assert isinstance(app.focused, Input) and app.focused.id == "phone"
        app.focused.value = ""
        await fill(pilot, NEW_PHONE)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        facts = str(app.screen.query_one("#case-facts").render())
        assert NEW_PHONE in facts and "0101" not in facts
        assert stored(app, lambda: Physician.get(Physician.name == "Pat Peer").phone) == NEW_PHONE

        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("enter")  # the first contact, the only record
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog) and "why" in app.screen.title_text)
        await pilot.press("escape")  # no reason chosen: nothing voided
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert stored(app, lambda: Contact.get().voided_on) is None
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog) and "why" in app.screen.title_text)
        await pilot.press("enter")  # recorded by mistake
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await wait_for(
            pilot, lambda: stored(app, lambda: Referral.get_by_id(referral_id).status) == "matched"
        )
        assert stored(app, lambda: Contact.get().void_reason) == "by_mistake"
        assert "status: MATCHED" in str(app.screen.query_one("#case-facts").render())
        timeline = app.screen.query_one("#timeline", DataTable)
        lines = [str(timeline.get_row_at(row)[1]) for row in range(timeline.row_count)]
        assert "first contact by phone (voided 2026-11-18: recorded by mistake)" in lines
        assert lines[-1] == "status contacted → matched"
        await pilot.press("ctrl+q")


def make_consented_vault(path: Path) -> int:
    """A vault with one reach-out from leadership, consent given on 2026-11-13, matched, not yet
    contacted; its referral id."""
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        person = PhysicianInput("Sam Support", "late", "Prince", email="sam@example.org")
        sam = roster.add_supporter(roster.SupporterInput(person, status="active"))
        pat = PhysicianInput("Pat Peer", "mid", "Kings", email="pat@example.org")
        referral = create_referral(
            ReferralInput(pat, date(2026, 11, 12), "reach_out", "leadership", ("burnout",), consent="pending")
        )
        lifecycle.set_consent(referral.id, "given", date(2026, 11, 13))
        Match.create(
            referral=referral, supporter=sam, matched_on=date(2026, 11, 13), score=0, explanation="[]"
        )
        lifecycle.transition(referral, "matched", date(2026, 11, 13))
    store.close()
    return referral.id


async def test_a_voided_consent_ends_the_match_once_confirmed_and_x_never_closes_unsupported(
    make_app: AppFactory, vault_path: Path
) -> None:
    """Issue 10 review F1 (a) and F2: voiding a given consent on a matched case says the match ends
    and records nothing on Escape; x offers no "support completed" before a first contact, and every
    status change waits for Enter."""
    from p2p_tui.tui.dialogs.confirm import ConfirmDialog

    referral_id = make_consented_vault(vault_path)
    app = make_app(vault_path, passphrase=PASSPHRASE)

    def now() -> tuple[str, str]:
        return stored(app, lambda: (lambda r: (r.status, r.consent))(Referral.get_by_id(referral_id)))  # type: ignore[return-value]

    async def choices(key: str) -> list[str]:
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert isinstance(app.screen, ChoiceDialog)
        return [value for value, _text in app.screen.options]

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert await choices("x") == ["new", "declined", "unreachable"]  # matched: no "closed"
        await pilot.press("escape")
        for answer, expected in (("escape", ("matched", "given")), ("enter", ("new", "pending"))):
            await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
            assert await choices("u") == ["consent:0"]
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: isinstance(app.screen, ChoiceDialog) and "why" in app.screen.title_text
            )
            await pilot.press("enter")  # recorded by mistake
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            assert "ends the case's match" in str(app.screen.query_one("#confirm-lines").render())
            await pilot.press(answer)
            await wait_for(pilot, lambda e=expected: now() == e)  # type: ignore[misc]
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert await choices("x") == ["declined", "unreachable"]  # new: never "support completed"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "new → declined" in str(app.screen.query_one("#confirm-lines").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert now() == ("new", "pending")
        await pilot.press("ctrl+q")


async def test_a_case_declined_for_no_consent_reopens_only_as_new_with_consent_asked_again(
    make_app: AppFactory, vault_path: Path
) -> None:
    """Issue 10 review F1 (b): no "reopen as it stood: matched" for a refusal; the reopen says that
    consent is asked again, and k records the new answer."""
    from p2p_tui.tui.dialogs.confirm import ConfirmDialog
    from p2p_tui.tui.dialogs.consent import ConsentDialog

    referral_id = make_consented_vault(vault_path)
    store = Store.open(vault_path, PASSPHRASE)
    with store.atomic():
        from p2p_tui.services.cases import corrections

        corrections.void_consent(referral_id, "by_mistake", move_case=True)
        lifecycle.set_consent(referral_id, "refused", date(2026, 11, 16))
    store.close()
    app = make_app(vault_path, passphrase=PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TodayScreen))
        app.open_case(referral_id)
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert [value for value, _ in app.screen.options] == ["new"]  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "consent is pending again" in str(app.screen.query_one("#confirm-lines").render())
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: stored(app, lambda: Referral.get_by_id(referral_id).consent) == "pending"
        )
        assert stored(app, lambda: Referral.get_by_id(referral_id).status) == "new"
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("k")  # consent pending: k records the answer
        await wait_for(pilot, lambda: isinstance(app.screen, ConsentDialog))
        await pilot.press("escape")
        await pilot.press("ctrl+q")
