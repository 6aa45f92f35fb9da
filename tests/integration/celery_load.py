#!/usr/bin/env python3
"""Tasks for test_celery.sh, sent to the broker on scenario_load.py's
bursty schedule (bursts and idle gaps, rates times SCALE).

    celery_load.py SECONDS SCALE

Prints the number of tasks sent."""

import sys
import time

from celery_tasks import work
from scenario_load import bursty


def main(argv):
    seconds, scale = float(argv[1]), float(argv[2])
    start = time.monotonic()
    times = bursty(seconds, scale, 0)
    for at in times:
        delay = start + at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        work.delay()
    print(len(times))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
