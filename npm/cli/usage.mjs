// The command line's usage text and its one error type. The text is the Rust command line's
// (src/bin/asl-sim.rs), word for word: the package test compares the two.

export const USAGE = `usage:
  asl-sim run DEFINITION.json [MORE.json | DIR ...] [--input FILE | --input-json TEXT]
          [--mock-config FILE] [--state-machine-arn ARN[#TestCase]] [--execution-name NAME]
          [--role-arn ARN] [--type STANDARD|EXPRESS] [--seed N] [--history] [--s3-dir DIR]
          [BUDGETS]
  asl-sim validate DEFINITION.json [--type STANDARD|EXPRESS]
  asl-sim test-state REQUEST.json

BUDGETS (each execution; past one it fails with States.Runtime): --max-transitions N (1000000),
  --max-history-bytes N (67108864), --max-log-bytes N (67108864), --state-cost-ms N (0: virtual
  milliseconds per state entered), --jsonata-memory N (134217728 bytes per evaluation),
  --jsonata-fuel N (50000000 per evaluation), --max-open-executions N (10000 running in the account;
  a start past it is ExecutionLimitExceeded). An EXPRESS run keeps its history only with --history.

run: DEFINITION.json is the machine to run; MORE.json files and the *.json files of DIRs are
created beside it, named by their file name (Child.json: Child; Child.express.json: an EXPRESS
machine named Child), for nested workflows (states:startExecution) to start.

--s3-dir DIR: the account's S3 objects are the files DIR/<bucket>/<key> (Distributed Map
ItemReaders read them, s3 and aws-sdk:s3 tasks read and write them); objects the run writes or
changes (ResultWriter files, putObject tasks) are written back there when it ends.`;

/** A mistake in the command line or its files: printed as `asl-sim: <message>`, exit status 2. */
export class UsageError extends Error {}
