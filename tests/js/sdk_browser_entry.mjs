// The page side of tests/js/sdk_browser.mjs: the AWS SDK v3 clients, bundled for the browser by
// esbuild, run the two Express flows against the simulator's web build through its request handler.
import * as sdk from '@aws-sdk/client-sfn';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import init, { Simulator } from './pkg/asl_sim.js';
import { asyncFlow, credentials, REGION, syncFlow } from './sdk_flows.mjs';

async function main() {
  await init();
  const sim = new Simulator();
  const config = { region: REGION, credentials, requestHandler: sim.requestHandler(), maxAttempts: 1 };
  const sfn = new sdk.SFNClient(config);
  const logs = new logsSdk.CloudWatchLogsClient(config);
  const results = {};
  for (const [name, flow] of [['sync', () => syncFlow(sfn, sdk)], ['async', () => asyncFlow(sfn, logs, sdk, logsSdk)]]) {
    try {
      const out = await flow();
      results[name] = { ok: true, output: name === 'sync' ? out.output : out.details.output };
    } catch (e) {
      results[name] = { ok: false, error: String(e && e.stack || e) };
    }
  }
  window.sdkResults = results;
}

main().catch((e) => { window.sdkResults = { error: String(e && e.stack || e) }; });
