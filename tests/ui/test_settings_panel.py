"""Settings: what the user changes is saved, survives a restart, and takes effect."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.home import resolve_home
from app.llm import catalog, other_apps
from app.llm.sizing import GIB
from app.settings import Settings
from tests.helpers import write_fake_gguf
from tests.ui.conftest import load_sample, settle
from ui import autostart
from ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def own_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The autostart entry and the data-folder pointer go to a private config folder."""
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def test_changed_settings_are_saved_and_used(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.settings
    panel.threshold.setValue(0.2)
    panel.scale.setValue(2.0)
    panel.capture_enabled.setChecked(True)
    panel.interval.setValue(10)
    panel.excluded_apps.setPlainText("signal-desktop\n\n  Element \n")
    panel.excluded_titles.setPlainText("*bank*")
    panel.start_at_login.setChecked(True)
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        panel.save_button.click()
    stored = Settings.load(window.reverie.home)  # what the next start reads
    assert (stored.archive_threshold, stored.stability_scale) == (0.2, 2.0)
    assert stored.capture_enabled and stored.capture_interval_s == 10.0
    assert stored.capture_excluded_apps == ["signal-desktop", "Element"]
    assert stored.capture_excluded_titles == ["*bank*"]
    assert window.reverie.params.archive_threshold == 0.2  # in use at once
    entry = autostart.autostart_file()
    assert entry.is_file() and "--minimized" in entry.read_text()
    panel.start_at_login.setChecked(False)
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        panel.save_button.click()
    assert not entry.exists()
    assert "Saved" in panel.message.text()


def test_the_forgetting_preview_counts_what_would_be_archived(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.settings
    reverie = window.reverie
    reverie.clock = lambda: reverie.store.get_memory(1).observed_at + timedelta(days=200)
    panel.threshold.setValue(0.05)
    panel.update_preview()
    settle(qtbot, window)
    at_default = panel.preview.text()
    panel.scale.setValue(5.0)  # memories last five times longer: fewer fade
    panel.update_preview()
    settle(qtbot, window)
    active = sum(reverie.store.counts()["live_by_kind"].values())  # messages and facts
    assert active > 20 and f"of {active} active memories would be archived" in at_default
    would = int(at_default.split("values, ")[1].split(" of")[0])
    later = int(panel.preview.text().split("values, ")[1].split(" of")[0])
    assert would > later == 0
    assert Settings.load(reverie.home).stability_scale == 1.0  # a preview saves nothing


def test_a_new_data_folder_is_used_from_the_next_start(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVERIE_HOME", raising=False)
    elsewhere = tmp_path / "elsewhere"
    window.settings.set_data_folder(elsewhere)
    assert resolve_home() == elsewhere.resolve()
    assert "next start" in window.settings.data_note.text()


def test_choosing_another_model_file_is_saved(qtbot: QtBot, window: MainWindow) -> None:
    models = window.reverie.home / "models"
    models.mkdir()
    (models / "tiny-instruct.Q4_K_M.gguf").write_bytes(b"GGUF" + b"\0" * 64)
    panel = window.settings
    panel.load()
    settle(qtbot, window)
    index = panel.model.findData(str(models / "tiny-instruct.Q4_K_M.gguf"))
    assert index > 0 and panel.model.itemText(0).startswith("Bundled")
    panel.model.setCurrentIndex(index)
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        panel.save_button.click()
    assert Settings.load(window.reverie.home).model.endswith("tiny-instruct.Q4_K_M.gguf")


def test_a_model_found_in_ollama_is_listed_and_chosen_in_one_click(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user who has Ollama's llama3.2:3b sees it in Settings, marked as the best fit for a
    16 GB computer, and one click makes it the model Reverie uses."""
    user = tmp_path / "user"
    digest = "f" * 64
    blob = write_fake_gguf(user / ".ollama" / "models" / "blobs" / f"sha256-{digest}")
    manifest = user / ".ollama/models/manifests/registry.ollama.ai/library/llama3.2/3b"
    manifest.parent.mkdir(parents=True)
    layer = {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}
    manifest.write_text(json.dumps({"layers": [layer]}))
    monkeypatch.setenv("HOME", str(user))
    for variable in ("OLLAMA_MODELS", "XDG_DATA_HOME"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(other_apps, "OLLAMA_SERVICE_FOLDERS", [])
    monkeypatch.setattr(catalog, "total_memory_bytes", lambda: 16 * GIB)
    panel = window.settings
    window.tabs.setCurrentWidget(panel)
    panel.load()
    settle(qtbot, window)
    index = panel.model.findData(str(blob))
    assert index > 0
    assert panel.model.itemText(index).startswith("llama3.2:3b")
    assert "Ollama" in panel.model.itemText(index) and "best fit" in panel.model.itemText(index)
    assert "16 GB of memory" in panel.model_advice.text()
    assert "llama3.2:3b" in panel.model_advice.text()
    assert panel.use_best_fit.isVisible() and panel.use_best_fit.isEnabled()
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        qtbot.mouseClick(panel.use_best_fit, Qt.MouseButton.LeftButton)
    assert Settings.load(window.reverie.home).model == str(blob)  # saved for the next start
    assert window.reverie.settings.model == str(blob)  # and used from the next answer
    assert panel.model.currentData() == str(blob)
    assert not panel.use_best_fit.isEnabled()
    assert "Reverie now uses llama3.2:3b" in panel.message.text()


def wheel(widget: QWidget, steps: int = -1) -> None:
    """One notch of the mouse wheel over the middle of `widget`."""
    middle = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(middle, widget.mapToGlobal(middle), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(widget, event)


def test_scrolling_over_a_number_field_leaves_it_alone(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.settings
    window.tabs.setCurrentWidget(panel)
    window.tabs.setFocus()
    before = panel.disk_cap.value()
    wheel(panel.disk_cap)
    wheel(panel.model)
    assert panel.disk_cap.value() == before and panel.proposed() == window.reverie.settings
    panel.disk_cap.setFocus()  # clicked or tabbed into: now the wheel is meant for it
    qtbot.waitUntil(panel.disk_cap.hasFocus, timeout=2000)
    wheel(panel.disk_cap)
    assert panel.disk_cap.value() == before - 1


def test_the_archive_preview_is_computed_when_the_page_opens(
    qtbot: QtBot, empty_window: MainWindow
) -> None:
    load_sample(empty_window.reverie)  # memories arrive after the window opened
    empty_window.tabs.setCurrentWidget(empty_window.settings)
    settle(qtbot, empty_window)
    live = len(list(empty_window.reverie.store.iter_live_memories()))
    assert live > 20 and f"of {live} active memories" in empty_window.settings.preview.text()


def test_number_fields_keep_the_width_their_values_need(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractSpinBox

    panel = window.settings
    window.resize(1280, 720)
    window.tabs.setCurrentWidget(panel)
    settle(qtbot, window)
    fields = panel.findChildren(QAbstractSpinBox)
    assert {panel.threshold, panel.scale, panel.interval, panel.disk_cap} <= set(fields)
    for field in fields:
        if not field.isVisibleTo(panel):
            continue
        # Wide enough for its largest value and suffix, not stretched across the page.
        assert field.sizeHint().width() <= field.width() <= 220, (field.text(), field.width())
        assert field.width() < panel.width() // 4
