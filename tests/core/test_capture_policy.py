"""The capture policy, decided from the window list alone."""

from __future__ import annotations

from app.core.capture_policy import PrivacyPolicy, Rect, WindowInfo, visible_parts

SCREEN = Rect(0, 0, 1920, 1080)


WHOLE = Rect(0, 0, 800, 600)


def window(title: str, app: str, rect: Rect = WHOLE, pid: int = 100) -> WindowInfo:
    return WindowInfo(abs(hash(title)) % 10_000, title, app, rect, pid)


def test_password_managers_and_private_windows_are_excluded_by_default() -> None:
    policy = PrivacyPolicy()
    for title, app in [("Passwords.kdbx - KeePassXC", "KeePassXC"),
                       ("Vault", "Bitwarden"),
                       ("Bank — Mozilla Firefox Private Browsing", "firefox"),
                       ("New Incognito Tab - Google Chrome", "Google-chrome"),
                       ("Reverie", "Reverie")]:  # fmt: skip
        assert policy.excluded(window(title, app)), title
    assert not policy.excluded(window("Q3 report.odt - LibreOffice Writer", "libreoffice"))


def test_the_user_s_apps_and_title_patterns_are_excluded_too() -> None:
    policy = PrivacyPolicy(excluded_apps=("Signal",), excluded_titles=("*bank*", "Payslip"))
    assert policy.excluded(window("Chat with Ana", "signal"))
    assert policy.excluded(window("My Bank - statements", "firefox"))
    assert policy.excluded(window("payslip-2026-03.pdf", "evince"))
    assert not policy.excluded(window("Q3 report", "libreoffice"))


def test_our_own_process_is_excluded_whatever_its_title() -> None:
    assert PrivacyPolicy(own_pid=4242).excluded(window("Memory #12", "python3", pid=4242))


def test_an_excluded_active_window_drops_the_frame() -> None:
    vault = window("Passwords.kdbx - KeePassXC", "KeePassXC")
    decision = PrivacyPolicy().decide([window("notes", "gedit"), vault], vault, SCREEN)
    assert not decision.capture and decision.blackout == ()


def test_an_excluded_window_is_blacked_out_only_where_it_shows() -> None:
    vault = window("Passwords.kdbx - KeePassXC", "KeePassXC", Rect(0, 0, 1000, 800))
    editor = window("notes", "gedit", Rect(0, 0, 600, 800))  # above the vault's left part
    decision = PrivacyPolicy().decide([vault, editor], editor, SCREEN)
    assert decision.capture and decision.hidden == ("Passwords.kdbx - KeePassXC",)
    assert decision.blackout == (Rect(600, 0, 400, 800),)


def test_visible_parts_cover_exactly_the_uncovered_area() -> None:
    base = Rect(0, 0, 100, 100)
    parts = visible_parts(base, [Rect(20, 20, 30, 30), Rect(80, 0, 50, 50)])
    area = sum(p.width * p.height for p in parts)
    assert area == 100 * 100 - 30 * 30 - 20 * 50
    for p in parts:  # no part overlaps a covering rectangle
        assert (
            p.intersect(Rect(20, 20, 30, 30)) is None and p.intersect(Rect(80, 0, 50, 50)) is None
        )
