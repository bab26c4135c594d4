"""The one task policy: a capped pool, threads set up once for torch, and one slot per owner in
which a new task replaces the old one, whose result then never arrives."""

import threading

import pytest

from playground.ui.state.tasks import MAX_THREADS, TaskRunner


@pytest.fixture
def runner(qtbot):
    runner = TaskRunner()
    yield runner
    runner.cancel_all()


def _blocked(gate: threading.Event, value, state):
    """Work that waits for the test to let it finish (a slow occlusion map, say)."""
    gate.wait(10)
    return value


def test_a_replaced_task_never_answers_its_owner(runner, qtbot):
    slot, answers, ended = runner.slot(), [], []
    old_gate, new_gate = threading.Event(), threading.Event()
    old = slot.start("map of the previous photo", _blocked, old_gate, "previous photo")
    old.done.connect(answers.append)
    old.ended.connect(lambda: ended.append("previous photo"))
    old_closed = []
    old.closed.connect(lambda: old_closed.append(True))
    new = slot.start("map of the new photo", _blocked, new_gate, "new photo")
    new.done.connect(answers.append)
    old_gate.set()  # the old one finishes its work after it was replaced
    qtbot.waitUntil(lambda: bool(old_closed))
    assert answers == [] and ended == []
    assert slot.task is new
    new_gate.set()
    qtbot.waitUntil(lambda: answers == ["new photo"])
    qtbot.waitUntil(lambda: not runner.running)
    assert slot.task is None


def test_a_result_already_on_its_way_is_dropped(runner, qtbot):
    """Replaced after the old task's work returned but before its answer was delivered."""
    slot, answers = runner.slot(), []
    old = slot.start("quick", lambda state: "stale")
    old.done.connect(answers.append)
    assert old.wait(5000)  # its answer is queued to the GUI thread, not yet delivered
    new = slot.start("newer", lambda state: "fresh")
    new.done.connect(answers.append)
    qtbot.waitUntil(lambda: not runner.running)
    assert answers == ["fresh"]


def test_the_pool_runs_at_most_its_cap_at_once(runner, qtbot):
    gate, lock = threading.Event(), threading.Lock()
    now, most = [0], [0]

    def work(state):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        gate.wait(10)
        with lock:
            now[0] -= 1

    for i in range(MAX_THREADS + 3):
        runner.start(f"task {i}", work)
    qtbot.waitUntil(lambda: now[0] == MAX_THREADS)
    gate.set()
    qtbot.waitUntil(lambda: not runner.running)
    assert most[0] == MAX_THREADS


def test_tasks_run_torch_on_one_thread_but_leave_a_run_its_threads(runner, qtbot, monkeypatch):
    """torch's thread count is the process's: a task that set it during a run would take the
    run's threads away, so the runner sets it only while no run trains."""
    import torch  # noqa: F401  (loaded: the runner sets torch up)

    from playground.core.training import device

    calls, answers = [], []
    monkeypatch.setattr(device, "set_torch_threads", calls.append)
    runner.start("before a run", lambda state: "a").done.connect(answers.append)
    qtbot.waitUntil(lambda: answers == ["a"])
    assert calls == [1]
    runner.torch_serial = False  # what the workspace says while a run trains
    runner.start("during a run", lambda state: "b").done.connect(answers.append)
    qtbot.waitUntil(lambda: answers == ["a", "b"])
    assert calls == [1]


def test_cancel_before_the_task_runs(runner, qtbot):
    gate, ran = threading.Event(), []
    for i in range(MAX_THREADS):
        runner.start(f"busy {i}", _blocked, gate, i)
    queued = runner.start("queued", lambda state: ran.append(True))
    outcome = []
    queued.cancelled.connect(lambda: outcome.append("cancelled"))
    queued.cancel()
    gate.set()
    qtbot.waitUntil(lambda: not runner.running)
    assert outcome == ["cancelled"] and ran == []
