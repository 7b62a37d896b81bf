"""Public home of the engine's errors: ``from engine.errors import KafkaError``."""

from engine.core.errors import *  # noqa: F403
from engine.core.errors import __all__  # noqa: F401
