"""Lab 08's checkers: the solution passes, the untouched lab is "not attempted", and known
wrong answers (the least lagging partition, the end offset for the lag, a shift from the
committed offsets, a dry run, a reset to the earliest, a time zone off by an hour, a live
member) are rejected with the right message."""

from __future__ import annotations

from engine import Cluster
from engine.cli import run
from engine.labs import Outcome, lab08
from engine.labs.lab08 import q1, q2, q3

from .checks import (
    assert_hint_ladders,
    assert_quick_passes,
    assert_solution_pointers,
    lab_cluster,
    run_generated_lab,
    run_solution,
    verdict,
)

B = "--bootstrap-server localhost:9092"


cluster = lab_cluster(lab08)


def reset(cluster: Cluster, group: str, mode: str, *lines: str, execute: bool = True) -> None:
    scope = "" if "--from-file" in mode or "--topic" in mode else " --topic clicks"
    command = (f"kafka-consumer-groups {B} --group {group} --reset-offsets {mode}{scope}"
               + (" --execute" if execute else ""))
    assert run(cluster, command, input=list(lines)).exit_code == 0


def lags(cluster: Cluster) -> dict[int, int]:
    return {r.partition: r.lag for r in cluster.groups.describe_offsets("dashboard")}


# ------------------------------------------------------------ the notebooks
def test_the_solution_notebook_passes_every_check() -> None:
    assert run_solution(lab08.lab, "q1", "q2", "q3") == "Lab 08 · 3 of 3 questions passed"


def test_the_generated_lab_is_not_attempted_and_does_not_crash() -> None:
    assert run_generated_lab(lab08.lab, "q1", "q2", "q3") == "Lab 08 · 0 of 3 questions passed"


def test_every_solution_pointer_names_a_heading_of_the_solution_notebook() -> None:
    assert_solution_pointers(lab08.lab)
    assert_hint_ladders(lab08.lab)


def test_checks_answer_well_under_a_second(cluster: Cluster) -> None:
    reset(cluster, "reports", "--to-latest")
    reset(cluster, "reports", "--shift-by -2")
    reset(cluster, "audit", f"--to-datetime {lab08.AUDIT_FROM}")
    assert_quick_passes(lambda: q1.check(1, 9), q2.check, q3.check)


def test_the_setup_has_one_clearly_lagging_partition(cluster: Cluster) -> None:
    assert lags(cluster) == {0: 1, 1: 9, 2: 3}
    states = {g.group_id: g.state for g in cluster.groups.list_groups()}
    assert states == {"audit": "Empty", "dashboard": "Empty", "reports": "Empty"}


# ------------------------------------------------------------------ question 1
def test_q1_not_attempted_without_answers(cluster: Cluster) -> None:
    verdict(q1.check(None, None), Outcome.NOT_ATTEMPTED, "set `lagging_partition` and `lag`")


def test_q1_accepts_the_engines_lag(cluster: Cluster) -> None:
    verdict(q1.check(1, 9), Outcome.CORRECT, "partition 1 lags by 9 records, out of 13")


def test_q1_follows_the_engine_when_the_lag_changes(cluster: Cluster) -> None:
    reset(cluster, "dashboard", "--to-latest --topic clicks:1")
    assert lags(cluster) == {0: 1, 1: 0, 2: 3}
    verdict(q1.check(2, 3), Outcome.CORRECT, "partition 2 lags by 3 records, out of 4")
    verdict(q1.check(1, 9), Outcome.INCORRECT, "partition 1 has a lag of 0, but another")


def test_q1_rejects_the_least_lagging_partition(cluster: Cluster) -> None:
    verdict(q1.check(0, 1), Outcome.INCORRECT, "partition 0 has a lag of 1, but another "
            "partition lags more")


def test_q1_rejects_the_log_end_offset_as_the_lag(cluster: Cluster) -> None:
    verdict(q1.check(1, 11), Outcome.INCORRECT, "partition 1 is the one, but its lag is not 11",
            "`LOG-END-OFFSET - CURRENT-OFFSET`")


