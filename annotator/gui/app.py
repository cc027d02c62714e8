"""Starting the GUI: the QApplication, settings, the analyst's name, and opening a project.

Nothing under ``annotator.gui`` imports this module: a window that opens another
project calls the ``open_other`` function it was built with (see :func:`open_window`).

With no project given, the default project in the annotator home is opened,
created on first start with the sample corpus from ``seeds/``.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import getpass
import logging
import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from annotator import __version__
from annotator.core import paths
from annotator.core.gcpause import resume_after_start
from annotator.core.errors import AnnotatorError
from annotator.core.formats.documents import import_seeds
from annotator.core.store import Store, needs_upgrade
from annotator.core.store.backup import DEFAULT_KEEP
from annotator.gui import check_pyside, opening_backup
from annotator.gui.background import run_in_background
from annotator.gui.controllers import durability
from annotator.gui.session import ProjectSession
from annotator.gui.settings import settings
from annotator.gui.window.main_window import MainWindow
from annotator.gui.window_fit import first_layout, keep_on_screen

#: Libraries Qt's X11 (xcb) platform plugin loads, with the Debian/Ubuntu package that provides each.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4", "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1", "xcb-randr": "libxcb-randr0", "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0", "xcb-xkb": "libxcb-xkb1", "xkbcommon-x11": "libxkbcommon-x11-0",
}

#: Open windows, so they are not garbage-collected while shown.
_WINDOWS: list[QWidget] = []


def default_user() -> str:
    try:
        return os.environ.get("ANNOTATOR_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


def resolve_user(store_settings: QSettings, explicit: str | None, parent: QWidget | None = None) -> str:
    """The analyst's name: ``--user``, else the remembered name, else ``$ANNOTATOR_USER``, else asked once."""
    name = (explicit or store_settings.value("user") or "").strip()
    if not name and os.environ.get("ANNOTATOR_USER"):
        name = os.environ["ANNOTATOR_USER"].strip()
    if not name:
        name, ok = QInputDialog.getText(
            parent, "Welcome to annotator", "Your name, recorded on every annotation you make:", text=default_user()
        )
        name = name.strip() if ok and name.strip() else default_user()
    store_settings.setValue("user", name)
    return name


def x_server_answers(display: str, find=ctypes.util.find_library) -> bool:
    """Whether an X server answers at ``display``, asked through libxcb as Qt will (True if libxcb is not found:
    then Qt's own message is the clearer one)."""
    name = find("xcb")
    if name is None:
        return True
    try:
        xcb = ctypes.CDLL(name)
    except OSError:
        return True
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)  # never NULL: a failed connection reports its error
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def check_display(env: dict | None = None, platform: str = sys.platform, find=ctypes.util.find_library,
                  answers=x_server_answers) -> None:
    """Refuse to start, with a sentence, where Qt would abort: no display, X11 libraries missing, or a DISPLAY
    no X server answers at (Linux)."""
    env = os.environ if env is None else env
    if not platform.startswith("linux"):
        return
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return
    if not chosen and env.get("WAYLAND_DISPLAY"):
        return
    if not env.get("DISPLAY"):
        raise AnnotatorError(
            "No display found: run annotator in a desktop session (or set QT_QPA_PLATFORM=offscreen for scripts)."
        )
    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if find(lib) is None]
    if missing:
        raise AnnotatorError(
            "Qt cannot open a window because system libraries are missing; install them with: "
            f"sudo apt-get install {' '.join(missing)}"
        )
    if not answers(env["DISPLAY"]):
        raise AnnotatorError(
            f"No X server answers at DISPLAY={env['DISPLAY']}: run annotator in a desktop session (or set "
            "QT_QPA_PLATFORM=offscreen for scripts)."
        )


def open_store(project: str | os.PathLike | None) -> Store:
    """Open ``project``, or the default project (created with the sample corpus on first start)."""
    path = Path(project) if project is not None else paths.default_project()
    if needs_upgrade(path):
        upgrade(path)
    if project is not None:
        return Store.open(project, create=True)
    store = Store.open(path, create=True)
    if store.meta("seeded") is None and not store.readonly and not store.documents():
        import_seeds(store)
    return store


