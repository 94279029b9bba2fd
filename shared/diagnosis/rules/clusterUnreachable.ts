/**
 * ClusterUnreachable: the monitor could not read the cluster at all — the collector sets `meta.clusterError`
 * (`Unauthorized` 401, `Forbidden` 403 on the basic reads, `Timeout`, `SignInFailed` when no Entra token could be had) when the API server refuses or never answers.
 * Nothing is known about the deployment then, so this is the whole diagnosis (status Unknown), with the fix for
 * the monitor's access. A `meta.gaps` entry alone (one resource kind forbidden, one log unreadable) is a gap the
 * diagnosis names, not this finding.
 */
import { SPECIFICITY } from '../types.js';
import { evidence } from '../context.js';
import { DOCS } from '../docs.js';
import type { Rule, RuleContext } from '../rule.js';
import type { DetailOf, RuleFinding } from '../types.js';
import { serviceLabel } from '../signals/podSignals.js';

type Detail = DetailOf<'ClusterUnreachable'>;

const DETAILS: readonly string[] = ['Unauthorized', 'Forbidden', 'Timeout', 'SignInFailed'];

/** The API server named in the message (`https://x.hcp.westeurope.azmk8s.io:443`, `20.1.2.3:443`), if any. */
function serverOf(message: string): string | undefined {
  return (
    /https?:\/\/[^\s/"']+/.exec(message)?.[0] ??
    /\b[\w-]+(?:\.[\w-]+)*\.azmk8s\.io(?::\d+)?/.exec(message)?.[0] ??
    /\b\d{1,3}(?:\.\d{1,3}){3}:\d+\b/.exec(message)?.[0]
  );
}

const HTTP_STATUS: Partial<Record<string, number>> = { Unauthorized: 401, Forbidden: 403 };

/** The identity a 403 names: `User "system:serviceaccount:ns:sa"` / `User "8f3a…"`. */
function identityOf(message: string): string | undefined {
  return /User "([^"]+)"/.exec(message)?.[1];
}

/** The collector's Unauthorized also covers a failed Entra sign-in (no token at all). */
const SIGN_IN =
  /sign-?in|AADSTS\d+|ManagedIdentityCredential|DefaultAzureCredential|CredentialUnavailable|failed to (?:get|acquire) (?:a |an )?(?:access )?token/i;

