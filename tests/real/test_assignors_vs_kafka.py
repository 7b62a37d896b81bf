"""Differential tests: the engine's assignors against Kafka's own Java assignors.

In the classic group protocol the group leader's client computes the assignment, so the
oracle is Kafka's Java client, in two ways:

* **the jar**: a small Java program (``AssignorOracle.java``) runs Kafka's ``RangeAssignor``,
  ``RoundRobinAssignor``, ``StickyAssignor`` and ``CooperativeStickyAssignor`` from the
  fetched ``kafka-clients`` jar over many seeded random cases (owned partitions, generations,
  static members, conflicting claims), and the engine must return the same map, list order
  included;
* **real groups**: ``kafka-console-consumer`` processes with static ``group.instance.id``s
  join groups on the real broker, one group per (strategy, topology); the assignment read
  with ``kafka-consumer-groups --describe --members --verbose`` must be the engine's. The
  consumers log (DEBUG) what their leader computed at each generation, with the exact
  subscriptions it saw, and the engine must compute the same for every generation.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from engine.assignors import Subscription, TopicPartition, get
from tools import realkafka
from tools.realkafka import clitools

pytestmark = pytest.mark.realkafka

HERE = Path(__file__).resolve().parent
STRATEGIES = ("range", "roundrobin", "sticky", "cooperative-sticky")
JAVA_CLASSES = {
    "range": "org.apache.kafka.clients.consumer.RangeAssignor",
    "roundrobin": "org.apache.kafka.clients.consumer.RoundRobinAssignor",
    "sticky": "org.apache.kafka.clients.consumer.StickyAssignor",
    "cooperative-sticky": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
}
SEED = 20_261_127
N_RANDOM_CASES = 600
GROUP_TIMEOUT_S = 75.0
#: Short-lived JVMs: the C1 compiler only and the serial collector start fastest.
FAST_JVM = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
FAST_JVM_J = tuple(f"-J{flag}" for flag in FAST_JVM)

Assignment = dict[str, list[TopicPartition]]


def _unavailable(reason: str) -> None:
    if os.environ.get("COURSE_REQUIRE_REAL_KAFKA") == "1":
        pytest.fail(f"{reason} (COURSE_REQUIRE_REAL_KAFKA=1)", pytrace=False)
    pytest.skip(reason)


def _coordinator_log4j(directory: Path) -> Path:
    """A Log4j 2 config: warnings to stderr, and the consumer coordinator's DEBUG lines (the
    leader's subscriptions and assignments, each member's completed SyncGroups)."""
    lines = [
        "status = warn",
        "appender.err.type = Console",
        "appender.err.name = ERR",
        "appender.err.target = SYSTEM_ERR",
        "appender.err.layout.type = PatternLayout",
        "appender.err.layout.pattern = [%d] %p %m (%c)%n",
        "rootLogger.level = WARN",
        "rootLogger.appenderRef.err.ref = ERR",
        "logger.coordinator.name = org.apache.kafka.clients.consumer.internals.ConsumerCoordinator",
        "logger.coordinator.level = DEBUG",
    ]
    path = directory / "log4j2-coordinator.properties"
    path.write_text("\n".join(lines) + "\n")
    return path


def _with_log4j(command: list[str], config: Path) -> list[str]:
    return [
        f"-Dlog4j2.configurationFile={config}"
        if arg.startswith("-Dlog4j2.configurationFile=")
        else arg
        for arg in command
    ]


# -- 1. Kafka's assignors from the jar ------------------------------------------------------


@pytest.fixture(scope="module")
def oracle_classpath(kafka_tools: None, tmp_path_factory: pytest.TempPathFactory) -> str:
    """``AssignorOracle.java`` compiled against the fetched Kafka jars."""
    javac = shutil.which("javac")
    if javac is None:
        _unavailable("no javac (a JDK) to compile tests/real/AssignorOracle.java")
    out = tmp_path_factory.mktemp("assignor-oracle")
    jars = [
        *Path(realkafka.LIB).glob("kafka-clients-*.jar"),
        *Path(realkafka.LIB).glob("slf4j-api-*.jar"),
    ]
    if len(jars) != 2:
        _unavailable(f"kafka-clients or slf4j-api jar missing from {realkafka.LIB}")
    classpath = os.pathsep.join(str(jar) for jar in jars)
    subprocess.run(
        [
            javac,
            *FAST_JVM_J,
            "-nowarn",
            "-d",
            str(out),
            "-cp",
            classpath,
            str(HERE / "AssignorOracle.java"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return f"{out}{os.pathsep}{classpath}"


def _random_case(rng: random.Random) -> tuple[dict[str, int], dict[str, Subscription]]:
    large = rng.random() < 0.25
    topics = {f"t{i}": rng.randint(0, 40 if large else 12) for i in range(rng.randint(1, 14))}
    names = ["a", "b", "c", "consumer1", "consumer2", "consumer10", "m-x", "z", "c-3", "Aa", "BB"]
    names += [f"client-{k:x}{rng.randint(0, 999)}" for k in range(30)]
    members = rng.sample(names, rng.randint(1, 30 if large else 8))
    every = list(topics)
    partitions = [TopicPartition(t, p) for t, n in topics.items() for p in range(n)]
    partitions.append(TopicPartition("deleted", 0))
    all_equal = rng.random() < 0.5
    subscriptions = {}
    for member in members:
        chosen = every if all_equal else rng.sample(every, rng.randint(0, len(every)))
        instance = f"i-{member}" if rng.random() < 0.3 else None
        generation = rng.choice([-1, 1, 2, 3]) if rng.random() < 0.7 else -1
        owned: tuple[TopicPartition, ...] = ()
        if rng.random() < 0.6:
            most = min(20 if large else 8, len(partitions))
            owned = tuple(rng.sample(partitions, rng.randint(0, most)))
        subscriptions[member] = Subscription(tuple(chosen), owned, generation, instance)
    return topics, subscriptions


def _encode(strategy: str, topics: Mapping[str, int], subs: Mapping[str, Subscription]) -> str:
    lines = [f"CASE {strategy}", *(f"TOPIC {t} {n}" for t, n in topics.items())]
    for member, s in subs.items():
        owned = ",".join(f"{t}:{p}" for t, p in s.owned_partitions) or "-"
        lines.append(
            f"MEMBER {member} {s.group_instance_id or '-'} {s.generation} "
            f"{','.join(s.topics) or '-'} {owned}"
        )
    lines.append("END")
    return "\n".join(lines) + "\n"


def _parse_partitions(text: str, separator: str = ",", colon: str = ":") -> list[TopicPartition]:
    if text in ("", "-"):
        return []
    out = []
    for item in text.split(separator):
        topic, _, partition = item.strip().rpartition(colon)
        out.append(TopicPartition(topic, int(partition)))
    return out


def _parse_oracle(output: str) -> Iterator[Assignment | str]:
    current: Assignment = {}
    for line in output.splitlines():
        if line == "RESULT":
            current = {}
        elif line.startswith("MEMBER "):
            _, member, partitions = line.split(" ")
            current[member] = _parse_partitions(partitions)
        elif line == "DONE":
            yield current
        elif line.startswith("ERROR "):
            yield line


def test_assignors_match_kafkas_jar(oracle_classpath: str, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    cases = [(STRATEGIES[i % 4], *_random_case(rng)) for i in range(N_RANDOM_CASES)]
    # the vectors of kafka-fidelity.md section 2.1 as well
    cases += [
        ("sticky", {"t0": 2, "t1": 2, "t2": 2, "t3": 2}, {
            "C0": Subscription(("t0", "t1", "t2", "t3"), _parse_partitions("t0:0,t1:1,t3:0"), 1),
            "C2": Subscription(("t0", "t1", "t2", "t3"), _parse_partitions("t1:0,t2:1"), 1),
        }),
        ("sticky", {"t0": 1, "t1": 2, "t2": 3}, {
            "C1": Subscription(("t0", "t1"), _parse_partitions("t1:0,t1:1"), 1),
            "C2": Subscription(("t0", "t1", "t2"), _parse_partitions("t2:0,t2:1,t2:2"), 1),
        }),
    ]  # fmt: skip
    done = subprocess.run(
        [realkafka.java_bin(), *FAST_JVM, "-cp", oracle_classpath, "AssignorOracle"],
        input="".join(_encode(*case) for case in cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    results = list(_parse_oracle(done.stdout))
    assert len(results) == len(cases)
    compared = 0
    for (strategy, topics, subs), java in zip(cases, results, strict=True):
        if isinstance(java, str):
            # Kafka's general sticky builder can throw a NullPointerException when a partition's
            # earlier owner now subscribes only to topics nobody else reads; the engine assigns.
            assert java == "ERROR NullPointerException", (strategy, topics, subs)
            continue
        engine = get(strategy).assign(topics, subs)
        if strategy == "range":  # Java lists a member's topics in HashMap order
            engine = {m: sorted(p) for m, p in engine.items()}
            java = {m: sorted(p) for m, p in java.items()}
        assert engine == java, (strategy, topics, subs)
        compared += 1
    assert compared > N_RANDOM_CASES * 0.95


# -- 2. Real consumer groups -------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    instance: str
    topics: tuple[str, ...]  # suffixes of the run's topics: "a", "b"


TOPICS = {"a": 3, "b": 2}
TOPOLOGIES = {
    "same": (Member("i0", ("a", "b")), Member("i1", ("a", "b")), Member("i2", ("a", "b"))),
    "mixed": (Member("i0", ("a", "b")), Member("i1", ("a",)), Member("i2", ("b",))),
}


@dataclass
class Group:
    strategy: str
    topology: str
    name: str
    members: tuple[Member, ...]
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]


_SUBSCRIPTION = re.compile(
    r"(\S+?)=Subscription\(topics=\[(.*?)\], (?:userDataSize=\d+, )?ownedPartitions=\[(.*?)\], "
    r"groupInstanceId=(\S+?), generationId=(-?\d+), rackId=\S+?\)"
)
_ASSIGNMENT = re.compile(r"(\S+?)=Assignment\(partitions=\[(.*?)\](?:, userDataSize=\d+)?\)")
_PERFORMING = re.compile(r"Performing assignment using strategy (\S+) with subscriptions \{(.*)\}")
_SYNCED = re.compile(r"Successfully synced group in generation Generation\{generationId=(\d+),")
_FINISHED = re.compile(r"Finished assignment for group at generation (\d+): \{(.*)\}")


@dataclass
class Generation:
    """One assignment a real group leader computed, with the subscriptions it saw."""

    number: int
    strategy: str
    subscriptions: dict[str, tuple[Subscription, bool]]  # member -> (subscription, has user data)
    assignment: Assignment


def _java_partitions(text: str) -> list[TopicPartition]:
    return _parse_partitions(text, ", ", "-") if text else []


def _leader_generations(logs: list[Path]) -> list[Generation]:
    found: list[Generation] = []
    for log in logs:
        pending: tuple[str, dict[str, tuple[Subscription, bool]]] | None = None
        for line in log.read_text(errors="replace").splitlines():
            if match := _PERFORMING.search(line):
                subs = {}
                for m in _SUBSCRIPTION.finditer(match.group(2)):
                    member, topics, owned, instance, generation = m.groups()
                    subscription = Subscription(
                        tuple(t for t in topics.split(", ") if t),
                        tuple(_java_partitions(owned)),
                        int(generation),
                        None if instance == "null" else instance,
                    )
                    subs[member] = (subscription, "userDataSize=" in m.group(0))
                pending = (match.group(1), subs)
            elif (match := _FINISHED.search(line)) and pending is not None:
                assignment = {
                    m.group(1): _java_partitions(m.group(2))
                    for m in _ASSIGNMENT.finditer(match.group(2))
                }
                found.append(Generation(int(match.group(1)), pending[0], pending[1], assignment))
                pending = None
    return sorted(found, key=lambda g: g.number)


def _engine_input(
    generation: Generation, history: list[Generation], synced: Mapping[str, set[int]]
) -> dict[str, Subscription]:
    """What the engine's assignor gets for one real generation.

    The eager ``sticky`` assignor reads a member's previous assignment from its user data,
    which the leader does not log: it is what that member received in the latest earlier
    generation it completed (``synced``: instance id -> generations it synced).
    """
    subs = {}
    for member, (subscription, has_user_data) in generation.subscriptions.items():
        if generation.strategy == "sticky":
            owned: tuple[TopicPartition, ...] = ()
            previous = -1
            done = synced.get(subscription.group_instance_id or "", set())
            if has_user_data:
                for earlier in reversed(history):
                    if member in earlier.assignment and earlier.number in done:
                        owned = tuple(earlier.assignment[member])
                        previous = earlier.number
                        break
            subscription = Subscription(
                subscription.topics, owned, previous, subscription.group_instance_id
            )
        subs[member] = subscription
    return subs


def _synced_generations(group: Group) -> dict[str, set[int]]:
    """instance id -> the generations whose SyncGroup that member completed."""
    return {
        member.instance: {int(n) for n in _SYNCED.findall(log.read_text(errors="replace"))}
        for member, log in zip(group.members, group.logs, strict=True)
    }


def _describe(
    groups: list[Group], bootstrap: str
) -> dict[str, dict[str, tuple[str, list[TopicPartition]]]]:
    """group -> instance id -> (member id, partitions), from ``kafka-consumer-groups``."""
    args = ["--bootstrap-server", bootstrap, "--describe", "--members", "--verbose"]
    for group in groups:
        args += ["--group", group.name]
    done = realkafka.run_tool("kafka-consumer-groups", args, timeout=60)
    found: dict[str, dict[str, tuple[str, list[TopicPartition]]]] = {g.name: {} for g in groups}
    for line in done.stdout.decode().splitlines():
        fields = line.split()
        if len(fields) < 8 or fields[0] not in found:
            continue
        name, member, instance = fields[0], fields[1], fields[2]
        partitions = _described_partitions(fields[7])
        found[name][instance] = (member, partitions)
    return found


def _described_partitions(text: str) -> list[TopicPartition]:
    """``topic:0,1;other:2`` (the CURRENT-ASSIGNMENT column) -> partitions."""
    if text == "-":
        return []
    out = []
    for item in text.split(";"):
        topic, _, numbers = item.rpartition(":")
        out += [TopicPartition(topic, int(n)) for n in numbers.split(",") if n]
    return out


def _complete(
    group: Group, described: Mapping[str, tuple[str, list[TopicPartition]]], run: str
) -> bool:
    if set(described) != {m.instance for m in group.members}:
        return False
    subscribed = {t for m in group.members for t in m.topics}
    expected = {TopicPartition(f"{run}-{t}", p) for t in subscribed for p in range(TOPICS[t])}
    given = [tp for _, partitions in described.values() for tp in partitions]
    return len(given) == len(set(given)) and set(given) == expected


def _start_group(group: Group, run: str, bootstrap: str, config: Path, logs: Path) -> None:
    """Start the group's console consumers (registered in ``group`` as soon as started)."""
    strategy = group.strategy
    members = group.members
    for member in members:
        if len(member.topics) == 1:
            subscribe = ["--topic", f"{run}-{member.topics[0]}"]
        else:
            subscribe = ["--include", f"{re.escape(run)}-({'|'.join(member.topics)})"]
        args = [
            "--bootstrap-server", bootstrap, *subscribe, "--group", group.name,
            "--consumer-property", f"partition.assignment.strategy={JAVA_CLASSES[strategy]}",
            "--consumer-property", f"group.instance.id={member.instance}",
            "--consumer-property", "group.protocol=classic",
        ]  # fmt: skip
        command = _with_log4j(realkafka.tool_command("kafka-console-consumer", args), config)
        log = logs / f"{group.name}-{member.instance}.log"
        with log.open("wb") as err:
            group.processes.append(
                subprocess.Popen(
                    command, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL
                )
            )
        group.logs.append(log)


