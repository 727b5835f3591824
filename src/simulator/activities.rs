//! Activities: `CreateActivity`, `DescribeActivity`, `DeleteActivity`, `ListActivities`, and
//! `GetActivityTask`, by which a worker takes the next task that a Task state with the activity's
//! ARN as its `Resource` scheduled. The worker answers with the task token it got, through
//! `SendTaskSuccess`, `SendTaskFailure` and `SendTaskHeartbeat`.
//!
//! The account is sans-IO: [`Simulator::get_activity_task`] answers at once, with a task or with
//! none; a driver that long-polls as AWS does (up to 60 seconds) asks again when something changed
//! (see the protocol's `Wait`).

use std::collections::{BTreeMap, VecDeque};

use serde_json::{json, Value};

use super::arn;
use super::registry::{check_encryption, ListInput, Tag};
use super::{check_name, ApiError, ApiErrorKind, Simulator};
use crate::exec::{Status, TaskId, TaskRequest};
use crate::history;

/// How long AWS holds a `GetActivityTask` call open when no task waits: 60 seconds.
pub const ACTIVITY_POLL_MS: i64 = 60_000;

/// The account's activities.
#[derive(Default)]
pub(crate) struct Activities {
    by_arn: BTreeMap<String, Activity>,
    /// Tasks of activity ARNs that no activity has (yet): AWS schedules them anyway.
    orphans: BTreeMap<String, VecDeque<Queued>>,
    /// Tasks a worker took and has not answered: (execution, task).
    started: Vec<(String, TaskId)>,
    /// A task was scheduled since the last [`Activities::take_scheduled`].
    scheduled: bool,
}

struct Activity {
    name: String,
    creation_date: i64,
    queue: VecDeque<Queued>,
}

/// A scheduled activity task that no worker has taken.
struct Queued {
    execution_arn: String,
    task: TaskId,
    token: String,
    input: String,
}

impl Activities {
    /// Whether a task was scheduled since the last call.
    pub(crate) fn take_scheduled(&mut self) -> bool {
        std::mem::take(&mut self.scheduled)
    }

    /// Whether an activity has this ARN.
    pub(crate) fn exists(&self, arn: &str) -> bool {
        self.by_arn.contains_key(arn)
    }
}

/// `CreateActivity`'s request.
#[derive(Debug, Clone, Default)]
pub struct CreateActivityInput {
    /// 1 to 80 characters, AWS's naming rule.
    pub name: String,
    /// Tags for it.
    pub tags: Option<Vec<Tag>>,
    /// `{type: AWS_OWNED_KEY}` only.
    pub encryption_configuration: Option<Value>,
}

/// A request naming an activity; `GetActivityTask`'s also names the worker.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityInput {
    /// The activity.
    pub activity_arn: String,
    /// `GetActivityTask`: the worker's name, recorded in `ActivityStarted`.
    pub worker_name: Option<String>,
}

fn does_not_exist(arn: &str) -> ApiError {
    ApiError::new(ApiErrorKind::ActivityDoesNotExist, format!("Activity Does Not Exist: '{arn}'"))
}

impl Simulator {
    /// `CreateActivity`: `{activityArn, creationDate}`; creating one that exists returns it.
    pub fn create_activity(&mut self, input: &CreateActivityInput, now: i64) -> Result<Value, ApiError> {
        check_name(&input.name)?;
        check_encryption(input.encryption_configuration.as_ref())?;
        if let Some(tags) = &input.tags {
            super::tags::check_count(tags.len())?;
        }
        let arn = format!("arn:aws:states:{}:{}:activity:{}", self.region, self.account, input.name);
        if let Some(a) = self.api.activities.by_arn.get(&arn) {
            return Ok(json!({"activityArn": arn, "creationDate": a.creation_date}));
        }
        let queue = self.api.activities.orphans.remove(&arn).unwrap_or_default();
        let activity = Activity { name: input.name.clone(), creation_date: now, queue };
        self.api.activities.by_arn.insert(arn.clone(), activity);
        if let Some(tags) = &input.tags {
            self.merge_tags(&arn, tags);
        }
        Ok(json!({"activityArn": arn, "creationDate": now}))
    }

