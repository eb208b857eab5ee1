"""The flowdbg Textual application.

``FlowdbgApp`` can be built directly (tests) from a ``Definition`` and
either a ready ``Session`` or what it takes to make one. Start-up goes:
diagnostics screen (while the definition has errors) -> resume or input
modal (when no input was given) -> the main debugger screen.
"""
from __future__ import annotations

import collections
import os
import tempfile
from typing import Any, Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import Reactive

from flowdbg.engine.mocks import MockFileError, load_mocks
from flowdbg.engine.session import Session, SessionError

from .input_memory import InputMemory, default_inputs_store  # noqa: F401 (launch asks the app module)
from . import css_cache, startup_gc
from .mock_watch import MockWatcher
from .screens.error_screen import ErrorScreen
from .screens.main_screen import MainScreen

# The dialogs are imported when first opened: start-up time.


class FlowdbgApp(InputMemory, App[int]):
    """The debugger for one flow.

    ``session``: an existing session (tests, resume done by the caller), or
    ``None`` to create one with ``session_factory(definition, input)``
    (default: a plain ``Session`` with ``mocks``/``backends``/``seed``/
    ``start_time``). ``resume``: a callable ``definition -> Session`` tried
    first. ``input``: the execution input; ``None`` asks for it.
    ``startup_errors``: ``(title, message)`` pairs shown in an error modal
    once the debugger is up; ``notices``: ``(message, severity)`` toasts.
    ``local_prompt``: ``(title, message, answer)``: a yes/no question asked
    before anything runs (the sibling mock file's ``local:`` code); ``answer(yes)``
    may return a ``(message, severity)`` notice.
    """

    CSS_PATH = "app.tcss"
    #: the dialogs' and the other screens' rules: read before the first of
    #: them is pushed, or just after the main screen's first frame (parsed
    #: with the main screen's, they were ~28 M instructions of its start-up)
    DIALOG_CSS_PATH = "dialogs.tcss"
    TITLE = "flowdbg"
    # Size classes on every screen (dialogs tighten on a small terminal; the
    # main screen also sets -compact, see MainScreen._apply_size).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-medium"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit: the session journal is kept (--resume)"),
        Binding("question_mark,f1", "help", "Help", key_display="?", id="help",
                tooltip="Help: this list of keys"),
    ]
    #: Catppuccin Mocha: its success/error/warning/accent/secondary are
    #: distinct enough for the graph's outcome colours (any theme works).
    DEFAULT_THEME = "catppuccin-mocha"
    #: ... and the theme from the start: App.__init__ builds the stylesheet's
    #: variables from it. Switched in on_mount, it re-parsed every stylesheet
    #: and emptied the parse cache before the first frame (~60 ms). Not
    #: ``init``: its watcher would do the same switch again.
    theme: Reactive[str] = Reactive(DEFAULT_THEME, init=False)

    def __init__(self, definition, session: Session | None = None, *, mocks=None, backends=None,
                 input: Any = None, seed: int = 0, start_time: str | None = None,
                 session_factory: Callable | None = None, resume: Callable | None = None,
                 breaks: Iterable[str] = (), startup_errors: Iterable[tuple[str, str]] = (),
                 notices: Iterable[tuple[str, str]] = (), inputs_store: str | None = None,
                 server: dict | None = None, diagnostics_poll: float = 0.5, mocks_path: str | None = None,
                 local_prompt: tuple[str, str, Callable[[bool], tuple[str, str] | None]] | None = None,
                 mock_poll: float = 1.0):
        super().__init__()
        self.set_class(True, f"-theme-{self.theme}", update=False)  # what the theme's watcher adds
        css_cache.load(self.stylesheet)  # what earlier runs parsed (the variables are the theme's by now)
        self.definition = definition
        self.session = session
        self.mocks, self.backends = mocks, backends
        self.input = input
        self.seed, self.start_time = seed, start_time
        self.session_factory = session_factory
        self.resume = resume
        self.breaks = list(breaks)
        self.startup_errors = list(startup_errors)
        self.local_prompt = local_prompt
        self.notices = list(notices)
        self.inputs_store = inputs_store
        self.server = server
        self.diagnostics_poll = diagnostics_poll
        self.callback_results: collections.deque = collections.deque()  # filled by the HTTP sink
        self.main: MainScreen | None = None
        if mocks_path is None and session is not None and session.mocks.path:
            mocks_path = session.mocks.path
        elif mocks_path is None and mocks is not None and mocks.path:
            mocks_path = mocks.path
        self.mock_watcher = MockWatcher(definition.path, mocks_path)
        self.mock_poll = mock_poll

    # -- start-up -------------------------------------------------------------------
    _session_error: SessionError | None = None

    def get_default_screen(self):
        """The main screen itself when nothing is to be asked first (the
        usual start: a flow without errors, its input given, no local code
        to consent to, no journal to resume): it is composed and laid out
        with the app and drawn once. Pushed over Textual's empty default
        screen from on_mount, it was laid out twice and its first full frame,
        drawn while the app still mounted, was thrown away (start-up time)."""
        d = self.definition
        if self.local_prompt is None and self.resume is None and d.flow is not None and \
                (self.session is not None or self.input is not None):
            self._fresh_session = self.session is None
            if self.session is None:
                try:
                    self.session = self._make_session(d, self.input)
                except SessionError as e:  # said by _start, as a pushed main screen would
                    self._session_error = e
                    return super().get_default_screen()
            self._make_main()
            return self.main
        return super().get_default_screen()

    def on_mount(self) -> None:
        self.call_after_refresh(self.call_after_refresh, self._first_frame_drawn)
        self.theme = self.DEFAULT_THEME
        self.sub_title = self.definition.path
        self.set_interval(self.mock_poll, self._poll_mocks)
        if self.main is not None:  # the default screen (get_default_screen)
            self._main_opened()
            return
        if self.local_prompt is not None:  # before anything can call a function
            title, message, answer = self.local_prompt
            self.local_prompt = None

            def answered(yes: bool | None) -> None:
                notice = answer(bool(yes))
                if notice:
                    self.notices.append(notice)
                self._start(self.definition)
            from .screens.confirm_screen import ConfirmScreen
            self.push_screen(ConfirmScreen(title, message, yes="Run them", no="Mocks only"), answered)
            return
        self._start(self.definition)

    def _first_frame_drawn(self) -> None:
        startup_gc.resume()
        css_cache.save()  # if start-up parsed anything anew

    def _start(self, definition) -> None:
        if definition is None:
            return
        self.definition = definition
        if definition.flow is None:
            from .screens.diagnostics_screen import DiagnosticsScreen
            self.push_screen(DiagnosticsScreen(definition, poll=self.diagnostics_poll), self._start)
            return
        if self.session is None and self.resume is not None:
            resume, self.resume = self.resume, None
            try:
                self.session = resume(definition)
            except SessionError as e:
                why = ("Could not resume the session", f"{e}\n\nA new session starts instead.")
                if self.session is None and self.input is None:
                    # Say so before asking for an input, not after.
                    self.push_screen(ErrorScreen(*why), lambda _: self._start(definition))
                    return
                self.startup_errors.append(why)
            else:
                for w in self.session.resume_warnings:
                    self.notices.append((w, "warning"))
        self._fresh_session = self.session is None
        if self.session is None:
            if self.input is None:
                initial, source = self._initial_input()
                from .screens.input_screen import InputScreen
                self.push_screen(InputScreen(definition.path, initial, source), self._input_given)
                return
            try:
                err, self._session_error = self._session_error, None
                if err is not None:
                    raise err
                self.session = self._make_session(definition, self.input)
            except SessionError as e:
                self.push_screen(ErrorScreen("Could not start the session", str(e)), lambda _: self.exit(2))
                return
        self._open_main()

    def _make_session(self, definition, value) -> Session:
        if self.session_factory is not None:
            return self.session_factory(definition, value)
        return Session(definition, value, mocks=self.mocks, backends=self.backends, seed=self.seed,
                       start_time=self.start_time)

    def _input_given(self, value) -> None:
        if value is None:
            self.exit(0)
            return
        self.input = value
        self._remember_input(value)
        self._start(self.definition)

    def _open_main(self) -> None:
        self._make_main()
        self.push_screen(self.main)
        self._main_opened()

    def _make_main(self) -> None:
        s = self.session
        for name in self.breaks:
            if any(b.state == name and b.event is None for b in s.breakpoints):
                continue
            try:
                s.add_breakpoint(name)
            except SessionError as e:
                self.notices.append((f"--break {name}: {e}", "error"))
        self.title = f"flowdbg — {s.definition.flow.name or 'flow'}"
        self.sub_title = s.definition.path
        self.main = MainScreen(s, self.server)
        self._preset_size_classes(self.main)

    _dialog_css_read = False

    def load_dialog_css(self) -> None:
        """Add the dialogs' rules to the stylesheet (once). They match only
        the nodes of the screens they are for, so nothing on screen is
        styled again; the stylesheet parses the new file alone when it
        next styles a node (Textual keeps what it parsed before)."""
        if self._dialog_css_read:
            return
        self._dialog_css_read = True
        self.stylesheet.read(os.path.join(os.path.dirname(os.path.abspath(__file__)), self.DIALOG_CSS_PATH))

    def _main_opened(self) -> None:
        self.call_after_refresh(self.call_after_refresh, self.load_dialog_css)  # after the first frame
        for message, severity in self.notices:
            self.notify(message, severity=severity, timeout=12)
        for title, message in self.startup_errors:
            self.push_screen(ErrorScreen(title, message))

    def _preset_size_classes(self, screen: MainScreen) -> None:
        """Give the screen the classes its first resize would add (the size
        breakpoints, -compact) before it mounts: added after, each restyles
        every pane once more (start-up time)."""
        w, h = self.size
        for value, points in ((w, self.HORIZONTAL_BREAKPOINTS), (h, self.VERTICAL_BREAKPOINTS)):
            chosen = next((name for at, name in sorted(points, reverse=True) if value >= at), None)
            for _, name in points:
                screen.set_class(name == chosen, name, update=False)
        screen.set_class(w < screen.COMPACT_WIDTH or h < screen.COMPACT_HEIGHT, "-compact", update=False)

    # -- the mock file ------------------------------------------------------------------
    @property
    def mocks_path(self) -> str:
        """The mock file to edit (or create) for this flow."""
        return self.mock_watcher.path

    def _poll_mocks(self) -> None:
        if self.main is not None and not self.main.busy:
            self.check_mocks()

    def check_mocks(self) -> bool:
        """Reload the mock file if it changed (call only while the engine is
        idle: before a stepping verb, or from the timer). A broken edit is
        reported with file:line:col and the previous mocks stay in use.
        Returns True when new mocks were installed."""
        session = self.session
        if session is None:  # not yet: the change is picked up once the session exists
            return False
        change = self.mock_watcher.changed()
        if change is None:
            return False
        path, exists = change
        if not exists:
            self.notify(f"{path} is gone; the mocks loaded before stay in use until it is back.",
                        severity="warning", title="Mock file")
            return False
        try:
            mocks = load_mocks(path)
        except MockFileError as e:
            lines = "\n".join(d.format(path) for d in e.diagnostics[:6])
            more = f"\n… and {len(e.diagnostics) - 6} more" if len(e.diagnostics) > 6 else ""
            self.notify(f"{lines}{more}\nThe mocks loaded before stay in use; fix the file and save again.",
                        severity="error", title="Mock file not reloaded", timeout=20)
            return False
        old = session.mocks
        session.set_mocks(mocks)
        note = ""
        if (old.local, old.live) != (mocks.local, mocks.live):
            note = "\nlocal:/live: changes take effect when flowdbg starts again."
        self.notify(f"Mock file reloaded: {path}. Its answers apply from the next call on "
                    f"(continue, or r to restart).{note}", title="Mocks")
        from .launch import mock_warnings
        warnings = mock_warnings(session.definition.flow, mocks)
        if warnings:
            self.notify(warnings, severity="warning", title="Mock file", timeout=20)
        return True

    # -- helpers used by screens ----------------------------------------------------------
    def help_groups(self) -> list:
        """``(title, bindings)`` for the help screen: every screen's and
        widget's BINDINGS, in the order a user meets them."""
        from textual.screen import Screen
        from .screens.breakpoint_screen import BreakpointScreen
        from .screens.callbacks_screen import CallbacksScreen
        from .screens.confirm_screen import ConfirmScreen
        from .screens.input_screen import InputScreen
        from .screens.watch_screen import WatchScreen
        from .widgets.breakpoint_list import BreakpointList
        from .widgets.json_tree import JsonTree
        from .widgets.scope_list import ScopeList
        from .widgets.source_view import SourceView
        from .widgets.state_graph import StateGraph
        from .widgets.watch_list import WatchList
        general = list(self.BINDINGS) + [Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Palette",
                                                 tooltip="Command palette: every command by name")]
        general += [b for b in Screen.BINDINGS if isinstance(b, Binding)]
        groups = [("Debugger", MainScreen), ("Graph", StateGraph), ("Source", SourceView), ("Values", JsonTree),
                  ("Scopes", ScopeList), ("Breakpoints", BreakpointList), ("Watches", WatchList),
                  ("Callbacks dialog", CallbacksScreen), ("Breakpoint editor", BreakpointScreen),
                  ("Watch dialog", WatchScreen), ("Input editor", InputScreen), ("Questions", ConfirmScreen)]
        own = [(title, cls.__dict__.get("BINDINGS", [])) for title, cls in groups]  # not the inherited ones
        return own[:1] + [("Everywhere", general)] + own[1:]

    def action_help(self) -> None:
        from .screens.help_screen import HelpScreen
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_groups()))

    def crash_log_path(self) -> str:
        return os.path.join(tempfile.gettempdir(), "flowdbg-tui-errors.log")

    def log_error(self, text: str) -> None:
        try:
            with open(self.crash_log_path(), "a", encoding="utf-8") as f:
                f.write(text + "\n")
        except OSError:
            pass

    def push_screen(self, screen, *args, **kwargs):
        """A dialog opens over no toast: what they said is behind it (or
        gone) by the time it closes; the dialog says its own results. Every
        screen pushed has the dialogs' rules (load_dialog_css)."""
        from textual.screen import ModalScreen
        self.load_dialog_css()
        if isinstance(screen, ModalScreen):
            self.clear_notifications()
        return super().push_screen(screen, *args, **kwargs)

    def report_callback_results(self) -> None:
        """Toast the outcome of callbacks that came in over HTTP."""
        while self.callback_results:
            report, res = self.callback_results.popleft()
            what = "ReportTaskSucceeded" if report.succeeded else "ReportTaskFailed"
            if res.accepted:
                self.notify(f"{what} accepted (over HTTP). Continue (c) to go on.", title="Callback")
            else:
                self.notify(f"{what} refused: {res.reason}", severity="error", title="Callback")

    def get_system_commands(self, screen):
        """Textual's commands, then every key of the debugger, made from
        MainScreen.BINDINGS (title: the tooltip up to its colon)."""
        from functools import partial
        from .screens.help_screen import key_text
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            for b in screen.BINDINGS:
                tip = b.tooltip or b.description
                title, _, rest = tip.partition(": ")
                yield SystemCommand(title, f"{rest[:1].upper()}{rest[1:]} ({key_text(self, b)})".lstrip(" "),
                                    partial(screen.call_later, screen.run_action, b.action))
                from .widgets.state_graph import StateGraph
            graph = screen.query_one(StateGraph)
            for b in StateGraph.BINDINGS:  # the graph's zoom, from anywhere
                if b.tooltip:
                    title, _, rest = b.tooltip.partition(": ")
                    yield SystemCommand(title, f"{rest[:1].upper()}{rest[1:]} ({key_text(self, b)})",
                                        partial(screen.call_later, graph.run_action, b.action))
        yield SystemCommand("Help", "Keys and panes (?)", self.action_help)

    async def action_quit(self) -> None:
        if self.main is not None and self.main.busy:
            self.main.session.pause()  # the worker stops within one unit
        self.exit(0)
