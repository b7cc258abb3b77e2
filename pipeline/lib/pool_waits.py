"""While a run waits for a pool slot that another run holds, say so every few seconds in the run's log (which
Dagster prints in the terminal too), naming the holder, and recover the holder if its processes are gone.

Dagster logs "Step blocked by limit for pool ..." when a step starts waiting and then only every 5 minutes, without
naming the holder, and a dead holder is never noticed.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager

import dagster as dg

from pipeline.lib.dead_runs import liveness, recover_dead_runs, storage_is_local

REPORT_INTERVAL_SECONDS = 5.0


@contextmanager
def reporting_pool_waits(
    instance: dg.DagsterInstance, run_id: str, log: logging.Logger, interval: float = REPORT_INTERVAL_SECONDS
):
    """Calls report_pool_waits every `interval` seconds from a thread while the context lasts; the run meanwhile
    waits for its slots in Dagster's own loop, which claims a freed slot within 15 s."""
    if not instance.event_log_storage.supports_global_concurrency_limits:  # an in-memory instance has no pools
        yield
        return
    stop = threading.Event()

    def report_until_stopped():
        while not stop.wait(interval):
            try:
                report_pool_waits(instance, run_id, log)
            except Exception as err:  # e.g. the storage was busy: the run itself goes on, and so do the reports
                log.warning(f"could not check the pools this run waits for: {err}")

    thread = threading.Thread(target=report_until_stopped, name=f"pool waits of run {run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def report_pool_waits(instance: dg.DagsterInstance, run_id: str, log: logging.Logger) -> None:
    """For each step of the run waiting for a slot that other runs hold: recovers those runs if they are dead, or
    else logs how long the step has waited and who holds the slot."""
    storage = instance.event_log_storage
    waits = []
    for pool, info in storage.get_concurrency_infos(sorted(storage.get_concurrency_keys())).items():
        # Slots this run's own steps hold are Dagster's ordinary queue: nothing to report.
        holders = [slot for slot in info.claimed_slots if slot.run_id != run_id]
        waits += [
            (pool, step, holders)
            for step in info.pending_steps
            if holders and step.run_id == run_id and step.assigned_timestamp is None
        ]
    if not waits:
        return
    holder_runs = {slot.run_id for _, _, holders in waits for slot in holders}
    recovered = recover_dead_runs(instance, f"run {run_id}, which was waiting for its pool slots", holder_runs)
    for message in recovered:
        log.warning(message)
    if recovered:  # the waiting steps claim the freed slots at their next try
        return
    for pool, step, holders in waits:
        waited = time.time() - step.enqueued_timestamp.timestamp()
        held_by = "; ".join(describe_holder(instance, slot.run_id, slot.step_key) for slot in holders)
        log.info(f"{step.step_key} has waited {waited:.0f} s for pool {pool}, held by {held_by}")


def describe_holder(instance: dg.DagsterInstance, run_id: str, step_key: str) -> str:
    run = instance.get_run_by_id(run_id)
    holder = f"run {run_id} (step {step_key})"
    if run is None or run.status != dg.DagsterRunStatus.STARTED:
        return f"{holder}, which is {run.status.value.lower() if run else 'not in this instance'}"
    if not storage_is_local(instance):
        return f"{holder}: its process cannot be checked, the instance's storage is not on this machine"
    return f"{holder}: {liveness(instance, run).found}"
