/**
 * The SSM Agent's own API actions that have no resource-level permissions (AWS documents them with
 * `Resource: "*"`): registering the instance and the session channels (ssmmessages), and the Message Delivery
 * Service (ec2messages) that agents older than 3.3.40.0 still use. The instance role grants them; the IAM
 * guardrail exempts exactly these from "no write actions on *".
 */
export const SSM_AGENT_CHANNEL_ACTIONS = [
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
] as const;

export const SSM_AGENT_LEGACY_MESSAGE_ACTIONS = [
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
] as const;
