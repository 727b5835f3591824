//! Map Runs: what a Distributed Map state's run looks like from outside (`DescribeMapRun`,
//! `ListMapRuns`), and the settings `UpdateMapRun` changes while it runs.

use super::{Execution, Status};

/// A Map Run's status, as `DescribeMapRun` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapRunStatus {
    /// Items still to run.
    Running,
    /// Every item ran (failures within the tolerance).
    Succeeded,
    /// Too many items failed, or the Map state failed.
    Failed,
    /// The execution ended (stopped, timed out, failed elsewhere) while it ran.
    Aborted,
}

impl MapRunStatus {
    /// AWS's name: `RUNNING`, `SUCCEEDED`, `FAILED` or `ABORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            MapRunStatus::Running => "RUNNING",
            MapRunStatus::Succeeded => "SUCCEEDED",
            MapRunStatus::Failed => "FAILED",
            MapRunStatus::Aborted => "ABORTED",
        }
    }
}

/// The record a Distributed Map's join keeps of its run.
#[derive(Debug, Clone)]
pub(super) struct MapRun {
    pub(super) arn: String,
    start: i64,
    stop: Option<i64>,
    status: MapRunStatus,
    pub(super) succeeded: usize,
    pub(super) aborted: usize,
}

impl MapRun {
    pub(super) fn new(arn: String, start: i64) -> MapRun {
        MapRun { arn, start, stop: None, status: MapRunStatus::Running, succeeded: 0, aborted: 0 }
    }

    /// The run ends (only once: a later abort of a finished run changes nothing).
    pub(super) fn finish(&mut self, status: MapRunStatus, now: i64) {
        if self.status == MapRunStatus::Running {
            self.status = status;
            self.stop = Some(now);
        }
    }
}

/// A Map Run as `DescribeMapRun` shows it (item and child-execution counts are the same here:
/// each item runs as one child).
#[derive(Debug, Clone, PartialEq)]
pub struct MapRunInfo {
    /// `arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>`.
    pub arn: String,
    /// The status.
    pub status: MapRunStatus,
    /// When the Map state started it (epoch ms).
    pub start: i64,
    /// When it ended.
    pub stop: Option<i64>,
    /// `MaxConcurrency` (0: as many as possible).
    pub max_concurrency: usize,
    /// `ToleratedFailureCount` (0 when absent).
    pub tolerated_failure_count: u64,
    /// `ToleratedFailurePercentage` (0 when absent).
    pub tolerated_failure_percentage: f64,
    /// Items not started yet.
    pub pending: usize,
    /// Items running.
    pub running: usize,
    /// Items that succeeded.
    pub succeeded: usize,
    /// Items that failed.
    pub failed: usize,
    /// Items aborted (when the run failed or the execution ended).
    pub aborted: usize,
    /// All items.
    pub total: usize,
}

impl Execution {
    /// The Map Runs of the execution's Distributed Map states, in the order they started.
    pub fn map_runs(&self) -> Vec<MapRunInfo> {
        let ended = self.status != Status::Running;
        let end = self.last_event.1;
        self.joins
            .iter()
            .filter_map(|j| {
                let run = j.run.as_ref()?;
                let live = run.status == MapRunStatus::Running;
                // A run still open when the execution ended was aborted with it.
                let (status, stop) = match (live, ended) {
                    (true, true) => (MapRunStatus::Aborted, Some(end)),
                    _ => (run.status, run.stop),
                };
                let cut_short = live && ended;
                let pending = if cut_short { 0 } else { j.pending_items.len() };
                let running = if cut_short || !live { 0 } else { j.running };
                let aborted = run.aborted + if cut_short { j.running + j.pending_items.len() } else { 0 };
                Some(MapRunInfo {
                    arn: run.arn.clone(),
                    status,
                    start: run.start,
                    stop,
                    max_concurrency: j.max_concurrency,
                    tolerated_failure_count: j.tolerated_count.unwrap_or(0),
                    tolerated_failure_percentage: j.tolerated_percentage.unwrap_or(0.0),
                    pending,
                    running,
                    succeeded: run.succeeded,
                    failed: j.failures,
                    aborted,
                    total: j.total,
                })
            })
            .collect()
    }

    /// `UpdateMapRun`: new `MaxConcurrency` and failure tolerance for a running Map Run; more items
    /// start at once if the concurrency grew. False when the execution has no such run.
    pub fn update_map_run(
        &mut self,
        arn: &str,
        max_concurrency: Option<usize>,
        tolerated_count: Option<u64>,
        tolerated_percentage: Option<f64>,
    ) -> bool {
        if let Some(t) = &mut self.tape {
            t.update_map_run(arn, max_concurrency, tolerated_count, tolerated_percentage);
        }
        let Some(j) = self.joins.iter().position(|j| j.run.as_ref().is_some_and(|r| r.arn == arn)) else {
            return false;
        };
        let join = &mut self.joins[j];
        if let Some(m) = max_concurrency {
            join.max_concurrency = m;
        }
        if tolerated_count.is_some() {
            join.tolerated_count = tolerated_count;
        }
        if tolerated_percentage.is_some() {
            join.tolerated_percentage = tolerated_percentage;
        }
        if self.status == Status::Running && !self.joins[j].done {
            self.advance_join(j);
        }
        true
    }
}
