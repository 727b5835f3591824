// AWS Step Functions prices, to estimate what one execution would cost on AWS.
//
// Source: https://aws.amazon.com/step-functions/pricing/ (read 2026-12-06).
// - Standard: per 1,000 state transitions, by region, from the page's state transitions table
//   (retries count as transitions; the free tier of 4,000 transitions a month is left out here).
// - Express: $1.00 per million requests, and duration per GB-second, the first tier (the first
//   1,000 GB-hours of a month: $0.00001667; the next 4,000: $0.00000833; beyond: $0.00000456),
//   for the regions whose Express prices we have checked (us-east-1, us-east-2, us-west-2,
//   eu-west-1); other regions show Standard only. Duration is rounded up to 100 ms and memory
//   billed in 64-MB chunks: the simulator's billingDetails already are.

export const PRICES_SOURCE = 'https://aws.amazon.com/step-functions/pricing/ (read 2026-12-06)';

const EXPRESS_US = { perRequest: 1.0 / 1_000_000, perGbSecond: 0.00001667 };

/** region -> {name, standardPerTransition, express?} in USD. */
export const PRICES = {
  'us-east-1': { name: 'US East (N. Virginia)', standardPerTransition: 0.025 / 1000, express: EXPRESS_US },
  'us-east-2': { name: 'US East (Ohio)', standardPerTransition: 0.025 / 1000, express: EXPRESS_US },
  'us-west-2': { name: 'US West (Oregon)', standardPerTransition: 0.025 / 1000, express: EXPRESS_US },
  'us-west-1': { name: 'US West (N. California)', standardPerTransition: 0.0279 / 1000 },
  'ca-central-1': { name: 'Canada (Central)', standardPerTransition: 0.025 / 1000 },
  'sa-east-1': { name: 'South America (Sao Paulo)', standardPerTransition: 0.0375 / 1000 },
  'eu-west-1': { name: 'Europe (Ireland)', standardPerTransition: 0.025 / 1000, express: EXPRESS_US },
  'eu-central-1': { name: 'Europe (Frankfurt)', standardPerTransition: 0.025 / 1000 },
  'eu-west-2': { name: 'Europe (London)', standardPerTransition: 0.025 / 1000 },
  'eu-west-3': { name: 'Europe (Paris)', standardPerTransition: 0.0297 / 1000 },
  'eu-north-1': { name: 'Europe (Stockholm)', standardPerTransition: 0.025 / 1000 },
  'ap-southeast-1': { name: 'Asia Pacific (Singapore)', standardPerTransition: 0.025 / 1000 },
  'ap-northeast-1': { name: 'Asia Pacific (Tokyo)', standardPerTransition: 0.025 / 1000 },
  'ap-southeast-2': { name: 'Asia Pacific (Sydney)', standardPerTransition: 0.025 / 1000 },
  'ap-northeast-2': { name: 'Asia Pacific (Seoul)', standardPerTransition: 0.0271 / 1000 },
  'ap-south-1': { name: 'Asia Pacific (Mumbai)', standardPerTransition: 0.0285 / 1000 },
};

/** An Express execution's cost from its billingDetails: {request, duration, total, gbSeconds}, or null. */
export function expressCost(region, billing) {
  const p = PRICES[region]?.express;
  if (!p || !billing) return null;
  const gbSeconds = (billing.billedMemoryUsedInMB / 1024) * (billing.billedDurationInMilliseconds / 1000);
  const duration = gbSeconds * p.perGbSecond;
  return { request: p.perRequest, duration, gbSeconds, total: p.perRequest + duration };
}

/** The same run as a Standard execution: {transitions, total}. */
export function standardCost(region, transitions) {
  const p = PRICES[region];
  if (!p) return null;
  return { transitions, total: transitions * p.standardPerTransition };
}

/** USD with enough digits for a millionth of a cent. */
export function usd(x) {
  if (x === 0) return '$0';
  return `$${x < 0.01 ? x.toPrecision(3) : x.toFixed(4)}`;
}