def test_q1_wants_numbers_and_a_real_partition(cluster: Cluster) -> None:
    verdict(q1.check("clicks-1", 9), Outcome.INCORRECT, "should be a number (an int), got "
            "'clicks-1'")
    verdict(q1.check(7, 9), Outcome.INCORRECT, "no partition 7")


# ------------------------------------------------------------------ question 2
def test_q2_not_attempted_before_a_reset(cluster: Cluster) -> None:
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "still committed where it stopped")


def test_q2_a_dry_run_changes_nothing(cluster: Cluster) -> None:
    reset(cluster, "reports", "--to-latest", execute=False)
    verdict(q2.check(), Outcome.NOT_ATTEMPTED, "only a dry run")


def test_q2_accepts_latest_then_shift(cluster: Cluster) -> None:
    reset(cluster, "reports", "--to-latest")
    reset(cluster, "reports", "--shift-by -2")
    verdict(q2.check(), Outcome.CORRECT, "the last 2 clicks of each")


def test_q2_accepts_a_reset_plan_from_a_file(cluster: Cluster) -> None:
    reset(cluster, "reports", "--from-file plan.csv", "clicks,0,4", "clicks,1,9", "clicks,2,3")
    assert q2.check().passed


def test_q2_rejects_a_shift_from_the_committed_offsets(cluster: Cluster) -> None:
    reset(cluster, "reports", "--shift-by -2")
    verdict(q2.check(), Outcome.INCORRECT,
            "partition 0 is committed at 3, so the next run re-reads 3 records; expected 4 "
            "(the last 2 records); partition 1 is committed at 5, so the next run re-reads "
            "6 records; expected 9")


def test_q2_rejects_a_reset_to_the_earliest(cluster: Cluster) -> None:
    reset(cluster, "reports", "--to-earliest")
    verdict(q2.check(), Outcome.INCORRECT, "partition 1 is committed at 0, so the next run "
            "re-reads 11 records; expected 9")


def test_q2_rejects_a_group_with_a_live_member(cluster: Cluster) -> None:
    reset(cluster, "reports", "--to-latest")
    reset(cluster, "reports", "--shift-by -2")
    consumer = cluster.consumer("clicks", group_id="reports")
    consumer.poll(5000)
    verdict(q2.check(), Outcome.INCORRECT, "the group `reports` is Stable, with a consumer "
            "still in it")


# ------------------------------------------------------------------ question 3
def test_q3_not_attempted_before_a_reset(cluster: Cluster) -> None:
    verdict(q3.check(), Outcome.NOT_ATTEMPTED, "still committed at the end")


def test_q3_accepts_to_datetime(cluster: Cluster) -> None:
    reset(cluster, "audit", f"--to-datetime {lab08.AUDIT_FROM}")
    verdict(q3.check(), Outcome.CORRECT, "(0 → 2, 1 → 1, 2 → 2)")


def test_q3_rejects_a_reset_to_the_earliest(cluster: Cluster) -> None:
    reset(cluster, "audit", "--to-earliest")
    verdict(q3.check(), Outcome.INCORRECT, "partition 0 is committed at 0, so the next run "
            "re-reads 6 records; expected 2 (the first click at or after 00:05:00)")


def test_q3_rejects_a_time_zone_off_by_an_hour(cluster: Cluster) -> None:
    reset(cluster, "audit", f"--to-datetime {lab08.AUDIT_FROM}+01:00")
    verdict(q3.check(), Outcome.INCORRECT, "partition 1 is committed at 0")


def test_q3_rejects_a_duration_counted_from_the_wrong_end(cluster: Cluster) -> None:
    reset(cluster, "audit", "--by-duration PT5M")
    verdict(q3.check(), Outcome.INCORRECT, "expected 2 (the first click at or after 00:05:00)")
