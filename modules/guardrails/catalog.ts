/** Every guardrail rule, in documentation order. A new rule gets a new id; ids are never reused. */
import type { GuardrailRule } from "./rule";
import { BucketPublicAccessBlocked } from "./rules/bl-bkt-001-public-access-block";
import { BucketTlsOnly } from "./rules/bl-bkt-002-tls-only";
import { BucketKmsEncrypted } from "./rules/bl-bkt-003-encryption";
import { BucketVersioned } from "./rules/bl-bkt-004-versioning";
import { BucketAclsDisabled } from "./rules/bl-bkt-005-no-acls";
import { ProtectedFromDestroy } from "./rules/bl-dur-001-protected";
import { NoActionWildcard } from "./rules/bl-iam-001-no-action-wildcard";
import { NoWildcardResourceWrite } from "./rules/bl-iam-002-no-wildcard-write";
import { NoPassRoleOnAll } from "./rules/bl-iam-003-no-passrole-wildcard";
import { StartSessionTagCondition } from "./rules/bl-iam-004-start-session-tags";
import { StartSessionDocumentCheck } from "./rules/bl-iam-005-session-document-check";
import { PolicyAnalysable } from "./rules/bl-iam-006-analysable-policy";
import { PolicySize } from "./rules/bl-iam-007-policy-size";
import { KmsKeyRotated } from "./rules/bl-kms-001-key-rotation";
import { LogGroupEncrypted } from "./rules/bl-log-001-log-group-kms";
import { LogRetentionMinimum } from "./rules/bl-log-002-log-retention";
import { AuditTrailHardened } from "./rules/bl-log-003-audit-trail";
import { AlertTopicSubscribed } from "./rules/bl-log-004-alert-topic-subscribed";
import { NoIngressFromAnywhere } from "./rules/bl-net-001-open-ingress";
import { NoAdminPortIngress } from "./rules/bl-net-002-admin-ports";
import { SecurityGroupRuleDescribed } from "./rules/bl-net-003-rule-description";
import { NoPublicIp } from "./rules/bl-net-004-public-ip";
import { Imdsv2Required } from "./rules/bl-net-005-imdsv2";
import { EbsEncrypted } from "./rules/bl-net-006-ebs-encrypted";
import { InterfaceEndpointPrivateDns } from "./rules/bl-net-007-endpoint-private-dns";
import { RestrictiveGatewayOnAdoptedRouteTables } from "./rules/bl-net-008-adopted-s3-gateway";
import { AdoptedEndpointAdmitsVpc } from "./rules/bl-net-009-adopted-endpoint-admits-vpc";
import { ForwardTargetHasEgress } from "./rules/bl-net-010-forward-target-egress";
import { SessionsLoggedEncrypted } from "./rules/bl-ses-001-encrypted-destination";
import { SessionDataKmsKey } from "./rules/bl-ses-002-kms-key";
import { UntranscribedChannel } from "./rules/bl-ses-003-untranscribed-channel";

/** A fresh instance of every rule (rules are aspects; each stack gets its own). */
export function allRules(): GuardrailRule[] {
  return [
    new NoIngressFromAnywhere(),
    new NoAdminPortIngress(),
    new SecurityGroupRuleDescribed(),
    new NoPublicIp(),
    new Imdsv2Required(),
    new EbsEncrypted(),
    new InterfaceEndpointPrivateDns(),
    new RestrictiveGatewayOnAdoptedRouteTables(),
    new AdoptedEndpointAdmitsVpc(),
    new ForwardTargetHasEgress(),
    new LogGroupEncrypted(),
    new LogRetentionMinimum(),
    new AuditTrailHardened(),
    new AlertTopicSubscribed(),
    new BucketPublicAccessBlocked(),
    new BucketTlsOnly(),
    new BucketKmsEncrypted(),
    new BucketVersioned(),
    new BucketAclsDisabled(),
    new KmsKeyRotated(),
    new SessionsLoggedEncrypted(),
    new SessionDataKmsKey(),
    new UntranscribedChannel(),
    new NoActionWildcard(),
    new NoWildcardResourceWrite(),
    new NoPassRoleOnAll(),
    new StartSessionTagCondition(),
    new StartSessionDocumentCheck(),
    new PolicyAnalysable(),
    new PolicySize(),
    new ProtectedFromDestroy(),
  ];
}
