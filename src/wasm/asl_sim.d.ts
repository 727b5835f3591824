// wasm-bindgen gives every class a `[Symbol.dispose]()` method; declaring the symbol here lets the
// types check without `lib: esnext.disposable` (it merges with TypeScript's own declaration).
declare global {
  interface SymbolConstructor { readonly dispose: unique symbol; }
}

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A token bucket: at most `bucketSize` calls at once, refilled with `refillRate` calls a second. */
export interface TokenBucketConfig { bucketSize: number; refillRate: number; }

/** The account quotas the simulator can apply (all off unless `quotas` is given). */
export interface QuotasConfig {
  /** StartExecution's buckets (`StartSyncExecution` never counts against them, as on AWS). */
  startExecution?: { standard?: TokenBucketConfig; express?: TokenBucketConfig };
}

/** Options of `new Simulator(options)`. */
export interface SimulatorOptions {
  /** The account id in ARNs. Default `"123456789012"`. */
  accountId?: string;
  /** The region in ARNs. Default `"us-east-1"`. */
  region?: string;
  /** `"virtual"` (the default): waits take no time and executions run as fast as possible;
   *  `"real"`: waits take real time. */
  clock?: 'virtual' | 'real';
  /** Seed of execution names, UUIDs, `States.MathRandom` and retry jitter (an integer). Default 0. */
  seed?: number;
  /** Virtual clock only: where it starts. Default: the real time when the simulator is created. */
  startDate?: Date | number;
  /** StartExecution throttling: `true` for AWS's default token buckets in the region, or your own. */
  quotas?: boolean | QuotasConfig;
  /** Budget: the most states one execution may enter. Past a budget the execution fails with
   *  `States.Runtime` and a cause naming the budget. Default 1,000,000. */
  maxTransitions?: number;
  /** Budget: the most bytes of history `getExecutionHistory` makes for one execution (histories
   *  are made when read; past it the reading is refused, while the execution itself runs on), and
   *  of the task answers an execution keeps to make it. Default 67,108,864 (64 MiB). */
  maxHistoryBytes?: number;
  /** Budget: the most bytes of log records one execution writes. Default 67,108,864 (64 MiB). */
  maxLogBytes?: number;
  /** Virtual milliseconds each state entry takes, so that a runaway Express loop reaches its
   *  5-minute limit as on AWS. Default 0 (timestamps stay exact). */
  stateCostMs?: number;
  /** Whether `getExecutionHistory` works on Express executions (a simulator extra; AWS keeps no
   *  Express history). Like a Standard execution's, the history is made when it is read: an
   *  execution keeps no events as it runs, only what it was given (poll times, task answers), so
   *  runs that nobody reads cost nothing extra. With `false` an Express execution keeps only its
   *  log records. Default `true`. */
  expressHistory?: boolean;
  /** Budget of the account: the most executions running at once; a start past it rejects with
   *  AWS's `ExecutionLimitExceeded` (AWS's quota is 1,000,000), except `startSyncExecution`, whose
   *  executions do not count against the account's capacity, as on AWS. Default 10,000. */
  maxOpenExecutions?: number;
  /** Budget of one JSONata evaluation: the most bytes it may hold. Default 134,217,728 (128 MiB). */
  jsonataMemory?: number;
  /** Budget of one JSONata evaluation: its work, one unit per allocation plus one per KiB
   *  allocated. Default 50,000,000. */
  jsonataFuel?: number;
  /** Ended executions kept per state machine, the most recent (older ones are gone, as if
   *  deleted). Default 1,000; `0` keeps none once they have settled; `Infinity` keeps all. */
  keepExecutions?: number;
  /** Log records kept by `getLogEvents`, the most recent. Default 10,000; `Infinity` keeps all. */
  keepLogRecords?: number;
}

export type StateMachineType = 'STANDARD' | 'EXPRESS';
export type LogLevel = 'ALL' | 'ERROR' | 'FATAL' | 'OFF';
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** `{cloudWatchLogsLogGroup: {logGroupArn: "arn:aws:logs:<region>:<account>:log-group:<name>:*"}}` */
export interface LogDestination { cloudWatchLogsLogGroup?: { logGroupArn?: string }; }

export interface LoggingConfiguration {
  /** Default `"OFF"`. */
  level?: LogLevel;
  /** Whether records carry `input` and `output`. Default false. */
  includeExecutionData?: boolean;
  /** Exactly one log group. Absent: the simulator's own group, `/aws/vendedlogs/states/asl-sim`. */
  destinations?: LogDestination[];
}

export interface CreateStateMachineInput {
  name: string;
  /** The ASL definition as JSON text (`JSON.stringify(definition)`), as AWS takes it. */
  definition: string;
  /** Default `"STANDARD"`. */
  type?: StateMachineType;
  roleArn?: string;
  loggingConfiguration?: LoggingConfiguration;
}
export interface CreateStateMachineOutput { stateMachineArn: string; creationDate: Date; }

export interface ValidateStateMachineDefinitionInput { definition: string; type?: StateMachineType; }
export interface ValidationDiagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  location?: string;
}
export interface ValidateStateMachineDefinitionOutput {
  result: 'OK' | 'FAIL';
  diagnostics: ValidationDiagnostic[];
  truncated: boolean;
}

