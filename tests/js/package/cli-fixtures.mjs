// The files and command lines that `asl-sim` (npx, the package's JS command line) and the Rust
// binary must answer alike: every command, option and exit status, and the errors.

const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:';
const def = (states, startAt = Object.keys(states)[0]) => JSON.stringify({ StartAt: startAt, States: states });

export const FILES = {
  'hello.json': def({
    Hello: { Type: 'Pass', Parameters: { 'msg.$': "States.Format('Hello, {}!', $.name)" }, Next: 'Nap' },
    Nap: { Type: 'Wait', Seconds: 30, End: true } }),
  'input.json': '{"name": "file", "big": 12345678901234567890}',
  'fail.json': def({ Call: { Type: 'Task', Resource: `${lambda}nobody`, End: true } }),
  'order.json': def({ Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
    Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 2 }], OutputPath: '$.Payload', End: true } }),
  'mocks.json': JSON.stringify({ StateMachines: { Order: { TestCases: { Happy: { Charge: 'Ok' }, Busy: { Charge: 'Busy' } } } },
    MockedResponses: { Ok: { 0: { Return: { StatusCode: 200, Payload: { charged: true } } } },
      Busy: { '0-1': { Throw: { Error: 'Lambda.TooManyRequestsException', Cause: 'slow down' } },
        2: { Return: { StatusCode: 200, Payload: { charged: 'late' } } } } } }),
  'parent.json': def({
    Call: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Child', Input: { 'n.$': '$.n' } },
      OutputPath: '$.Output', Next: 'Quick' },
    Quick: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:startSyncExecution',
      Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Fast', 'Input.$': 'States.JsonToString($)' },
      ResultSelector: { 'status.$': '$.Status', 'out.$': 'States.StringToJson($.Output)' }, End: true } }),
  'children/Child.json': def({ Nap: { Type: 'Wait', Seconds: 60, Next: 'Double' },
    Double: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, $.n)' }, End: true } }),
  'children/Fast.express.json': def({ P: { Type: 'Pass', Parameters: { 'twice.$': '$.n' }, End: true } }),
  'children/notes.txt': 'not a definition',
  'token.json': def({ Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } }, End: true } }),
  'map.json': def({ Each: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2,
    ItemProcessor: { StartAt: 'Sq', States: { Sq: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input * $states.input %}', End: true } } },
    Next: 'Uuid' },
  Uuid: { Type: 'Pass', Parameters: { 'squares.$': '$', 'id.$': 'States.UUID()', 'r.$': 'States.MathRandom(1, 1000)' }, End: true } }),
  'bad.json': def({ A: { Type: 'Pass', Next: 'Nowhere' } }),
  'notjson.json': '{"StartAt": ',
  'state-ok.json': JSON.stringify({ definition: JSON.stringify({ Type: 'Pass', Parameters: { 'x.$': '$.a' }, End: true }),
    input: '{"a": [1, 2.5]}', inspectionLevel: 'DEBUG' }),
  'state-retry.json': JSON.stringify({ definition: JSON.stringify({ Type: 'Task', Resource: `${lambda}f`, End: true,
    Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 3, BackoffRate: 1.5 }] }),
  input: '{}', inspectionLevel: 'DEBUG', mock: { errorOutput: { error: 'Boom', cause: 'bang' } },
  stateConfiguration: { retrierRetryCount: 1 } }),
  'state-fail.json': JSON.stringify({ definition: JSON.stringify({ Type: 'Fail', Error: 'E', Cause: 'C' }) }),
  'state-bad.json': JSON.stringify({ input: '{}' }),
};

const arn = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Order';

export const CASES = [
  [], ['--help'], ['help'], ['run', '--help'], ['validate', '-h'], ['test-state', '--help'], ['bogus'],
  ['run'], ['run', 'hello.json', '--bogus'], ['run', 'hello.json', '--type', 'FAST'], ['run', 'hello.json', '--seed', 'x'],
  ['run', 'hello.json', '--input'], ['validate', 'hello.json', 'more.json'], ['test-state'], ['test-state', 'a.json', 'b.json'],
  ['run', 'missing.json'], ['run', 'children'], ['run', 'notjson.json'], ['run', 'bad.json'],
  ['validate', 'hello.json'], ['validate', 'hello.json', '--type', 'EXPRESS'], ['validate', 'bad.json'], ['validate', 'notjson.json'],
  ['validate', 'token.json', '--type', 'EXPRESS'], ['validate', 'missing.json'],
  ['run', 'hello.json', '--input-json', '{"name": "World"}', '--history'],
  ['run', 'hello.json', '--type', 'EXPRESS', '--input-json', '{"name": "fast"}'],
  ['run', 'hello.json', '--input', 'input.json', '--seed', '42', '--execution-name', 'e1', '--role-arn',
    'arn:aws:iam::111122223333:role/r', '--state-machine-arn', 'arn:aws:states:eu-west-1:111122223333:stateMachine:Hi'],
  ['run', 'hello.json', '--input-json', 'not json'], ['run', 'hello.json', '--input', 'missing.json'],
  ['run', 'hello.json', '--execution-name', 'bad name'],
  ['run', 'fail.json', '--history'], ['run', 'fail.json', '--type', 'EXPRESS'],
  ['run', 'order.json', '--mock-config', 'mocks.json', '--state-machine-arn', `${arn}#Happy`],
  ['run', 'order.json', '--mock-config', 'mocks.json', '--state-machine-arn', `${arn}#Busy`, '--history'],
  ['run', 'order.json', '--mock-config', 'mocks.json', '--state-machine-arn', `${arn}#Nope`],
  ['run', 'order.json', '--mock-config', 'notjson.json'], ['run', 'order.json', '--mock-config', 'hello.json'],
  ['run', 'parent.json', 'children', '--input-json', '{"n": 21}', '--history'],
  ['run', 'parent.json', 'children/Child.json', 'children/Fast.express.json', '--input-json', '{"n": 2}'],
  ['run', 'parent.json', '--input-json', '{"n": 1}'], ['run', 'parent.json', 'missing-folder/'],
  ['run', 'token.json', '--history'], ['run', 'token.json', '--type', 'EXPRESS'],
  ['run', 'map.json', '--input-json', '{"items": [1, 2, 3]}', '--seed', '7', '--history'],
  ['test-state', 'state-ok.json'], ['test-state', 'state-retry.json'], ['test-state', 'state-fail.json'],
  ['test-state', 'state-bad.json'], ['test-state', 'notjson.json'], ['test-state', 'missing.json'],
];
