"""Recovery from dead runs: the executor every job runs with, which reports its waits for pool slots and recovers
dead holders (pipeline/lib/pool_waits.py), and a sensor that recovers dead runs while the daemon runs, even when no
run waits for them."""

import dagster as dg

from pipeline.lib.dead_runs import recover_dead_runs
from pipeline.lib.pool_waits import reporting_pool_waits


class ReportingPoolWaits(dg.Executor):
    """Dagster's multiprocess executor, reporting pool waits from its orchestrating process: that process claims the
    steps' slots, and starts a step's process (where resources are set up) only once the slot is claimed."""

    def __init__(self, executor: dg.Executor):
        self._executor = executor

    @property
    def retries(self):
        return self._executor.retries

    @property
    def step_dependency_config(self):
        return self._executor.step_dependency_config

    def execute(self, plan_context, execution_plan):
        with reporting_pool_waits(plan_context.instance, plan_context.run_id, plan_context.log):
            yield from self._executor.execute(plan_context, execution_plan)


@dg.executor(
    name="multi_or_in_process_reporting_pool_waits",
    config_schema=dg.multi_or_in_process_executor.config_schema,
    requirements=dg.multi_or_in_process_executor.get_requirements,
)
def executor_reporting_pool_waits(init_context: dg.InitExecutorContext) -> dg.Executor:
    """Dagster's default executor, with the same run config (`execution: config: multiprocess: ...` or
    `in_process:`). In process, resources are set up before the steps claim their slots, and the warehouse
    resource reports the waits (pipeline/defs/resources.py).

    Multiprocess steps start by forkserver unless the run config says otherwise: forked from one process that has
    imported the project, a step starts in well under a second, where a spawned one imports Dagster and the project
    again (about 2 s each, for each asset and each check). Dagster's own default is spawn; Python's became
    forkserver in 3.14."""
    config = init_context.executor_config
    if "in_process" in config:
        return dg.multi_or_in_process_executor.executor_creation_fn(init_context)
    if config["multiprocess"].get("start_method") is None:
        config = {"multiprocess": {**config["multiprocess"], "start_method": {"forkserver": {}}}}
    executor = dg.multi_or_in_process_executor.executor_creation_fn(init_context._replace(executor_config=config))
    return ReportingPoolWaits(executor)


@dg.sensor(
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reports failed the started runs whose processes are gone, and frees the pool slots of runs "
    "that ended without freeing them. Requests no runs.",
)
def dead_runs_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    recovered = recover_dead_runs(context.instance, "the sensor dead_runs_sensor")
    for message in recovered:
        context.log.warning(message)
    return dg.SkipReason("; ".join(recovered) or "no dead runs")


defs = dg.Definitions(executor=executor_reporting_pool_waits, sensors=[dead_runs_sensor])