    /// `DescribeActivity`.
    pub fn describe_activity(&self, activity_arn: &str) -> Result<Value, ApiError> {
        arn::parse(activity_arn, &["activity"])?;
        let a = self.api.activities.by_arn.get(activity_arn).ok_or_else(|| does_not_exist(activity_arn))?;
        Ok(json!({"activityArn": activity_arn, "name": a.name, "creationDate": a.creation_date,
            "encryptionConfiguration": {"type": "AWS_OWNED_KEY"}}))
    }

    /// `DeleteActivity`: `{}`, also for an activity that does not exist. Its waiting tasks wait on
    /// (for their timeouts) and go to an activity created again with the same name.
    pub fn delete_activity(&mut self, activity_arn: &str) -> Result<Value, ApiError> {
        arn::parse(activity_arn, &["activity"])?;
        if let Some(a) = self.api.activities.by_arn.remove(activity_arn) {
            if !a.queue.is_empty() {
                self.api.activities.orphans.insert(activity_arn.to_string(), a.queue);
            }
        }
        self.api.tags.remove(activity_arn);
        Ok(json!({}))
    }

    /// `ListActivities`: `{activities: [{activityArn, name, creationDate}], nextToken?}`, by ARN.
    pub fn list_activities(&self, input: &ListInput) -> Result<Value, ApiError> {
        let after = arn::read_token("ListActivities", input.next_token.as_deref())?;
        let items: Vec<(&String, &Activity)> = self.api.activities.by_arn.iter().collect();
        let (page, next) =
            arn::page("ListActivities", items, |(a, _)| a.to_string(), after, arn::page_size(input.max_results));
        let list: Vec<Value> = page
            .into_iter()
            .map(|(arn, a)| json!({"activityArn": arn, "name": a.name, "creationDate": a.creation_date}))
            .collect();
        let mut out = json!({"activities": list});
        if let Some(t) = next {
            out["nextToken"] = json!(t);
        }
        Ok(out)
    }

    /// `GetActivityTask` without waiting: `Some({taskToken, input})` when a task of the activity
    /// waits (it is started: `ActivityStarted` with the worker's name), `None` when none does.
    pub fn get_activity_task(&mut self, input: &ActivityInput, now: i64) -> Result<Option<Value>, ApiError> {
        self.set_now(now);
        arn::parse(&input.activity_arn, &["activity"])?;
        if !self.api.activities.exists(&input.activity_arn) {
            return Err(does_not_exist(&input.activity_arn));
        }
        loop {
            let Some(q) = self.api.activities.by_arn.get_mut(&input.activity_arn).and_then(|a| a.queue.pop_front())
            else {
                return Ok(None);
            };
            let Some(e) = self.executions.get_mut(&q.execution_arn) else { continue };
            // A task whose execution ended, or that timed out, is no longer anyone's.
            if e.exec.status() != Status::Running || e.exec.task_for_token(&q.token) != Some(q.task) {
                continue;
            }
            e.exec.activity_started(q.task, input.worker_name.as_deref(), now);
            e.ready = true;
            self.api.activities.started.push((q.execution_arn.clone(), q.task));
            self.settle(&q.execution_arn);
            return Ok(Some(json!({"taskToken": q.token, "input": q.input})));
        }
    }

    /// How many tasks of existing activities wait for a worker or for the worker's answer (a
    /// driver on the virtual clock holds the clock while any does, as it does for its own handlers).
    pub fn activity_tasks_outstanding(&mut self) -> usize {
        let executions = &self.executions;
        let live = |arn: &str, task: TaskId| {
            executions.get(arn).is_some_and(|e| e.exec.status() == Status::Running && e.exec.pending_task(task))
        };
        let acts = &mut self.api.activities;
        acts.started.retain(|(arn, task)| live(arn, *task));
        for a in acts.by_arn.values_mut() {
            a.queue.retain(|q| live(&q.execution_arn, q.task));
        }
        acts.started.len() + acts.by_arn.values().map(|a| a.queue.len()).sum::<usize>()
    }

    /// An activity task that nothing else answered: it waits in its activity's queue for a worker.
    pub(crate) fn schedule_activity_task(&mut self, exec_arn: &str, req: &TaskRequest) {
        let Some(token) = req.task_token.clone() else { return };
        let q =
            Queued { execution_arn: exec_arn.to_string(), task: req.id, token, input: history::json_text(&req.input) };
        self.api.activities.scheduled = true;
        match self.api.activities.by_arn.get_mut(&req.resource) {
            Some(a) => a.queue.push_back(q),
            None => self.api.activities.orphans.entry(req.resource.clone()).or_default().push_back(q),
        }
    }
}
