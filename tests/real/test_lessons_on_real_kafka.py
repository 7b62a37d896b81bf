"""Every lesson marked for both backends gives, on a real broker, the outputs stored from
the engine (after normalising ids, timestamps and addresses; see tools/lessonrun.py).

The notebooks come from ``lessons/`` whose metadata has ``course.backends`` containing
``"kafka"``. Each is run as a copy in a fresh kernel with ``KAFKA_BOOTSTRAP_SERVERS`` set
to the ``real_kafka`` broker, 120 s per cell. A cell that prints ``kafka.kind`` (lesson
09's) must print ``kafka``: a run that silently stayed on the engine fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.lessonrun import LessonRunError, check_lesson, kafka_lessons

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
MARKED = kafka_lessons(LESSONS)

pytestmark = pytest.mark.realkafka


@pytest.mark.parametrize(
    "lesson",
    [pytest.param(path, id=path.stem) for path in MARKED]
    or [pytest.param(None, id="none", marks=pytest.mark.skip(
        reason='no lesson has "course": {"backends": [..., "kafka"]} in its metadata yet'))],
)
def test_lesson_matches_its_engine_outputs_on_real_kafka(lesson: Path, real_kafka: str) -> None:
    try:
        report = check_lesson(lesson, real_kafka)
    except LessonRunError as error:
        pytest.fail(f"{lesson.name} failed on real Kafka ({real_kafka}): {error}",
                    pytrace=False)
    assert report.ok, str(report)
    # the run asks the lesson's `kafka` backend what it was: it must not have stayed on
    # the engine (and a lesson that prints its backend must print the real one)
    assert report.backend, "the run could not ask the lesson's `kafka` backend its kind"
    assert all(line.startswith("kafka") for line in report.backend), report.backend