/** `TestState`'s request: one state (or a machine with `stateName`) and what to test it with. */
export interface TestStateInput {
  /** A state's or a state machine's definition, as JSON text. */
  definition: string;
  /** With a machine definition: the state to test. */
  stateName?: string;
  roleArn?: string;
  /** The state's input, as JSON text. */
  input?: string;
  /** `INFO` (no inspection data), `DEBUG` (the default here) or `TRACE`. */
  inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  revealSecrets?: boolean;
  /** Workflow variables, as JSON text of an object. */
  variables?: string;
  /** The context object, as JSON text. */
  context?: string;
  mock?: {
    /** The task's result, as JSON text. */
    result?: string;
    errorOutput?: { error?: string; cause?: string };
    fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE';
  };
  stateConfiguration?: {
    retrierRetryCount?: number;
    errorCausedByState?: string;
    mapIterationFailureCount?: number;
    /** Items a Map's ItemReader would read, as JSON text. */
    mapItemReaderData?: string;
  };
}
/** What each step of the state's data flow produced (values as JSON text). */
export interface TestStateInspectionData {
  input?: string;
  afterArguments?: string;
  afterInputPath?: string;
  afterParameters?: string;
  afterItemsPath?: string;
  afterItemSelector?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  variables?: string;
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
}
/** `TestState`'s response. */
export interface TestStateOutput {
  status: 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';
  /** The state's output, as JSON text. */
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: TestStateInspectionData;
}

export interface StartExecutionInput {
  /** A machine's ARN; add `#TestCase` to answer its tasks from that test case of the mock config. */
  stateMachineArn: string;
  /** JSON text. Default `"{}"`. */
  input?: string;
  name?: string;
  traceHeader?: string;
}
export interface StartSyncExecutionInput extends StartExecutionInput {
  includedData?: 'ALL_DATA' | 'METADATA_ONLY';
}
export interface StartSyncExecutionOptions {
  /** `"sdk"` (the default) waits up to the 5-minute Express limit; `"console"` rejects after 60 s of
   *  execution time, as the Step Functions console does, while the execution goes on. */
  caller?: 'console' | 'sdk';
  /** Called with the execution's ARN once it has started, before any state runs (a simulator
   *  extra: AWS's StartSyncExecution names the execution only in its answer and its logs). */
  onStart?: (executionArn: string) => void;
}
export interface StartExecutionOutput { executionArn: string; startDate: Date; }

export interface ExecutionDataDetails { included: boolean; }
export interface BillingDetails { billedMemoryUsedInMB: number; billedDurationInMilliseconds: number; }

/** `StartSyncExecution`'s response. */
export interface StartSyncExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  startDate: Date;
  stopDate: Date;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  /** JSON text. */
  input?: string;
  inputDetails?: ExecutionDataDetails;
  /** JSON text, when the execution succeeded. */
  output?: string;
  outputDetails?: ExecutionDataDetails;
  error?: string;
  cause?: string;
  billingDetails: BillingDetails;
}

/** What `startExecution`'s `onDone` receives: the `StartSyncExecution` shape, with `billingDetails`
 *  for Express executions only (AWS bills Standard executions per state transition). */
export interface ExecutionResult extends Omit<StartSyncExecutionOutput, 'billingDetails'> {
  billingDetails?: BillingDetails;
}

export interface DescribeExecutionInput { executionArn: string; includedData?: 'ALL_DATA' | 'METADATA_ONLY'; }
export interface DescribeExecutionOutput {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input?: string;
  inputDetails?: ExecutionDataDetails;
  output?: string;
  outputDetails?: ExecutionDataDetails;
  error?: string;
  cause?: string;
  /** The version it runs, when started through a version or an alias. */
  stateMachineVersionArn?: string;
  /** The alias it was started through. */
  stateMachineAliasArn?: string;
  /** How many times `RedriveExecution` restarted it. */
  redriveCount: number;
  /** When it was last redriven. */
  redriveDate?: Date;
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE';
  /** Why it cannot be redriven, when it cannot. */
  redriveStatusReason?: string;
}

/** `putObject`: an object for the account's S3 store (its bucket is created if needed). */
export interface PutObjectInput { Bucket: string; Key: string; Body?: string | Uint8Array; ContentType?: string; }
export interface PutObjectOutput { ETag: string; }
export interface GetObjectInput { Bucket: string; Key: string; }
/** `getObject`: the body as text. Throws `NoSuchBucket` or `NoSuchKey`. */
export interface GetObjectOutput { Body: string; ContentLength: number; ContentType: string; ETag: string; LastModified: Date; }
export interface ListBucketsOutput { Buckets: { Name: string }[]; }
export interface ListObjectsV2Input { Bucket: string; Prefix?: string; }
export interface S3ObjectSummary { Key: string; Size: number; ETag: string; LastModified: Date; StorageClass: 'STANDARD'; }
/** `listObjectsV2`: every object under `Prefix`, in key order, in one page. */
export interface ListObjectsV2Output { Name: string; Prefix: string; KeyCount: number; IsTruncated: false; Contents: S3ObjectSummary[]; }
export interface StopExecutionInput { executionArn: string; error?: string; cause?: string; }
export interface StopExecutionOutput { stopDate: Date; }

