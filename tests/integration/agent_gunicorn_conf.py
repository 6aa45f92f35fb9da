"""gunicorn configuration for test_agent.sh: each worker starts leaktop's
agent once it has booted, as doc/agent.md shows (here from the source tree,
which LEAKTOP_PYTHONDIR names)."""

import os
import sys

sys.path.insert(0, os.environ["LEAKTOP_PYTHONDIR"])


def post_worker_init(worker):
    import leaktop_agent

    leaktop_agent.install()
