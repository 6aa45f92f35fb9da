"""The celery side of test_celery.sh: one task, grower_app.retain() per
call, returning the PID of the prefork child that ran it (the worker logs
it in its "succeeded" line: the truth the test counts tasks by). A task
lasts 0.3 s, so that a burst keeps several children busy: the pool hands a
task to the first idle child, and tasks that end at once all go to one. The
broker is $CELERY_BROKER (the test's redis-server on loopback)."""

import os
import time

from celery import Celery

from grower_app import retain

app = Celery("celery_tasks", broker=os.environ["CELERY_BROKER"])
app.conf.worker_prefetch_multiplier = 1


@app.task
def work():
    retain()
    time.sleep(0.3)
    return os.getpid()