export interface GetExecutionHistoryInput {
  executionArn: string;
  /** 1 to 1000. Default 100. */
  maxResults?: number;
  reverseOrder?: boolean;
  nextToken?: string;
  /** Default true. */
  includeExecutionData?: boolean;
}
/** A history event, as in AWS's `GetExecutionHistory`: its details sit under a key such as
 *  `stateEnteredEventDetails`. */
export interface HistoryEvent {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
  [detailsKey: `${string}EventDetails`]: { [field: string]: JsonValue } | undefined;
}
export interface GetExecutionHistoryOutput { events: HistoryEvent[]; nextToken?: string; }

/** A CloudWatch Logs record of an execution, exactly as Step Functions writes it: every top-level
 *  value is a string, and `details.input` / `details.output` are JSON text. */
export interface LogRecord {
  id: string;
  type: string;
  details: { [field: string]: JsonValue };
  previous_event_id: string;
  /** Epoch milliseconds, as a string. */
  event_timestamp: string;
  execution_arn: string;
  redrive_count: string;
}
export interface GetLogEventsInput {
  executionArn?: string;
  logGroupName?: string;
  /** `nextForwardToken` of an earlier call: only newer records. */
  nextToken?: string;
  /** 1 to 10000 (the default). */
  limit?: number;
}
export interface GetLogEventsOutput {
  events: LogRecord[];
  /** Pass it back as `nextToken`; the same token comes back while nothing new has arrived. */
  nextForwardToken: string;
}

/** What a task handler learns about the task besides its input. */
export interface TaskContext {
  executionArn: string;
  stateMachineArn: string;
  stateName: string;
  resource: string;
  /** How many times this state has been retried so far. */
  retryCount: number;
  /** A `.waitForTaskToken` task's token (also `$$.Task.Token`): the handler's call is the
   *  integration's request, and the task ends when the token comes back through `sendTaskSuccess`
   *  or `sendTaskFailure`, not with the handler's return value. */
  taskToken?: string;
}
/** Answers a Task state: gets the task's input (for `arn:aws:states:::lambda:invoke`,
 *  `{FunctionName, Payload}`) and returns (or resolves to) what the function or service returns;
 *  `lambda:invoke` wraps it in Lambda's Invoke response (`{Payload, StatusCode: 200, ...}`), as AWS
 *  does. Throwing `{error, cause}`, or an `Error` with those fields, fails the task with them. */
export type TaskHandler = (input: JsonValue, context: TaskContext) => unknown;

/** `SendTaskSuccess`'s request: the task's token and its output as JSON text. */
export interface SendTaskSuccessInput { taskToken: string; output: string; }
/** `SendTaskFailure`'s request. */
export interface SendTaskFailureInput { taskToken: string; error?: string; cause?: string; }
/** `SendTaskHeartbeat`'s request. */
export interface SendTaskHeartbeatInput { taskToken: string; }
/** What the `SendTask*` calls answer: nothing, as on AWS. */
export type SendTaskOutput = Record<string, never>;

/** A Step Functions Local mock config file. */
export interface MockConfig {
  StateMachines?: { [machineName: string]: { TestCases?: { [testCase: string]: { [stateName: string]: string } } } };
  MockedResponses?: {
    [responseName: string]: {
      [invocations: string]: { Return: JsonValue } | { Throw: { Error?: string; Cause?: string } };
    };
  };
}

/** Called with each log record as it is written, and the name of its log group. */
export type LogSubscriber = (record: LogRecord, logGroupName: string) => void;

/** The errors the simulator throws: `name` is AWS's exception name (`InvalidDefinition`,
 *  `StateMachineDoesNotExist`, `InvalidExecutionInput`, `ExecutionDoesNotExist`,
 *  `StateMachineTypeNotSupported`, `ThrottlingException`, `ValidationException`,
 *  `InvalidToken`, `TaskDoesNotExist`, `TaskTimedOut`, `InvalidOutput`, ...). */
export interface SimulatorError extends Error {
  $fault?: 'client';
  /** `InvalidDefinition`: what is wrong, as `validateStateMachineDefinition` reports it. */
  diagnostics?: ValidationDiagnostic[];
  /** `TimeoutError` of a console `startSyncExecution`: the execution, which goes on. */
  executionArn?: string;
}

/** `deleteStateMachine`'s request. */
export interface DeleteStateMachineInput { stateMachineArn: string; }
/** What `deleteStateMachine` answers: nothing, as on AWS. */
export type DeleteStateMachineOutput = Record<string, never>;

/** An HTTP request as the AWS SDK for JavaScript v3 hands it to its request handler (`HttpRequest`
 *  of `@smithy/protocol-http`): the simulator reads the `x-amz-target` header and the JSON body. */
export interface HttpRequestLike {
  method?: string;
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array | null;
}
/** The response `handle` resolves with, as the SDK's `HttpResponse`: the JSON body as bytes. */
export interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}
