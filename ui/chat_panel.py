"""The chat panel: ask, watch the answer stream in, open the memories it cites."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.records import Evidence, Memory
from app.runtime import Reverie
from app.services.answer import Answer, Citation
from app.services.chat import ChatSession
from app.services.conversations import PastCitation, PastMessage, past_conversation
from app.services.examples import example_questions
from app.storage.conversation_store import Conversation, ConversationStore, new_session
from ui.formatting import short, source_line, when
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

    citation_opened = Signal(object)  # the MemoryDialog a chip opened

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
            memory = citation.hit.memory
            self._add_chip(citation.number, citation.excerpt, memory.id, memory.text,
                           partial(self.open_citation, citation))  # fmt: skip
        for number, hit in enumerate(answer.shown, start=1):
            origin = source_line(hit.sources[0]) if hit.sources else "added by hand"
            self.saw.addItem(f"[{number}] {hit.memory.text}\n    {origin}")
        if answer.shown:
            self.saw_button.setText(f"Memories considered ({len(answer.shown)})")
            self.saw_button.setVisible(True)

    def restore(self, text: str, citations: Sequence[PastCitation]) -> None:
        """An answer of a reopened conversation: its words and its chips, which open the
        memories as they are now."""
        self.status.setVisible(False)
        self.text.setText(text)
        for c in citations:
            memory = c.memory
            if memory is None:
                self._add_chip(c.number, c.excerpt, c.memory_id, "", None)
            else:
                self._add_chip(c.number, c.excerpt, c.memory_id, memory.text,
                               partial(self.open_memory, memory, list(c.sources)),
                               c.state)  # fmt: skip

    def _add_chip(
        self,
        number: int,
        excerpt: str,
        memory_id: int,
        text: str,
        open_it: Callable[[], object] | None,
        state: str = "",
    ) -> None:
        """A citation chip; `open_it` None: the memory was deleted for good since."""
        # A short answer (a date, a name) shows the words it was taken from on its chip.
        said = f"“{short(excerpt, 70)}”" if excerpt else short(text, 40)
        gone = open_it is None
        label = f"[{number}] {said or 'deleted memory'}"
        if said and (gone or state):
            label += " (deleted)" if gone else f" ({state})"
        chip = QPushButton(label)
        chip.setObjectName("citationChip")
        tip = f"“{excerpt}”\n" if excerpt else ""
        if open_it is None:
            chip.setToolTip(f"{tip}The memory it cited was deleted for good since this answer")
            chip.setEnabled(False)
        else:
            chip.setToolTip(
                f"{tip}Open memory #{memory_id} and its evidence"
                + (f" (it was {state} since this answer)" if state else "")
            )
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.clicked.connect(lambda _=False: open_it())
        self.chips.addWidget(chip)

    def fail(self, message: str) -> None:
        self.status.setText(f"Could not answer: {message}")
        self.setProperty("failed", True)

    def open_citation(self, citation: Citation) -> MemoryDialog:
        return self.open_memory(citation.hit.memory, list(citation.hit.sources))

    def open_memory(self, memory: Memory, sources: list[Evidence]) -> MemoryDialog:
        dialog = MemoryDialog(memory, sources, self)
        self.dialogs.append(dialog)
        self.citation_opened.emit(dialog)
        dialog.show()
        return dialog

    def chip_buttons(self) -> list[QPushButton]:
        items = (self.chips.itemAt(i) for i in range(self.chips.count()))
        return [w for item in items if item and isinstance(w := item.widget(), QPushButton)]

    def _show_context(self, shown: bool) -> None:
        self.saw.setVisible(shown)


EMPTY_HINT = (
    "<b>Ask about anything you told Reverie or imported.</b> Answers cite the memories they"
    " come from; what you say here is remembered too (“my sister's birthday is on 28 March”)."
)
NO_MEMORIES_HINT = (
    "<b>Nothing to ask about yet.</b> Import a chat log (the Import tab, or drop a file on the"
    " window), or just tell Reverie something to remember: “my bike lock code is 4417”."
)


class ChatPanel(QWidget):
    """Conversations on the left (restored after a restart), the open one on the right."""

    answered = Signal(object)  # Answer
    memories_changed = Signal()
    show_memory = Signal(int)  # a citation's "Show in Memories"

    def __init__(self, reverie: Reverie, runner: EngineRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.reverie = reverie
        self.runner = runner
        self.views: list[AnswerView] = []
        self.last_answer: Answer | None = None  # what "that's wrong, it's …" corrects
        self.session: str | None = None  # the open conversation; None: a new one
        self.examples: list[str] = []
        self._follow = True  # keep the newest message in view until the user scrolls away
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter)

        side = QWidget()
        side.setObjectName("conversationPane")
        side_layout = QVBoxLayout(side)
        self.new_button = QPushButton("New conversation")
        self.new_button.setObjectName("newConversation")
        self.new_button.setToolTip("Start a new conversation (Ctrl+N)")
        self.new_button.setShortcut("Ctrl+N")
        self.new_button.clicked.connect(self.new_conversation)
        side_layout.addWidget(self.new_button)
        self.conversations = QListWidget()
        self.conversations.setObjectName("conversationList")
        self.conversations.setWordWrap(True)  # long titles wrap instead of scrolling sideways
        self.conversations.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.conversations.itemClicked.connect(self._picked)
        side_layout.addWidget(self.conversations, 1)
        splitter.addWidget(side)

        main = QWidget()
        layout = QVBoxLayout(main)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.transcript = QWidget()
        self.transcript.setObjectName("transcript")
        self.lines = QVBoxLayout(self.transcript)
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.lines.addWidget(self.hint)
        self.example_row = QHBoxLayout()
        self.example_row.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.lines.addLayout(self.example_row)
        self.lines.addStretch(1)
        self.scroller.setWidget(self.transcript)
        bar = self.scroller.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.actionTriggered.connect(self._user_scrolled)
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
        splitter.addWidget(main)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 780])

    # ------------------------------------------------------------ conversations

    def reload(self, open_latest: bool = False) -> None:
        """The conversation list (and, at start, the latest conversation: restored)."""

        def work(_: Job) -> tuple[list[Conversation], list[str]]:
            listing = ConversationStore(self.reverie.store).conversations()
            return listing, example_questions(self.reverie.store)

        def done(result: tuple[list[Conversation], list[str]]) -> None:
            listing, self.examples = result
            self._show_conversations(listing)
            self._show_examples()
            if open_latest and listing and self.session is None and not self.views:
                self.open_conversation(listing[0].session)

        self.runner.submit("loading conversations", work, on_done=done)

    def _show_conversations(self, listing: list[Conversation]) -> None:
        self.conversations.clear()
        for conversation in listing:
            item = QListWidgetItem(f"{short(conversation.title, 34)}\n{when(conversation.last)}")
            item.setData(Qt.ItemDataRole.UserRole, conversation.session)
            item.setToolTip(f"{conversation.title}\n{conversation.messages} messages")
            self.conversations.addItem(item)
            if conversation.session == self.session:
                item.setSelected(True)

    def _picked(self, item: QListWidgetItem) -> None:
        self.open_conversation(str(item.data(Qt.ItemDataRole.UserRole)))

    def open_conversation(self, session: str) -> Job:
        store = self.reverie.store
        return self.runner.submit(
            "loading a conversation",
            lambda _: past_conversation(store, session),
            on_done=lambda said: self._show_transcript(session, said),
        )

    def _show_transcript(self, session: str, said: list[PastMessage]) -> None:
        self._clear()
        self.session = session
        for message in said:
            if message.said.role == "user":
                self._user_bubble(message.said.content)
            else:
                view = AnswerView("")
                view.restore(message.said.content, message.citations)
                self._add_answer_view(view)
        self._set_empty(not said)
        self._follow = True
        self._scroll_to_end()
        for index in range(self.conversations.count()):
            item = self.conversations.item(index)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) == session)

    def new_conversation(self) -> None:
        self._clear()
        self.session = None
        self._set_empty(True)
        self.conversations.clearSelection()
        self.input.setFocus()

    def _clear(self) -> None:
        self.last_answer = None
        self.views = []
        # Everything after the hint, the examples and before the stretch goes.
        while self.lines.count() > 3:
            item = self.lines.takeAt(2)
            if item is None:
                break
            _dispose(item)

    def _set_empty(self, empty: bool) -> None:
        """The hint and examples show only in an empty conversation."""
        self.hint.setVisible(empty)
        for button in self.example_buttons():
            button.setVisible(empty)

    def _show_examples(self) -> None:
        while self.example_row.count():
            item = self.example_row.takeAt(0)
            if item is not None:
                _dispose(item)
        self.hint.setText(EMPTY_HINT if self.examples else NO_MEMORIES_HINT)
        for question in self.examples:
            button = QPushButton(question)
            button.setObjectName("exampleQuestion")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, q=question: self.ask(q))
            self.example_row.addWidget(button)
        self._set_empty(not self.views)

    def example_buttons(self) -> list[QPushButton]:
        items = (self.example_row.itemAt(i) for i in range(self.example_row.count()))
        return [w for item in items if item and isinstance(w := item.widget(), QPushButton)]

    # ------------------------------------------------------------ asking

    def send(self) -> None:
        text = self.input.text().strip()
        if text and self.send_button.isEnabled():
            self.input.clear()
            self.ask(text)

    def _user_bubble(self, text: str) -> None:
        row = QHBoxLayout()
        row.addStretch(1)
        bubble = Bubble(text, "user")
        bubble.setMaximumWidth(620)
        row.addWidget(bubble)
        self.lines.insertLayout(self.lines.count() - 1, row)
        # A word-wrapped label asks for a narrow width (Qt guesses one), so a short question
        # wrapped onto two or three lines beside empty space: ask for the text's own width,
        # plus the style sheet's padding (known once the bubble is in the window).
        bubble.ensurePolished()
        padding = bubble.width() - bubble.contentsRect().width()
        wanted = bubble.fontMetrics().horizontalAdvance(text) + padding + 4
        bubble.setMinimumWidth(min(620, wanted))

    def _add_answer_view(self, view: AnswerView) -> None:
        self.views.append(view)
        view.citation_opened.connect(self._citation_opened)
        self.lines.insertWidget(self.lines.count() - 1, view)

    def _citation_opened(self, dialog: MemoryDialog) -> None:
        dialog.pin_requested.connect(lambda i, pinned: self._pin(dialog, i, pinned))
        dialog.show_requested.connect(self.show_memory)

    def _pin(self, dialog: MemoryDialog, memory_id: int, pinned: bool) -> None:
        store = self.reverie.store

        def work(_: Job) -> Memory:
            return store.set_pinned(memory_id, pinned, self.reverie.now())

        def done(memory: Memory) -> None:
            dialog.show_memory(memory)
            self.memories_changed.emit()

        dialog.pin_button.setEnabled(False)
        job = self.runner.submit("pinning", work, on_done=done, on_error=dialog.facts.setText)
        job.finished.connect(lambda: dialog.pin_button.setEnabled(True))

    def ask(self, question: str) -> Job:
        if self.session is None:
            self.session = new_session(self.reverie.now())
        self._set_empty(False)
        self._user_bubble(question)
        view = AnswerView(question)
        self._add_answer_view(view)
        self._busy(True)
        self._follow = True
        session = self.session
        job = self.runner.submit(
            "answering",
            lambda job: self._say(question, session, job),
            on_done=lambda answer: self._done(view, answer),
            on_error=lambda message: self._failed(view, message),
        )
        job.token.connect(view.append)
        return job

    def _say(self, question: str, session: str, job: Job) -> Answer:
        # Built per question: the model and the forgetting settings may have changed since.
        r = self.reverie
        chat = ChatSession(r.store, r.index, r.model, r.params, previous=self.last_answer,
                           entities=r.entities, session=session)  # fmt: skip
        return chat.say(question, r.now(), on_token=job.emit_token)

    def _done(self, view: AnswerView, answer: Answer) -> None:
        self.last_answer = answer
        self._busy(False)
        view.finish(answer)
        self.answered.emit(answer)
        self.memories_changed.emit()  # what the user said is now a memory
        self.reload()  # the conversation is listed (or moves to the top)

    def _failed(self, view: AnswerView, message: str) -> None:
        self._busy(False)
        view.fail(message)

    def _busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.send_button.setText("Answering…" if busy else "Send")

    # ------------------------------------------------------------ scrolling

    def _range_changed(self, _low: int, high: int) -> None:
        # The transcript grew (a question, an answer, its chips): the newest stays in view.
        if self._follow:
            self.scroller.verticalScrollBar().setValue(high)

    def _user_scrolled(self, _action: int) -> None:
        bar = self.scroller.verticalScrollBar()
        self._follow = bar.sliderPosition() >= bar.maximum()

    def _scroll_to_end(self) -> None:
        bar = self.scroller.verticalScrollBar()
        bar.setValue(bar.maximum())


def _dispose(item: QLayoutItem) -> None:
    """Remove a layout item with its widgets (a user bubble is a layout holding one)."""
    widget = item.widget()
    if widget is not None:
        widget.hide()
        widget.deleteLater()
        return
    layout = item.layout()
    if layout is not None:
        while layout.count():
            child = layout.takeAt(0)
            if child is not None:
                _dispose(child)
        layout.deleteLater()
