/**
 * Monthly cost estimate of interface endpoints: endpoints × AZs × hourly price × 730 h. The S3 gateway endpoint
 * is free; data processing ($0.01/GB for the first PB) is not included.
 *
 * Source: AWS PrivateLink pricing, "Interface Endpoint pricing — price per VPC endpoint per AZ ($/hour)",
 * https://aws.amazon.com/privatelink/pricing/ (list prices as published in 2025; update this table when they change).
 */
export const HOURS_PER_MONTH = 730;

export const INTERFACE_ENDPOINT_HOURLY_USD: Record<string, number> = {
  "us-east-1": 0.01,
  "us-east-2": 0.01,
  "us-west-1": 0.011,
  "us-west-2": 0.01,
  "ca-central-1": 0.011,
  "eu-west-1": 0.011,
  "eu-west-2": 0.011,
  "eu-west-3": 0.011,
  "eu-central-1": 0.012,
  "eu-north-1": 0.011,
  "eu-south-1": 0.0116,
  "ap-south-1": 0.011,
  "ap-northeast-1": 0.014,
  "ap-northeast-2": 0.013,
  "ap-southeast-1": 0.013,
  "ap-southeast-2": 0.014,
  "sa-east-1": 0.017,
};

export interface EndpointCost {
  readonly endpoints: number;
  readonly azs: number;
  readonly hourlyUsd: number;
  /** Rounded to cents. */
  readonly monthlyUsd: number;
}

export function interfaceEndpointCost(region: string, endpoints: number, azs: number): EndpointCost {
  const hourlyUsd = INTERFACE_ENDPOINT_HOURLY_USD[region];
  if (hourlyUsd === undefined)
    throw new Error(`no interface-endpoint price for region ${region}; add it to INTERFACE_ENDPOINT_HOURLY_USD`);
  return {
    endpoints,
    azs,
    hourlyUsd,
    monthlyUsd: Math.round(endpoints * azs * hourlyUsd * HOURS_PER_MONTH * 100) / 100,
  };
}