def upgrade(path: Path) -> None:
    """Upgrade a project written by an older annotator off the GUI thread: a migration may take a while (0007
    detects every document's language, loading the language model first), and the window must not freeze."""

    def job(progress) -> None:
        Store.open(path, create=False).close()

    run_in_background(None, "Upgrading the project", job,
                      text=f"Upgrading {path.name} for this version of annotator…")


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("annotator")
        app.setApplicationVersion(__version__)
        app.setOrganizationName("annotator")
    families = set(QFontDatabase.families())
    for family in ("Noto Sans", "DejaVu Sans", "Liberation Sans"):
        if family in families:
            app.setFont(QFont(family, 10))
            break
    return app


def backups_to_keep(store_settings: QSettings) -> int:
    """How many rolling backups of each project to keep: ``backups/keep`` in settings.ini (0 turns them off)."""
    try:
        return max(0, int(store_settings.value("backups/keep", DEFAULT_KEEP)))
    except (TypeError, ValueError):
        return DEFAULT_KEEP


def _open_or_restore(project) -> Store | None:
    """The project's store; when it cannot be opened and backups exist, the latest offered in its place."""
    try:
        return open_store(project)
    except AnnotatorError as exc:
        restored = durability.offer_backup(Path(project) if project is not None else paths.default_project(),
                                           str(exc))
        if restored is None:
            return None
        try:
            return open_store(restored)
        except AnnotatorError as again:
            QMessageBox.critical(None, "annotator", str(again))
            return None


def open_window(project, store_settings: QSettings, user: str | None = None) -> MainWindow | None:
    """Open ``project`` in a new main window; on failure show why and return None."""
    store = _open_or_restore(project)
    if store is None:
        return None
    try:
        team = store.team()  # a project joined to a team records its edits under the member's login
        session = ProjectSession(store, team.member if team is not None else resolve_user(store_settings, user))
    except AnnotatorError as exc:
        store.close()
        QMessageBox.critical(None, "annotator", str(exc))
        return None

    def open_other(path: str, replace: bool) -> bool:
        """How the window opens another project: in a window of its own, closing this one with ``replace``."""
        opened = open_window(path, store_settings, session.user)
        if opened is not None and replace:
            window.close()
        return opened is not None

    window = MainWindow(session, store_settings, open_other)
    session.setParent(window)
    window.destroyed.connect(lambda *_: store.close())
    _WINDOWS.append(window)
    first_start = store_settings.value("window_state") is None
    window.show()
    keep_on_screen(window)  # now that the window manager's frame is known
    if store.damaged_log:
        window.statusBar().showMessage(store.damaged_log, 30000)
        durability.tell_damaged_log(window, store.damaged_log)
    if first_start:
        first_layout(window)
    if not store.readonly:  # the rolling backup, once the window shows: in a worker thread, aborted if it closes
        opening_backup.start(store, backups_to_keep(store_settings), window.statusBar(), window)
    # Modules, classes, Qt wrappers and the window's own objects live as long as the app: take them out of
    # the cyclic collector's sight, so a full collection later (during an import, say) has far less to walk; and
    # the collector, paused for the start (``annotator``'s gui command), runs again.
    resume_after_start()
    return window


def run(project: str | None = None, user: str | None = None) -> int:
    """``annotator [PROJECT]``: show the window and run the event loop."""
    check_pyside()
    check_display()
    app = application()
    store_settings = settings()
    if project is not None:
        project = str(Path(project).expanduser())
    window = open_window(project, store_settings, user)
    if window is None:
        return 2
    return leave(app, store_settings, app.exec())


def leave(app: QApplication, store_settings: QSettings, code: int) -> int:
    """Once the event loop has ended: stop the opening backups still running, close every project, write the
    settings, and end the process at once.

    Python's own teardown (freeing every module, Qt wrapper and widget one by one) took 0.3–1.5 s after a
    session that had loaded the charts and the language model; everything that matters is done here instead:
    projects closed (WAL checkpointed), settings written, logs flushed, Qt shut down (it hands the clipboard
    to the clipboard manager). While another (non-daemon) thread still runs, the ordinary exit is taken.
    """
    opening_backup.stop_all()  # a backup not finished leaves no file: the next opening takes it again
    for window in _WINDOWS:
        window.session.store.close()
    store_settings.sync()
    if any(not t.daemon and t is not threading.main_thread() for t in threading.enumerate()):
        return code  # the ordinary exit waits for that thread
    logging.shutdown()
    app.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # no stream, a closed pipe
            stream.flush()
    os._exit(code)
