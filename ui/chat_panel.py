"""The chat panel: ask, watch the answer stream in, open the memories it cites."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.runtime import Reverie
from app.services.answer import Answer, Citation
from app.services.chat import ChatSession
from ui.formatting import short, source_line
from ui.memory_dialog import MemoryDialog
from ui.tasks import EngineRunner, Job


class Bubble(QLabel):
    def __init__(self, text: str, role: str) -> None:
        super().__init__(text)
        self.setObjectName(f"{role}Bubble")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setTextFormat(Qt.TextFormat.PlainText)


class AnswerView(QFrame):
    """One answer: its text (streamed only when a capable model phrases it), then citation
    chips and the memories considered."""

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerView")
        self.question = question
        self.answer: Answer | None = None
        self.dialogs: list[MemoryDialog] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = Bubble("", "reverie")
        self.status = QLabel("Looking through your memories…")
        self.status.setObjectName("answerStatus")
        layout.addWidget(self.text)
        layout.addWidget(self.status)
        self.chips = QHBoxLayout()
        self.chips.setAlignment(Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(self.chips)
        self.saw_button = QToolButton()
        self.saw_button.setCheckable(True)
        self.saw_button.setVisible(False)
        self.saw_button.toggled.connect(self._show_context)
        layout.addWidget(self.saw_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.saw = QListWidget()
        self.saw.setObjectName("modelSaw")
        self.saw.setWordWrap(True)
        self.saw.setMaximumHeight(140)
        self.saw.setVisible(False)
        layout.addWidget(self.saw)

    def append(self, piece: str) -> None:
        if not self.text.text():
            self.status.setText("Answering…")
        self.text.setText(self.text.text() + piece)

    def finish(self, answer: Answer) -> None:
        self.answer = answer
        # The streamed words are replaced when they were not supported by the memories (the
        # engine then quotes the most relevant memory instead): show what the engine decided.
        self.text.setText(answer.text)
        if answer.abstained:
            self.status.setText("No memory answers this, so Reverie did not guess.")
            self.setProperty("abstained", True)
        elif answer.quoted:
            self.status.setText("The model's own words were not backed by a memory; quoted one.")
        else:
            self.status.setText("")
        self.status.setVisible(bool(self.status.text()))
        for citation in answer.citations:
            chip = QPushButton(f"[{citation.number}] {short(citation.hit.memory.text, 40)}")
            chip.setObjectName("citationChip")
            chip.setToolTip(f"Open memory #{citation.hit.memory.id} and its evidence")
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.clicked.connect(lambda _=False, c=citation: self.open_citation(c))
            self.chips.addWidget(chip)
        for number, hit in enumerate(answer.shown, start=1):
            origin = source_line(hit.sources[0]) if hit.sources else "added by hand"
            self.saw.addItem(f"[{number}] {hit.memory.text}\n    {origin}")
        if answer.shown:
            self.saw_button.setText(f"Memories considered ({len(answer.shown)})")
            self.saw_button.setVisible(True)

    def fail(self, message: str) -> None:
        self.status.setText(f"Could not answer: {message}")
        self.setProperty("failed", True)

    def open_citation(self, citation: Citation) -> MemoryDialog:
        dialog = MemoryDialog(citation.hit.memory, list(citation.hit.sources), self)
        self.dialogs.append(dialog)
        dialog.show()
        return dialog

    def chip_buttons(self) -> list[QPushButton]:
        items = (self.chips.itemAt(i) for i in range(self.chips.count()))
        return [w for item in items if item and isinstance(w := item.widget(), QPushButton)]

    def _show_context(self, shown: bool) -> None:
        self.saw.setVisible(shown)


class ChatPanel(QWidget):
    answered = Signal(object)  # Answer
    memories_changed = Signal()

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie = reverie
        self.runner = runner
        self.views: list[AnswerView] = []
        self.last_answer: Answer | None = None  # what "that's wrong, it's …" corrects
        layout = QVBoxLayout(self)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.transcript = QWidget()
        self.transcript.setObjectName("transcript")
        self.lines = QVBoxLayout(self.transcript)
        self.lines.addStretch(1)
        hint = QLabel(
            "Ask about anything you told Reverie or imported: “When is Ana's birthday?”, "
            "“What did I decide about the flat?”. Answers cite the memories they come from; "
            "what you say here is remembered too."
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.lines.addWidget(hint)
        self.scroller.setWidget(self.transcript)
        layout.addWidget(self.scroller, 1)
        row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setPlaceholderText("Ask Reverie, or tell it something to remember…")
        self.input.returnPressed.connect(self.send)
        self.send_button = QPushButton("Send")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        row.addWidget(self.input, 1)
        row.addWidget(self.send_button)
        layout.addLayout(row)

    def send(self) -> None:
        text = self.input.text().strip()
        if text and self.send_button.isEnabled():
            self.input.clear()
            self.ask(text)

    def ask(self, question: str) -> Job:
        row = QHBoxLayout()
        row.addStretch(1)
        bubble = Bubble(question, "user")
        bubble.setMaximumWidth(620)
        row.addWidget(bubble)
        self.lines.addLayout(row)
        view = AnswerView(question)
        self.views.append(view)
        self.lines.addWidget(view)
        self._busy(True)
        job = self.runner.submit(
            "answering",
            lambda job: self._say(question, job),
            on_done=lambda answer: self._done(view, answer),
            on_error=lambda message: self._failed(view, message),
        )
        job.token.connect(view.append)
        QTimer.singleShot(0, self._scroll_to_end)
        return job

    def _say(self, question: str, job: Job) -> Answer:
        # Built per question: the model and the forgetting settings may have changed since.
        r = self.reverie
        session = ChatSession(
            r.store, r.index, r.model, r.params, previous=self.last_answer, entities=r.entities
        )
        return session.say(question, r.now(), on_token=job.emit_token)

    def _done(self, view: AnswerView, answer: Answer) -> None:
        self.last_answer = answer
        self._busy(False)
        view.finish(answer)
        self.answered.emit(answer)
        self.memories_changed.emit()  # what the user said is now a memory
        QTimer.singleShot(0, self._scroll_to_end)

    def _failed(self, view: AnswerView, message: str) -> None:
        self._busy(False)
        view.fail(message)

    def _busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.send_button.setText("Answering…" if busy else "Send")

    def _scroll_to_end(self) -> None:
        bar = self.scroller.verticalScrollBar()
        bar.setValue(bar.maximum())