function text(
  detail: Detail,
  message: string,
): { title: string; why: string; remedy: string[]; docs: string[] } {
  const server = serverOf(message);
  const at = server ? ` at ${server}` : '';
  switch (detail) {
    case 'SignInFailed':
      return {
        title: `The monitor could not get a Microsoft Entra token for the cluster${at}`,
        why: 'the sign-in for the token the API server needs failed before any request reached the cluster',
        remedy: [
          "Check that the Function App's managed identity exists and is the one the kubeconfig's exec plugin (kubelogin) uses, and that the identity belongs to the cluster's Entra tenant",
          'Then give that identity an AKS RBAC role on the cluster (infra/roles/aksReader.bicep)',
        ],
        docs: [DOCS.aksEntra, DOCS.aksLocalAccounts],
      };
    case 'Unauthorized':
      return {
        title: `The cluster's API server${at} rejected the monitor's credentials (401 Unauthorized)`,
        why: 'the API server does not accept the token or certificate the monitor presents',
        remedy: [
          "Refresh the credentials: a kubeconfig token or client certificate has expired or the cluster certificates were rotated (`az aks get-credentials --overwrite-existing`, then update the monitor's kubeconfig secret)",
          "If the cluster has local accounts disabled (`--disable-local-accounts`), static kubeconfig credentials no longer work: authenticate with Microsoft Entra ID (the Function's managed identity via kubelogin / `az aks get-credentials --format exec`) and give that identity an AKS RBAC role",
        ],
        docs: [DOCS.aksLocalAccounts, DOCS.aksEntra],
      };
    case 'Forbidden': {
      const who = identityOf(message);
      return {
        title: `The monitor's identity${who ? ` "${who}"` : ''} may not read the cluster (403 Forbidden)`,
        why: `the API server knows the monitor${who ? ` (as ${who})` : ''} but its RBAC roles do not allow the reads a diagnosis needs`,
        remedy: [
          `Bind the read-only ClusterRole from infra/rbac.yaml to the monitor's identity: \`kubectl apply -f infra/rbac.yaml\`${who ? ` and a ClusterRoleBinding whose subject is ${who}` : ''} (pods, pods/log, events, deployments, replicasets, PVCs, PVs, configmaps, nodes, namespaces, resourcequotas: get/list)`,
          'With Azure RBAC for Kubernetes, assign the identity the custom role "amlmon cluster reader" that `azd up` creates on the cluster (infra/main.bicep; exactly the reads above); the built-in "Azure Kubernetes Service RBAC Reader" is not enough (no nodes, persistentvolumes or pods/log)',
        ],
        docs: [DOCS.k8sRbac, DOCS.aksEntra],
      };
    }
    case 'Timeout': {
      // The contract files every "no answer" under Timeout; the message says which kind of no answer it was.
      const how = /ECONNREFUSED/.test(message)
        ? { title: 'refused the connection (ECONNREFUSED)', why: 'nothing listens at the API server address' }
        : /ENOTFOUND|EAI_AGAIN/.test(message)
          ? { title: 'could not be found (DNS)', why: "the API server's host name does not resolve" }
          : /EHOSTUNREACH|ENETUNREACH/.test(message)
            ? { title: 'is not routable from the monitor', why: 'no network route leads to the API server' }
            : /connection reset/.test(message)
              ? { title: 'reset the connection', why: 'the connection was cut before an answer came back' }
              : { title: 'did not answer the monitor (timeout)', why: 'no response came back in time' };
      return {
        title: `The cluster's API server${at} ${how.title}`,
        why: `${how.why}: the API server is not reachable from where the monitor runs`,
        remedy: [
          "If the cluster restricts API server access by IP (`apiServerAccessProfile.authorizedIpRanges`), add the Function App's outbound IPs: `az aks update -g <rg> -n <cluster> --api-server-authorized-ip-ranges <existing>,<function-outbound-ips>`",
          "For a private cluster, run the monitor in (or peered with) the cluster's virtual network with VNet integration and the private DNS zone linked; check that the cluster is not stopped (`az aks show --query powerState`, `az aks start`)",
        ],
        docs: [DOCS.aksAuthorizedIpRanges, DOCS.aksPrivateCluster, DOCS.aksStartStop],
      };
    }
  }
}

export const clusterUnreachable: Rule = {
  id: 'clusterUnreachable',
  stage: 'monitor',
  diagnose(ctx: RuleContext): RuleFinding[] {
    const err = ctx.snapshot.meta.clusterError;
    if (!err || !DETAILS.includes(err.kind)) return [];
    // A failed Entra sign-in never reached the API server: the collector may still file it as Unauthorized.
    const detail: Detail =
      err.kind === 'SignInFailed' || (err.kind === 'Unauthorized' && SIGN_IN.test(err.message ?? ''))
        ? 'SignInFailed'
        : err.kind;
    const t = text(detail, err.message ?? '');
    return [
      {
        code: 'ClusterUnreachable',
        detail,
        severity: 'critical',
        title: t.title,
        explanation:
          `The monitor could not read the cluster while diagnosing ${serviceLabel(ctx.target)}: ${t.why}. ` +
          `Nothing is known about the deployment's pods, events or logs, so its state is Unknown until access works again; ` +
          `this is a problem of the monitor's access, not necessarily of the deployment.`,
        // The HTTP status the kind was read from, so the title's number is in the evidence.
        evidence: [
          evidence(
            'cluster',
            `${err.kind}${HTTP_STATUS[err.kind] ? ` (HTTP ${HTTP_STATUS[err.kind]})` : ''}: ${err.message ?? ''}`,
          ),
        ],
        remedy: t.remedy,
        docs: t.docs,
        stage: 'monitor',
        specificity: SPECIFICITY.decisive,
      },
    ];
  },
};
