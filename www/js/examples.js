// The examples menu: ready machines, each with its input, type, Task mocks (a Step Functions Local
// mock config for the test case `Playground` of the machine `Playground`), nested machines, and
// the status it ends with (the end-to-end tests run every one and check it).

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:';

/** Test-case mocks: `{StateName: [responses by attempt]}` as a Step Functions Local mock config. */
export function mockConfig(machine, testCase, byState) {
  const config = { StateMachines: { [machine]: { TestCases: { [testCase]: {} } } }, MockedResponses: {} };
  for (const [state, responses] of Object.entries(byState)) {
    const name = `${state}Mock`;
    config.StateMachines[machine].TestCases[testCase][state] = name;
    config.MockedResponses[name] = Object.fromEntries(responses.map((r, i) => [String(i), r]));
  }
  return config;
}

const mocks = (byState) => mockConfig('Playground', 'Playground', byState);

export const EXAMPLES = [
  {
    name: 'Hello world',
    definition: { Comment: 'A Pass state that adds a greeting', StartAt: 'Hello',
      States: { Hello: { Type: 'Pass', Parameters: { 'message.$': "States.Format('Hello, {}!', $.name)" }, End: true } } },
    input: { name: 'World' },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Choice',
    definition: { StartAt: 'Size?', States: {
      'Size?': { Type: 'Choice', Choices: [
        { Variable: '$.n', NumericGreaterThan: 100, Next: 'Big' },
        { And: [{ Variable: '$.n', NumericGreaterThanEquals: 10 }, { Variable: '$.n', NumericLessThanEquals: 100 }], Next: 'Medium' },
      ], Default: 'Small' },
      Big: { Type: 'Pass', Result: 'big', End: true },
      Medium: { Type: 'Pass', Result: 'medium', End: true },
      Small: { Type: 'Pass', Result: 'small', End: true } } },
    input: { n: 42 },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Wait',
    definition: { StartAt: 'Nap', States: {
      Nap: { Type: 'Wait', Seconds: 5, Next: 'Until' },
      Until: { Type: 'Wait', SecondsPath: '$.more', Next: 'Done' },
      Done: { Type: 'Pass', Result: 'rested', End: true } } },
    input: { more: 3 },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Parallel',
    definition: { StartAt: 'Both', States: {
      Both: { Type: 'Parallel', Branches: [
        { StartAt: 'Add', States: { Add: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)' }, End: true } } },
        { StartAt: 'Say', States: { Say: { Type: 'Pass', Parameters: { 'text.$': "States.Format('{} and {}', $.a, $.b)" }, Next: 'Shout' },
          Shout: { Type: 'Pass', InputPath: '$.text', ResultPath: '$', End: true } } },
      ], ResultSelector: { 'sum.$': '$[0].sum', 'text.$': '$[1]' }, End: true } } },
    input: { a: 40, b: 2 },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Inline Map',
    definition: { StartAt: 'Each', States: {
      Each: { Type: 'Map', ItemsPath: '$.orders', MaxConcurrency: 2,
        ItemSelector: { 'id.$': '$$.Map.Item.Value.id', 'index.$': '$$.Map.Item.Index' },
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Check', States: {
          Check: { Type: 'Choice', Choices: [{ Variable: '$.index', NumericEquals: 0, Next: 'First' }], Default: 'Other' },
          First: { Type: 'Pass', Parameters: { 'first.$': '$.id' }, End: true },
          Other: { Type: 'Pass', End: true } } },
        End: true } } },
    input: { orders: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Distributed Map (Standard)',
    type: 'STANDARD',
    definition: { StartAt: 'Fan out', States: {
      'Fan out': { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 10, ToleratedFailurePercentage: 0,
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'Double', States: {
          Double: { Type: 'Pass', Parameters: { 'twice.$': 'States.MathAdd($, $)' }, End: true } } },
        End: true } } },
    input: { items: [1, 2, 3, 4, 5] },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Retry and Catch',
    definition: { StartAt: 'Charge card', States: {
      'Charge card': { Type: 'Task', Resource: `${LAMBDA}charge`,
        Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Refund' }], Next: 'Ship' },
      Ship: { Type: 'Task', Resource: `${LAMBDA}ship`,
        Catch: [{ ErrorEquals: ['NoStock'], ResultPath: '$.error', Next: 'Refund' }], End: true },
      Refund: { Type: 'Pass', Result: 'refunded', ResultPath: '$.refund', End: true } } },
    input: { order: 17, amount: 25 },
    mocks: mocks({
      'Charge card': [{ Throw: { Error: 'Flaky', Cause: 'gateway busy' } }, { Throw: { Error: 'Flaky', Cause: 'gateway busy' } }, { Return: { charged: 25 } }],
      Ship: [{ Throw: { Error: 'NoStock', Cause: 'item 17 is out of stock' } }],
    }),
    expect: 'SUCCEEDED',
  },
  {
    name: 'JSONata with variables',
    definition: { QueryLanguage: 'JSONata', StartAt: 'Prices', States: {
      Prices: { Type: 'Pass', Assign: { total: '{% $sum($states.input.items.price) %}', count: '{% $count($states.input.items) %}' }, Next: 'Big order?' },
      'Big order?': { Type: 'Choice', Choices: [{ Condition: '{% $total > 100 %}', Next: 'Discount' }], Default: 'Summary' },
      Discount: { Type: 'Pass', Assign: { total: '{% $total * 0.9 %}' }, Next: 'Summary' },
      Summary: { Type: 'Pass', Output: { total: '{% $round($total, 2) %}', items: '{% $count %}' }, End: true } } },
    input: { items: [{ price: 80 }, { price: 45.5 }] },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Callback task (Standard)',
    type: 'STANDARD',
    definition: { StartAt: 'Ask approval', States: {
      'Ask approval': { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/approvals', MessageBody: { 'order.$': '$.order', 'token.$': '$$.Task.Token' } },
        Next: 'Approved?' },
      'Approved?': { Type: 'Choice', Choices: [{ Variable: '$.approved', BooleanEquals: true, Next: 'Go' }], Default: 'Stop' },
      Go: { Type: 'Succeed' },
      Stop: { Type: 'Fail', Error: 'Rejected', Cause: 'The approver said no.' } } },
    input: { order: 17 },
    callback: { output: { approved: true } },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Nested workflow (Standard)',
    type: 'STANDARD',
    definition: { StartAt: 'Run child', States: {
      'Run child': { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Child', 'Input.$': '$' },
        ResultSelector: { 'childOutput.$': '$.Output' }, End: true } } },
    input: { x: 20 },
    children: { Child: { type: 'STANDARD', definition: { StartAt: 'Double', States: {
      Double: { Type: 'Pass', Parameters: { 'y.$': 'States.MathAdd($.x, $.x)' }, End: true } } } } },
    expect: 'SUCCEEDED',
  },
  {
    name: 'Long Wait: the console gives up at 60 s',
    definition: { Comment: 'Run synchronously with the console caller: the request rejects at 60 s while the execution goes on to 90 s.',
      StartAt: 'Long wait', States: { 'Long wait': { Type: 'Wait', Seconds: 90, Next: 'Done' }, Done: { Type: 'Succeed' } } },
    input: {},
    expect: 'SUCCEEDED',
    consoleTimeout: true,
  },
  {
    name: 'Runaway loop (a budget ends it)',
    definition: { Comment: 'Never ends by itself. On AWS it would time out at the Express limit of 5 minutes; here no time passes between states, so the simulator ends it on a budget, with States.Runtime: its log records\' (64 MiB) with logging ALL, else its 1,000,000 state transitions. Its history is made when it is read, up to 64 MiB.', StartAt: 'Count', States: {
      Count: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Again?' },
      'Again?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: -1, Next: 'Count' }], Default: 'Never' },
      Never: { Type: 'Succeed' } } },
    input: { n: 0 },
    expect: 'FAILED',
  },
  {
    name: 'Express 5-minute limit',
    definition: { StartAt: 'Ten minutes', States: { 'Ten minutes': { Type: 'Wait', Seconds: 600, End: true } } },
    input: {},
    expect: 'TIMED_OUT',
  },
  {
    name: 'Order with mocked Lambda tasks',
    definition: { StartAt: 'Validate', States: {
      Validate: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: `${LAMBDA}validate`, 'Payload.$': '$' }, ResultSelector: { 'valid.$': '$.Payload.valid' },
        ResultPath: '$.check', Next: 'Valid?' },
      'Valid?': { Type: 'Choice', Choices: [{ Variable: '$.check.valid', BooleanEquals: true, Next: 'Save' }], Default: 'Invalid' },
      Save: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: { TableName: 'orders', Item: { id: { 'S.$': '$.id' } } }, ResultPath: null, End: true },
      Invalid: { Type: 'Fail', Error: 'InvalidOrder', Cause: 'The order did not validate.' } } },
    input: { id: 'o-1', total: 30 },
    mocks: mocks({
      Validate: [{ Return: { StatusCode: 200, Payload: { valid: true } } }],
      Save: [{ Return: {} }],
    }),
    expect: 'SUCCEEDED',
  },
];