def _stop(groups: list[Group]) -> None:
    for group in groups:
        for process in group.processes:
            if process.poll() is None:
                process.kill()
    for group in groups:
        for process in group.processes:
            process.wait(timeout=30)


async def _admin(bootstrap: str, create: Mapping[str, int], delete: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if create:
            await admin.create_topics([NewTopic(t, n, 1) for t, n in create.items()])
        if delete:
            await admin.delete_topics(delete)
    finally:
        await admin.close()


def _synced(group: Group, run: str) -> bool:
    """The leader's latest assignment gives every partition, and every member has it."""
    generations = _leader_generations(group.logs)
    if not generations:
        return False
    last = generations[-1]
    described = {
        s.group_instance_id or "": ("", last.assignment.get(m, []))
        for m, (s, _) in last.subscriptions.items()
    }
    if not _complete(group, described, run):
        return False
    for log in group.logs:
        numbers = {int(n) for n in _SYNCED.findall(log.read_text(errors="replace"))}
        if last.number not in numbers:
            return False
    return True


def _warm_up_console_consumer(bootstrap: str, run: str) -> None:
    """Once per machine: one console consumer that exits by itself, so that the tools'
    runner writes its class-data archive and the 24 consumers below start cheaper."""
    if clitools._cds_archive("kafka-console-consumer").is_file() or not clitools._cds_enabled():
        return
    args = [
        "--bootstrap-server", bootstrap, "--topic", f"{run}-a", "--group", f"{run}-warm-up",
        "--timeout-ms", "1000", "--consumer-property", "group.protocol=classic",
    ]  # fmt: skip
    strategy = JAVA_CLASSES["cooperative-sticky"]
    args += ["--consumer-property", f"partition.assignment.strategy={strategy}"]
    realkafka.run_tool("kafka-console-consumer", args, timeout=120)


def test_assignors_match_real_consumer_groups(
    real_kafka: str, kafka_tools: None, tmp_path: Path
) -> None:
    run = f"asg-{uuid.uuid4().hex[:8]}"
    topics = [f"{run}-{t}" for t in TOPICS]
    asyncio.run(_admin(real_kafka, {f"{run}-{t}": n for t, n in TOPICS.items()}, []))
    _warm_up_console_consumer(real_kafka, run)
    config = _coordinator_log4j(tmp_path)
    groups: list[Group] = []
    try:
        for strategy in STRATEGIES:
            for topology, members in TOPOLOGIES.items():
                name = f"{run}-{strategy}-{topology}"
                groups.append(Group(strategy, topology, name, members, [], []))
                _start_group(groups[-1], run, real_kafka, config, tmp_path)
        deadline = time.monotonic() + GROUP_TIMEOUT_S
        while True:
            dead = [g.name for g in groups for p in g.processes if p.poll() is not None]
            assert not dead, f"console consumers exited: {dead}"
            waiting = [g.name for g in groups if not _synced(g, run)]
            if not waiting:
                described = _describe(groups, real_kafka)
                waiting = [g.name for g in groups if not _complete(g, described[g.name], run)]
                if not waiting:
                    break
            assert time.monotonic() < deadline, f"groups not assigned in time: {waiting}"
            time.sleep(0.5)
    finally:
        _stop(groups)
        asyncio.run(_admin(real_kafka, {}, topics))

    for group in groups:
        final = described[group.name]
        real = {instance: sorted(parts) for instance, (_, parts) in final.items()}
        # (1) every assignment the real leader computed, generation by generation
        generations = _leader_generations(group.logs)
        assert generations, f"no leader log for {group.name}"
        synced = _synced_generations(group)
        for index, generation in enumerate(generations):
            assert generation.strategy == group.strategy
            subs = _engine_input(generation, generations[:index], synced)
            engine = get(group.strategy).assign({f"{run}-{t}": n for t, n in TOPICS.items()}, subs)
            expected = generation.assignment
            if group.strategy == "range":
                engine = {m: sorted(p) for m, p in engine.items()}
                expected = {m: sorted(p) for m, p in expected.items()}
            assert engine == expected, (group.name, generation.number, subs)
        # (2) the final assignment, as kafka-consumer-groups describes it
        last = generations[-1]
        by_instance = {s.group_instance_id: m for m, (s, _) in last.subscriptions.items()}
        assert real == {i: sorted(last.assignment[by_instance[i]]) for i in real}, group.name
        # (3) range and roundrobin depend only on the members: static ids fix the result
        if group.strategy in ("range", "roundrobin"):
            subs = {
                final[m.instance][0]: Subscription(
                    tuple(f"{run}-{t}" for t in m.topics), group_instance_id=m.instance
                )
                for m in group.members
            }
            engine = get(group.strategy).assign({f"{run}-{t}": n for t, n in TOPICS.items()}, subs)
            assert {subs[m].group_instance_id: sorted(p) for m, p in engine.items()} == real, (
                group.name
            )
